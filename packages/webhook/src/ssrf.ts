import { ValidationError } from '@wabot/core';
import { type AddressClass, classifyIp, isClassAllowed, parseIp } from './ip.js';

/** A resolved address, as `dns.lookup(host, { all: true })` returns them. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface UrlPolicy {
  /** Allow loopback, private, link-local and CGNAT destinations (metadata addresses stay refused). */
  allowPrivate?: boolean;
  /** How host names are resolved; defaults to the system resolver. */
  resolve?: Resolver;
}

/** A webhook URL or the address it resolves to is not allowed. Never a transient condition. */
export class WebhookUrlError extends ValidationError {
  constructor(message: string) {
    super(message, 'webhook_url');
  }
}

const MAX_URL_LENGTH = 2048;

/** The system resolver, loaded lazily so importing this module works where `node:dns` does not exist. */
export const systemResolver: Resolver = async (hostname) => {
  const dns = await import('node:dns');
  return dns.promises.lookup(hostname, { all: true, verbatim: true });
};

/**
 * Checks the parts of a webhook URL that need no network: length, scheme, credentials, and hosts that
 * are addresses or well-known local names. Returns the parsed URL.
 * @throws WebhookUrlError
 */
export function checkWebhookUrl(url: string, policy: Pick<UrlPolicy, 'allowPrivate'> = {}): URL {
  if (typeof url !== 'string' || url.length === 0) throw new WebhookUrlError('must be a non-empty string');
  if (url.length > MAX_URL_LENGTH) throw new WebhookUrlError(`must be at most ${MAX_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookUrlError('is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new WebhookUrlError(
      `scheme ${parsed.protocol.replace(/:$/, '')} is not allowed (use http or https)`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new WebhookUrlError('must not contain credentials; send them with requestConfig.headers');
  }
  const host = hostOf(parsed);
  if (host === '') throw new WebhookUrlError('has no host');
  const literal = parseIp(host);
  if (literal) assertAllowed(host, classifyIp(literal), policy.allowPrivate ?? false);
  else if (isLocalName(host)) assertAllowed(host, 'loopback', policy.allowPrivate ?? false);
  return parsed;
}

/**
 * Validates a webhook URL before it is saved: everything `checkWebhookUrl` checks, plus the addresses
 * the host resolves to right now. A host that does not resolve at the moment is accepted, because
 * delivery checks the address again on every connection.
 * @throws WebhookUrlError
 * @example await validateWebhookUrl('https://hooks.example.com/wa', { allowPrivate: false })
 */
export async function validateWebhookUrl(url: string, policy: UrlPolicy = {}): Promise<URL> {
  const parsed = checkWebhookUrl(url, policy);
  const host = hostOf(parsed);
  if (parseIp(host) || isLocalName(host)) return parsed;
  let addresses: ResolvedAddress[];
  try {
    addresses = await (policy.resolve ?? systemResolver)(host);
  } catch {
    return parsed;
  }
  assertResolvedAllowed(host, addresses, policy.allowPrivate ?? false);
  return parsed;
}

/** Throws when any of the addresses a host resolved to is refused by the policy. */
export function assertResolvedAllowed(
  host: string,
  addresses: readonly ResolvedAddress[],
  allowPrivate: boolean,
): void {
  if (addresses.length === 0) throw new WebhookUrlError(`host ${host} has no addresses`);
  for (const a of addresses) {
    const bytes = parseIp(a.address);
    if (!bytes) throw new WebhookUrlError(`host ${host} resolved to something that is not an address`);
    assertAllowed(host, classifyIp(bytes), allowPrivate);
  }
}

function assertAllowed(host: string, cls: AddressClass, allowPrivate: boolean): void {
  if (isClassAllowed(cls, allowPrivate)) return;
  throw new WebhookUrlError(`host ${host} is a ${cls} address, which webhooks may not reach`);
}

/** The URL's host without IPv6 brackets or a trailing dot, lower-cased. */
export function hostOf(url: URL): string {
  let host = url.hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

function isLocalName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}
