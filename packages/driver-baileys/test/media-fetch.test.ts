import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DriverError, ValidationError } from '@wabot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchMedia, parseMediaUrl } from '../src/media-fetch.js';
import { isPrivateAddress } from '../src/network-guard.js';

let server: Server;
let base = '';
let hangingRequests = 0;
let requests = 0;
/** The test server is on loopback, which is refused unless allowed. */
const LOCAL = { allowPrivateNetworks: true };

beforeAll(async () => {
  server = createServer((req, res) => {
    requests += 1;
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/ok':
        res.writeHead(200, { 'content-type': 'image/png; charset=binary', 'content-length': '4' });
        res.end(Buffer.from([1, 2, 3, 4]));
        return;
      case '/big-declared':
        res.writeHead(200, { 'content-length': '5000' });
        res.end(Buffer.alloc(5000));
        return;
      case '/big-chunked': {
        // No content-length: the limit must be enforced while reading.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        let sent = 0;
        const pump = () => {
          while (sent < 100_000) {
            sent += 1000;
            if (!res.write(Buffer.alloc(1000))) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
        return;
      }
      case '/redirect':
        res.writeHead(302, { location: '/ok' });
        res.end();
        return;
      case '/redirect-meta':
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
        res.end();
        return;
      case '/redirect-loop':
        res.writeHead(302, { location: '/redirect-loop' });
        res.end();
        return;
      case '/redirect-file':
        res.writeHead(302, { location: 'file:///etc/passwd' });
        res.end();
        return;
      case '/missing':
        res.writeHead(404);
        res.end();
        return;
      case '/down':
        res.writeHead(503);
        res.end();
        return;
      case '/hang':
        hangingRequests += 1;
        req.on('close', () => res.destroy());
        return;
      default:
        res.writeHead(500);
        res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('parseMediaUrl', () => {
  it.each(['file:///etc/passwd', 'ftp://example.com/a', 'data:text/plain,hi', 'javascript:alert(1)'])(
    'refuses %s',
    (url) => {
      expect(() => parseMediaUrl(url)).toThrow(ValidationError);
    },
  );

  it('refuses malformed URLs and URLs with credentials', () => {
    expect(() => parseMediaUrl('not a url')).toThrow(/media.url: is not a valid URL/);
    expect(() => parseMediaUrl('https://user:secret@example.com/a')).toThrow(/credentials/);
  });

  it('applies the allowUrl hook', () => {
    expect(() =>
      parseMediaUrl('http://example.net/a', { allowUrl: (u) => !u.hostname.endsWith('.net') }),
    ).toThrow(/not allowed/);
    expect(parseMediaUrl('https://example.com/a').hostname).toBe('example.com');
  });
});

describe('private networks', () => {
  it.each([
    'http://127.0.0.1/a',
    'http://10.1.2.3/a',
    'http://192.168.0.10/a',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/a',
    'http://[fd00::1]/a',
    'http://[::ffff:127.0.0.1]/a',
    'http://0.0.0.0/a',
  ])('refuses the literal address in %s', (url) => {
    expect(() => parseMediaUrl(url)).toThrow(/private or reserved address/);
    expect(() => parseMediaUrl(url, { allowPrivateNetworks: true })).not.toThrow();
  });

  it('refuses a name that resolves to a private address, without sending a request', async () => {
    const before = requests;
    const port = new URL(base).port;
    const err = await failure(fetchMedia(`http://localhost:${port}/ok`));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/resolves to a private or reserved address/);
    expect(requests).toBe(before);
  });

  it('checks every redirect target again', async () => {
    const err = await failure(
      fetchMedia(`${base}/redirect-meta`, { ...LOCAL, allowUrl: (u) => u.hostname === '127.0.0.1' }),
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe('media.url: is not allowed');
  });

  it('classifies addresses', () => {
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2606:4700:4700::1111')).toBe(false);
    expect(isPrivateAddress('172.16.5.4')).toBe(true);
    expect(isPrivateAddress('172.32.0.1')).toBe(false);
    expect(isPrivateAddress('100.64.0.1')).toBe(true);
    expect(isPrivateAddress('fe80::1')).toBe(true);
    expect(isPrivateAddress('not an ip')).toBe(true);
  });
});

describe('fetchMedia', () => {
  it('downloads the bytes and the declared content type', async () => {
    const got = await fetchMedia(`${base}/ok`, LOCAL);
    expect([...got.data]).toEqual([1, 2, 3, 4]);
    expect(got.contentType).toBe('image/png');
  });

  it('follows a redirect and checks its target', async () => {
    expect([...(await fetchMedia(`${base}/redirect`, LOCAL)).data]).toEqual([1, 2, 3, 4]);
    expect(await failure(fetchMedia(`${base}/redirect-file`, LOCAL))).toBeInstanceOf(ValidationError);
    const loop = await failure(fetchMedia(`${base}/redirect-loop`, { ...LOCAL, maxRedirects: 2 }));
    expect(loop).toBeInstanceOf(DriverError);
    expect(loop.message).toMatch(/more than 2 redirects/);
  });

  it('refuses a body larger than the limit, declared or streamed', async () => {
    const declared = await failure(fetchMedia(`${base}/big-declared`, { ...LOCAL, maxBytes: 1000 }));
    expect(declared).toBeInstanceOf(DriverError);
    expect((declared as DriverError).transient).toBe(false);
    expect(declared.message).toMatch(/larger than 1000 bytes/);
    const streamed = await failure(fetchMedia(`${base}/big-chunked`, { ...LOCAL, maxBytes: 10_000 }));
    expect(streamed.message).toMatch(/larger than 10000 bytes/);
  });

  it('gives up after the timeout with a transient error', async () => {
    const err = await failure(fetchMedia(`${base}/hang`, { ...LOCAL, timeoutMs: 50 }));
    expect(err).toBeInstanceOf(DriverError);
    expect((err as DriverError).transient).toBe(true);
    expect(err.message).toMatch(/timed out after 50 ms/);
    expect(hangingRequests).toBe(1);
  });

  it('maps HTTP errors: 4xx for good, 5xx transient; the URL never appears in the message', async () => {
    const missing = (await failure(fetchMedia(`${base}/missing?token=s3cret`, LOCAL))) as DriverError;
    expect(missing.transient).toBe(false);
    expect(missing.message).toBe('media download failed: HTTP 404');
    const down = (await failure(fetchMedia(`${base}/down`, LOCAL))) as DriverError;
    expect(down.transient).toBe(true);
  });

  it('maps a refused connection to a transient error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = (await failure(fetchMedia(`http://127.0.0.1:${port}/x`, LOCAL))) as DriverError;
    expect(err).toBeInstanceOf(DriverError);
    expect(err.transient).toBe(true);
  });
});
