import { ValidationError } from '@wabot/core';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWebhookUrl, type Resolver, validateWebhookUrl, WebhookUrlError } from '../src/ssrf.js';
import { fetchTransport, TransportError } from '../src/transport.js';
import { nodeTransport } from '../src/transport-node.js';
import { type Receiver, startReceiver } from './helpers.js';

const resolveTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

const request = (url: string) => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: '{}',
  timeoutMs: 2000,
});

describe('validateWebhookUrl', () => {
  it('accepts public http(s) URLs', async () => {
    const url = await validateWebhookUrl('https://hooks.example.com/wa?x=1', {
      resolve: resolveTo('93.184.216.34'),
    });
    expect(url.hostname).toBe('hooks.example.com');
    await expect(validateWebhookUrl('http://8.8.8.8:8080/')).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['ftp://example.com/', /scheme ftp/],
    ['file:///etc/passwd', /scheme file/],
    ['javascript:alert(1)', /scheme javascript/],
    ['https://user:pass@example.com/', /credentials/],
    ['https://user@example.com/', /credentials/],
    ['not a url', /not a valid URL/],
    ['', /non-empty/],
    [`https://example.com/${'a'.repeat(3000)}`, /at most/],
    ['http://127.0.0.1:9000/', /loopback/],
    ['http://2130706433/', /loopback/],
    ['http://0x7f.0.0.1/', /loopback/],
    ['http://[::1]/', /loopback/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://localhost:3000/', /loopback/],
    ['http://api.localhost./', /loopback/],
    ['http://10.0.0.5/', /private/],
    ['http://192.168.0.1/', /private/],
    ['http://100.64.1.1/', /cgnat/],
    ['http://169.254.169.254/latest/meta-data', /metadata/],
    ['http://[fd00:ec2::254]/', /metadata/],
    ['http://[fe80::1]/', /link-local/],
    ['http://0.0.0.0/', /unspecified/],
  ])('refuses %s with a ValidationError on webhook_url', async (url, message) => {
    const err = await validateWebhookUrl(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookUrlError);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('webhook_url');
    expect((err as Error).message).toMatch(message);
  });

  it('never echoes credentials in the error', () => {
    expect(() => checkWebhookUrl('https://admin:hunter2@example.com/')).toThrow(/^((?!hunter2).)*$/);
  });

  it('refuses hosts that resolve to a forbidden address, even when only one of them does', async () => {
    await expect(
      validateWebhookUrl('https://evil.example/', { resolve: resolveTo('10.0.0.1') }),
    ).rejects.toThrow(/private/);
    await expect(
      validateWebhookUrl('https://mixed.example/', { resolve: resolveTo('93.184.216.34', '127.0.0.1') }),
    ).rejects.toThrow(/loopback/);
  });

  it('allows private destinations when asked, but never metadata ones', async () => {
    await expect(
      validateWebhookUrl('http://127.0.0.1:9000/', { allowPrivate: true }),
    ).resolves.toBeInstanceOf(URL);
    await expect(validateWebhookUrl('http://localhost/', { allowPrivate: true })).resolves.toBeInstanceOf(
      URL,
    );
    await expect(
      validateWebhookUrl('http://internal.example/', {
        allowPrivate: true,
        resolve: resolveTo('192.168.1.10'),
      }),
    ).resolves.toBeInstanceOf(URL);
    await expect(validateWebhookUrl('http://169.254.169.254/', { allowPrivate: true })).rejects.toThrow(
      /metadata/,
    );
  });

  it('accepts a host that does not resolve right now (delivery checks again)', async () => {
    const failing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    };
    await expect(validateWebhookUrl('https://later.example/', { resolve: failing })).resolves.toBeInstanceOf(
      URL,
    );
  });
});

