import { describe, expect, test } from 'vitest';
import { setup, TOKEN_A } from './helpers.js';

describe('GET /whatsapp/attachment/{id}/data', () => {
  test('downloads the stored bytes as an attachment, never as a page; other instances get 404', async () => {
    const { client } = setup();
    const mine = (await client('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_A })).body.data;
    const other = (await client('POST', '/whatsapp/createNewWhatsapp', { token: TOKEN_A })).body.data;
    const creds = { session_id: mine.session_id, access_token: mine.settings.access_token };
    const html = new TextEncoder().encode('<script>alert(1)</script>\u0000\u00ff');
    const up = await client('POST', '/whatsapp/attachment', {
      query: creds,
      form: { file: new File([html], 'page "1".html', { type: 'text/html' }) },
    });
    expect(up.status).toBe(200);
    const id = up.body.data._id as string;

    const res = await client('GET', `/whatsapp/attachment/${id}/data`, { query: creds });
    expect(res.status).toBe(200);
    // The test client reads text/* as text; compare the exact bytes it decoded from.
    expect(new TextEncoder().encode(res.body as string)).toEqual(html);
    expect(res.raw.headers.get('content-type')).toBe('text/html');
    expect(res.raw.headers.get('content-disposition')).toBe(
      `attachment; filename*=UTF-8''page%20%221%22.html`,
    );
    expect(res.raw.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.raw.headers.get('content-security-policy')).toContain('sandbox');

    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256);
    const bin = await client('POST', '/whatsapp/attachment', {
      query: creds,
      form: { file: new File([bytes], 'blob.bin', { type: 'application/octet-stream' }) },
    });
    const binData = await client('GET', `/whatsapp/attachment/${bin.body.data._id}/data`, { query: creds });
    expect(binData.body).toEqual(bytes);

    const otherCreds = { session_id: other.session_id, access_token: other.settings.access_token };
    const foreign = await client('GET', `/whatsapp/attachment/${id}/data`, { query: otherCreds });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ status: false, data: null });
    const missing = await client('GET', '/whatsapp/attachment/ffffffffffffffffffffffff/data', {
      query: creds,
    });
    expect(missing.status).toBe(404);
    const noAuth = await client('GET', `/whatsapp/attachment/${id}/data`, {
      query: { ...creds, access_token: 'wrong-token-value' },
    });
    expect(noAuth.status).toBe(401);
  });
});
