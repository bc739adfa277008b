import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLoopbackCertificate } from '../src/protocol/tls-certificate.js';

describe('loopback TLS certificate', () => {
  it('is a valid self-signed certificate for 127.0.0.1', { timeout: 30_000 }, () => {
    const { cert } = createLoopbackCertificate();
    const x509 = new X509Certificate(cert);
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.verify(x509.publicKey)).toBe(true);
  });

  it('lets an HTTPS client that trusts it connect, and only that client', { timeout: 30_000 }, async () => {
    const { cert, key } = createLoopbackCertificate();
    const server = https.createServer({ cert, key }, (_req, res) => res.end('secure hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const get = (agent: https.Agent) =>
      new Promise<string>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
            let body = '';
            res.on('data', (chunk) => {
              body += chunk;
            });
            res.on('end', () => resolve(body));
          })
          .on('error', reject);
      });
    try {
      expect(await get(new https.Agent({ ca: cert }))).toBe('secure hello');
      await expect(get(new https.Agent())).rejects.toThrow(/self-signed|certificate/i);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
