import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { DriverError, type MediaSource, ValidationError } from '@wabot/core';
import { isPrivateAddress, publicOnlyLookup } from './network-guard.js';

export interface MediaFetchOptions {
  /** Largest download in bytes. Default 32 MiB. */
  maxBytes?: number;
  /** Whole-download timeout in ms. Default 30000. */
  timeoutMs?: number;
  /** Redirects followed (each target is checked again). Default 3. */
  maxRedirects?: number;
  /**
   * Let URLs reach loopback, private, link-local and reserved addresses. Default false, so a caller
   * of the send API cannot make the server fetch from its own network.
   */
  allowPrivateNetworks?: boolean;
  /** Refuse a URL by returning false. Called for the URL and every redirect. */
  allowUrl?: (url: URL) => boolean;
}

export interface FetchedMedia {
  data: Uint8Array;
  /** The content type the server declared, without parameters. */
  contentType?: string;
}

const DEFAULTS = { maxBytes: 32 * 1024 * 1024, timeoutMs: 30_000, maxRedirects: 3 };

/**
 * Checks a media URL before anything is fetched: http(s) only, no credentials in it, and (unless
 * private networks are allowed) no literal private address.
 */
export function parseMediaUrl(
  raw: string,
  options: Pick<MediaFetchOptions, 'allowUrl' | 'allowPrivateNetworks'> = {},
): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError('is not a valid URL', 'media.url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(`scheme ${url.protocol} is not allowed (http or https only)`, 'media.url');
  }
  if (url.username || url.password) {
    throw new ValidationError('must not carry credentials', 'media.url');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivateNetworks && isIP(host) && isPrivateAddress(host)) {
    throw new ValidationError('points to a private or reserved address', 'media.url');
  }
  if (options.allowUrl && !options.allowUrl(url)) throw new ValidationError('is not allowed', 'media.url');
  return url;
}

/**
 * Downloads media from a URL with a size limit and a timeout, following a few redirects by hand so
 * every hop is checked. Names are resolved at connect time and refused when they point to a private
 * address. Bytes beyond the limit are never buffered: the download is aborted.
 */
export async function fetchMedia(raw: string, options: MediaFetchOptions = {}): Promise<FetchedMedia> {
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxRedirects = options.maxRedirects ?? DEFAULTS.maxRedirects;
  let url = parseMediaUrl(raw, options);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const failed = (err: unknown) => {
    if (err instanceof DriverError || err instanceof ValidationError) return err;
    if ((err as NodeJS.ErrnoException)?.code === 'EPRIVATEADDRESS') {
      return new ValidationError('resolves to a private or reserved address', 'media.url');
    }
    const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : errText(err);
    return fetchFailure(reason, err, true);
  };
  try {
    for (let hop = 0; ; hop++) {
      const res = await get(url, options.allowPrivateNetworks === true, controller.signal).catch((err) => {
        throw failed(err);
      });
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        res.resume();
        const location = res.headers.location;
        if (!location) throw fetchFailure(`redirect ${status} without a location`, undefined, false);
        if (hop >= maxRedirects) throw fetchFailure(`more than ${maxRedirects} redirects`, undefined, false);
        url = parseMediaUrl(new URL(location, url).toString(), options);
        continue;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        throw fetchFailure(`HTTP ${status}`, undefined, status >= 500 || status === 429);
      }
      const declared = Number(res.headers['content-length'] ?? Number.NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.destroy();
        throw tooLarge(maxBytes);
      }
      const data = await readLimited(res, maxBytes).catch((err) => {
        throw failed(err);
      });
      const contentType = res.headers['content-type']?.split(';')[0]?.trim() || undefined;
      return { data, contentType };
    }
  } finally {
    clearTimeout(timer);
  }
}

function get(url: URL, allowPrivate: boolean, signal: AbortSignal): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'GET',
        signal,
        headers: { accept: '*/*', 'user-agent': 'wabot' },
        ...(allowPrivate ? {} : { lookup: publicOnlyLookup }),
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

async function readLimited(res: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res) {
    const buf = chunk as Buffer;
    total += buf.byteLength;
    if (total > maxBytes) {
      res.destroy();
      throw tooLarge(maxBytes);
    }
    chunks.push(buf);
  }
  if (!res.complete) throw new Error('connection closed before the body was complete');
  const out = Buffer.concat(chunks, total);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Media bytes in hand, fetching them when the source is a URL. */
export async function resolveMedia(source: MediaSource, options?: MediaFetchOptions): Promise<FetchedMedia> {
  if ('data' in source) return { data: source.data };
  return fetchMedia(source.url, options);
}

function tooLarge(maxBytes: number): DriverError {
  return new DriverError(`media download refused: larger than ${maxBytes} bytes`, { transient: false });
}

function fetchFailure(reason: string, cause: unknown, transient: boolean): DriverError {
  return new DriverError(`media download failed: ${reason}`, { transient, cause });
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
