import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createLoopbackCertificate } from './tls-certificate.js';

const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/** base64url without padding, as WhatsApp writes file hashes in upload URLs. */
export function uploadToken(hash: Uint8Array): string {
  return Buffer.from(hash).toString('base64url');
}

/**
 * The simulator's media servers: HTTPS (what Baileys uploads to, as in `https://<host>/mms/...`)
 * and plain HTTP for downloads of media the simulated phones send. Uploads are accepted only
 * with the current auth token and when the body's SHA-256 matches the token in the URL.
 */
export class MediaServer {
  readonly auth = randomBytes(18).toString('base64url');
  readonly certificate: string;
  /** `https.Agent` that trusts this server; give it to Baileys as `fetchAgent`. */
  readonly agent: https.Agent;
  private readonly files = new Map<string, Buffer>();

  private constructor(
    private readonly secure: https.Server,
    private readonly plain: http.Server,
    certificate: string,
  ) {
    this.certificate = certificate;
    this.agent = new https.Agent({ ca: certificate, keepAlive: false });
  }

  static async start(): Promise<MediaServer> {
    const { cert, key } = createLoopbackCertificate();
    let server: MediaServer | undefined;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => server?.handle(req, res);
    const secure = https.createServer({ cert, key }, handler);
    const plain = http.createServer(handler);
    await Promise.all(
      [secure, plain].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))),
    );
    server = new MediaServer(secure, plain, cert);
    return server;
  }

  /** `host:port` of the HTTPS server, as sent in `<media_conn><host hostname>`. */
  get host(): string {
    return `127.0.0.1:${(this.secure.address() as AddressInfo).port}`;
  }

  /** Stores an (already encrypted) file and returns where it can be downloaded. */
  put(file: Buffer): { directPath: string; httpUrl: string; httpsUrl: string } {
    const directPath = `/d/${randomBytes(12).toString('hex')}`;
    this.files.set(directPath, file);
    const plainPort = (this.plain.address() as AddressInfo).port;
    return {
      directPath,
      httpUrl: `http://127.0.0.1:${plainPort}${directPath}`,
      httpsUrl: `https://${this.host}${directPath}`,
    };
  }

  /** The stored file behind a direct path or a full URL of this server. */
  get(pathOrUrl: string): Buffer | undefined {
    const path = pathOrUrl.startsWith('/') ? pathOrUrl : new URL(pathOrUrl).pathname;
    return this.files.get(path.split('?')[0] ?? '');
  }

  async close(): Promise<void> {
    this.agent.destroy();
    for (const server of [this.secure, this.plain]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET') {
      const file = this.files.get(url.pathname);
      res.writeHead(file ? 200 : 404, { 'content-type': 'application/octet-stream' });
      res.end(file);
      return;
    }
    if (req.method !== 'POST' || !url.pathname.startsWith('/mms/')) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_UPLOAD_BYTES) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => this.finishUpload(url, Buffer.concat(chunks), size, res));
  }

  private finishUpload(url: URL, body: Buffer, size: number, res: http.ServerResponse): void {
    const reply = (status: number, json: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (url.searchParams.get('auth') !== this.auth) {
      reply(401, { error: 'bad auth' });
      return;
    }
    if (size > MAX_UPLOAD_BYTES) {
      reply(413, { error: 'too large' });
      return;
    }
    const token = url.searchParams.get('token') ?? url.pathname.split('/').pop() ?? '';
    if (uploadToken(createHash('sha256').update(body).digest()) !== token) {
      reply(400, { error: 'hash mismatch' });
      return;
    }
    const { directPath, httpsUrl } = this.put(body);
    reply(200, { url: httpsUrl, direct_path: directPath });
  }
}
