import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type NodeServer, serveNode } from '../src/node.js';
import { setup, TOKEN_A } from './helpers.js';

// The same app behind Node's real http server: bodies arrive as streams, chunked or with a length.

const LIMIT = 32 * 1024;

/** Sends raw bytes the way curl does: with a content-length, including a body on GET. */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { ...headers, ...length } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('over a real socket', () => {
  const { app } = setup({ app: { maxBodyBytes: LIMIT } });
  let server: NodeServer;
  let base = '';
  beforeAll(async () => {
    server = await serveNode(app, { port: 0 });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
  });

  test('a body over the limit is refused with 413, with or without content-length', async () => {
    const big = 'x'.repeat(LIMIT + 1);
    const sized = await fetch(`${base}/whatsapp/createNewWhatsapp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN_A}`, 'content-type': 'application/json' },
      body: JSON.stringify({ big }),
    });
    expect(sized.status).toBe(413);
    expect(await sized.json()).toEqual({
      status: false,
      message: `body: must be at most ${LIMIT} bytes`,
      data: null,
    });

    const chunks = [
      new TextEncoder().encode('{"big":"'),
      new TextEncoder().encode(big),
      new TextEncoder().encode('"}'),
    ];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const chunked = await fetch(`${base}/whatsapp/createNewWhatsapp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN_A}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  test("the reference's curl shapes: JSON sent as a form, and GET with a body", async () => {
    const created = await raw(
      server.port,
      'POST',
      '/whatsapp/createNewWhatsapp',
      {
        authorization: `Bearer ${TOKEN_A}`,
        'content-type': 'application/x-www-form-urlencoded',
        'x-refresh': '',
      },
      '{}',
    );
    expect(created.status, created.body).toBe(200);
    const data = JSON.parse(created.body).data;
    const list = await raw(
      server.port,
      'GET',
      '/whatsapp',
      { authorization: `Bearer ${TOKEN_A}`, 'content-type': 'application/x-www-form-urlencoded' },
      JSON.stringify({ session_id: data.session_id, access_token: data.settings.access_token }),
    );
    expect(list.status, list.body).toBe(200);
    expect(JSON.parse(list.body).data).toHaveLength(1);
    // The reference's instance info call: empty credentials in the query, the real ones in a GET body.
    const info = await raw(
      server.port,
      'GET',
      '/whatsapp/instance?session_id=&access_token=&format=base64',
      { 'content-type': 'application/x-www-form-urlencoded', 'x-refresh': '' },
      JSON.stringify({ session_id: data.session_id, access_token: data.settings.access_token }),
    );
    expect(info.status, info.body).toBe(200);
    expect(JSON.parse(info.body).message).toBe('Status checked successfully');
    const wrong = await raw(
      server.port,
      'GET',
      '/whatsapp/instance',
      { 'content-type': 'application/json' },
      JSON.stringify({ session_id: data.session_id, access_token: 'wrong' }),
    );
    expect(wrong.status).toBe(401);
  });

  test('broken multipart and broken JSON are 400s', async () => {
    const multipart = await raw(
      server.port,
      'POST',
      '/whatsapp/attachment?session_id=s&access_token=t',
      { 'content-type': 'multipart/form-data; boundary=zzz' },
      '--zzz\r\nContent-Disposition: form-data; name="file"\r\n\r\nunterminated',
    );
    expect(multipart.status).toBe(400);
    expect(JSON.parse(multipart.body).message).toBe('body: is not a valid multipart/form-data body');
    const json = await raw(
      server.port,
      'PUT',
      '/whatsapp/updateGeneral?session_id=s&access_token=t',
      { 'content-type': 'application/json' },
      '{"bot_name": ',
    );
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body)).toEqual({ status: false, message: 'body: is not valid JSON', data: null });
  });
});