describe('transports', () => {
  let receiver: Receiver;
  const closers: Array<() => void> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) c();
    await receiver?.close();
  });

  it('node transport checks the address it connects to (DNS rebinding)', async () => {
    receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    // The name passed validation as a public address, but now resolves to loopback.
    await expect(
      validateWebhookUrl(`http://rebind.example:${port}/`, { resolve: resolveTo('93.184.216.34') }),
    ).resolves.toBeInstanceOf(URL);
    const t = nodeTransport({ resolve: resolveTo('127.0.0.1') });
    closers.push(t.close);
    const err = await t.send(request(`http://rebind.example:${port}/hook`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookUrlError);
    expect(receiver.received).toHaveLength(0);
  });

  it('node transport connects to the address its lookup checked', async () => {
    receiver = await startReceiver(() => ({ status: 204 }));
    const port = new URL(receiver.url).port;
    const t = nodeTransport({ allowPrivate: true, resolve: resolveTo('127.0.0.1') });
    closers.push(t.close);
    const res = await t.send(request(`http://receiver.example:${port}/hook`));
    expect(res.status).toBe(204);
    expect(receiver.received[0]!.headers.host).toBe(`receiver.example:${port}`);
  });

  it('node transport refuses literal private addresses without asking DNS', async () => {
    receiver = await startReceiver();
    const t = nodeTransport({
      resolve: async () => {
        throw new Error('resolver must not be called');
      },
    });
    closers.push(t.close);
    await expect(t.send(request(receiver.url))).rejects.toThrow(/loopback/);
    expect(receiver.received).toHaveLength(0);
  });

  it('node transport does not follow redirects and reads a bounded body', async () => {
    receiver = await startReceiver((_req, i) =>
      i === 0
        ? { status: 302, headers: { location: 'http://169.254.169.254/' } }
        : { status: 500, body: 'x'.repeat(2_000_000) },
    );
    const t = nodeTransport({ allowPrivate: true, maxResponseBytes: 1024 });
    closers.push(t.close);
    const redirect = await t.send(request(receiver.url));
    expect(redirect.status).toBe(302);
    const big = await t.send(request(receiver.url));
    expect(big.status).toBe(500);
    expect(big.body.length).toBe(1024);
    expect(receiver.received).toHaveLength(2);
  });

  it('node transport times out and reports network failures as TransportError', async () => {
    receiver = await startReceiver(() => ({ hang: true }));
    const t = nodeTransport({ allowPrivate: true });
    closers.push(t.close);
    const timeout = await t.send({ ...request(receiver.url), timeoutMs: 100 }).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(TransportError);
    expect((timeout as TransportError).timeout).toBe(true);
    const port = new URL(receiver.url).port;
    await receiver.close();
    const refused = await t.send(request(`http://127.0.0.1:${port}/`)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportError);
    expect((refused as TransportError).timeout).toBe(false);
  });

  it('fetch transport reports timeouts and refused connections as TransportError', async () => {
    receiver = await startReceiver(() => ({ hang: true }));
    const t = fetchTransport(fetch, { allowPrivate: true });
    const timeout = await t({ ...request(receiver.url), timeoutMs: 100 }).catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(TransportError);
    expect((timeout as TransportError).timeout).toBe(true);
    const port = new URL(receiver.url).port;
    await receiver.close();
    const refused = await t(request(`http://127.0.0.1:${port}/`)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportError);
    expect((refused as TransportError).timeout).toBe(false);
  });

  it('fetch transport applies the same policy, no redirects, bounded body', async () => {
    receiver = await startReceiver((_req, i) =>
      i === 0
        ? { status: 307, headers: { location: '/elsewhere' } }
        : { status: 200, body: 'y'.repeat(100_000) },
    );
    const strict = fetchTransport(fetch);
    await expect(strict.call(null, request(receiver.url))).rejects.toThrow(/loopback/);
    const named = fetchTransport(fetch, { resolve: resolveTo('10.1.1.1') });
    await expect(named(request('http://intranet.example/'))).rejects.toThrow(/private/);
    const t = fetchTransport(fetch, { allowPrivate: true, maxResponseBytes: 500 });
    expect((await t(request(receiver.url))).status).toBe(307);
    const ok = await t(request(receiver.url));
    expect(ok.status).toBe(200);
    expect(ok.body.length).toBe(500);
    expect(receiver.received).toHaveLength(2);
  });
});
