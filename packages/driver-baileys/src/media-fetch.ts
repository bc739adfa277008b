import { DriverError, type MediaSource, ValidationError } from '@wabot/core';

export interface MediaFetchOptions {
  /** Largest download in bytes. Default 32 MiB. */
  maxBytes?: number;
  /** Whole-download timeout in ms. Default 30000. */
  timeoutMs?: number;
  /** Redirects followed (each target is checked again). Default 3. */
  maxRedirects?: number;
  /** Refuse a URL (e.g. private addresses) by returning false. Called for the URL and every redirect. */
  allowUrl?: (url: URL) => boolean;
  /** The fetch used; injectable for tests and for proxies. */
  fetch?: typeof fetch;
}

export interface FetchedMedia {
  data: Uint8Array;
  /** The content type the server declared, without parameters. */
  contentType?: string;
}

const DEFAULTS = { maxBytes: 32 * 1024 * 1024, timeoutMs: 30_000, maxRedirects: 3 };

/** Checks a media URL before anything is fetched: http(s) only, no credentials in it. */
export function parseMediaUrl(raw: string, allowUrl?: (url: URL) => boolean): URL {
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
  if (allowUrl && !allowUrl(url)) throw new ValidationError('is not allowed', 'media.url');
  return url;
}

/**
 * Downloads media from a URL with a size limit and a timeout, following a few redirects by hand so
 * every hop is checked. Bytes beyond the limit are never buffered: the download is aborted.
 */
export async function fetchMedia(raw: string, options: MediaFetchOptions = {}): Promise<FetchedMedia> {
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxRedirects = options.maxRedirects ?? DEFAULTS.maxRedirects;
  const doFetch = options.fetch ?? fetch;
  let url = parseMediaUrl(raw, options.allowUrl);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      let res: Response;
      try {
        res = await doFetch(url, { redirect: 'manual', signal: controller.signal });
      } catch (err) {
        throw fetchFailure(
          controller.signal.aborted ? `timed out after ${timeoutMs} ms` : errText(err),
          err,
          true,
        );
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        const location = res.headers.get('location');
        if (!location) throw fetchFailure(`redirect ${res.status} without a location`, undefined, false);
        if (hop >= maxRedirects) throw fetchFailure(`more than ${maxRedirects} redirects`, undefined, false);
        url = parseMediaUrl(new URL(location, url).toString(), options.allowUrl);
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw fetchFailure(`HTTP ${res.status}`, undefined, res.status >= 500 || res.status === 429);
      }
      const declared = Number(res.headers.get('content-length') ?? Number.NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        await res.body?.cancel();
        throw tooLarge(maxBytes);
      }
      const data = await readLimited(res, maxBytes, controller, timeoutMs);
      const contentType = res.headers.get('content-type')?.split(';')[0]?.trim() || undefined;
      return { data, contentType };
    }
  } finally {
    clearTimeout(timer);
  }
}

async function readLimited(
  res: Response,
  maxBytes: number,
  controller: AbortController,
  timeoutMs: number,
): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        controller.abort();
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof DriverError) throw err;
    throw fetchFailure(
      controller.signal.aborted ? `timed out after ${timeoutMs} ms` : errText(err),
      err,
      true,
    );
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
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
