/**
 * IP address parsing and classification for the SSRF guard. Pure functions over bytes, so the rules
 * are easy to test exhaustively and behave the same on every runtime.
 */

/** What kind of destination an address is. Only `public` is reachable by default. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'metadata'
  | 'multicast'
  | 'reserved';

/** Classes a webhook may reach when private destinations are allowed (e.g. a receiver on localhost). */
export const PRIVATE_CLASSES: ReadonlySet<AddressClass> = new Set([
  'loopback',
  'private',
  'link-local',
  'cgnat',
]);

/**
 * Parses a textual IPv4 or IPv6 address (IPv6 may carry an embedded dotted IPv4 tail or a `%zone`,
 * and may be wrapped in brackets as in a URL). Returns 4 or 16 bytes, or null when it is not an address.
 */
export function parseIp(text: string): Uint8Array | null {
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.includes(':')) return parseIpv6(s);
  return parseIpv4(s);
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIpv6(input: string): Uint8Array | null {
  let s = input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  // An embedded dotted IPv4 tail ("::ffff:1.2.3.4") becomes two hex groups.
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const tail = parseIpv4(last);
    if (!tail) return null;
    const hi = ((tail[0]! << 8) | tail[1]!).toString(16);
    const lo = ((tail[2]! << 8) | tail[3]!).toString(16);
    s = `${s.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = parseGroups(halves[0]!);
  const rest = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!head || !rest) return null;
  let groups: number[];
  if (halves.length === 1) {
    if (head.length !== 8) return null;
    groups = head;
  } else {
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return null;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

function parseGroups(part: string): number[] | null {
  if (part === '') return [];
  const out: number[] = [];
  for (const g of part.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    out.push(Number.parseInt(g, 16));
  }
  return out;
}

interface Range {
  base: number;
  bits: number;
  cls: AddressClass;
}

function v4(cidr: string, cls: AddressClass): Range {
  const [addr, bits] = cidr.split('/');
  const b = parseIpv4(addr!)!;
  return { base: toUint32(b, 0), bits: Number(bits), cls };
}

function toUint32(b: Uint8Array, offset: number): number {
  return ((b[offset]! << 24) | (b[offset + 1]! << 16) | (b[offset + 2]! << 8) | b[offset + 3]!) >>> 0;
}

function inRange(value: number, r: Range): boolean {
  if (r.bits === 0) return true;
  const mask = r.bits === 32 ? 0xffffffff : (0xffffffff << (32 - r.bits)) >>> 0;
  return (value & mask) >>> 0 === r.base;
}

// Most specific first: the first match wins.
const IPV4_RANGES: readonly Range[] = [
  v4('169.254.169.254/32', 'metadata'), // AWS, GCP, Azure, OpenStack
  v4('169.254.170.2/32', 'metadata'), // AWS ECS task metadata
  v4('100.100.100.200/32', 'metadata'), // Alibaba Cloud
  v4('192.0.0.192/32', 'metadata'), // Oracle Cloud
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'cgnat'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'),
  v4('192.0.2.0/24', 'reserved'),
  v4('192.88.99.0/24', 'reserved'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'),
  v4('198.51.100.0/24', 'reserved'),
  v4('203.0.113.0/24', 'reserved'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

function classifyV4(b: Uint8Array, offset = 0): AddressClass {
  const value = toUint32(b, offset);
  for (const r of IPV4_RANGES) if (inRange(value, r)) return r.cls;
  return 'public';
}

function startsWith(b: Uint8Array, prefix: readonly number[], bits: number): boolean {
  const full = Math.floor(bits / 8);
  for (let i = 0; i < full; i++) if (b[i] !== prefix[i]) return false;
  const rem = bits % 8;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return (b[full]! & mask) === ((prefix[full] ?? 0) & mask);
}

const zeros = (n: number) => new Array<number>(n).fill(0);
const MAPPED = [...zeros(10), 0xff, 0xff]; // ::ffff:0:0/96
const TRANSLATED = [...zeros(8), 0xff, 0xff, 0, 0]; // ::ffff:0:0:0/96
const NAT64 = [0x00, 0x64, 0xff, 0x9b, ...zeros(8)]; // 64:ff9b::/96
const AWS_METADATA_V6 = [0xfd, 0x00, 0x0e, 0xc2, ...zeros(10), 0x02, 0x54]; // fd00:ec2::254

function classifyV6(b: Uint8Array): AddressClass {
  // Forms that carry an IPv4 address are judged by that address.
  if (startsWith(b, MAPPED, 96) || startsWith(b, TRANSLATED, 96) || startsWith(b, NAT64, 96)) {
    return classifyV4(b, 12);
  }
  if (startsWith(b, AWS_METADATA_V6, 128)) return 'metadata';
  if (startsWith(b, zeros(16), 128)) return 'unspecified';
  if (startsWith(b, [...zeros(15), 1], 128)) return 'loopback';
  if (startsWith(b, zeros(12), 96)) {
    // Deprecated IPv4-compatible form: never a legitimate destination.
    const inner = classifyV4(b, 12);
    return inner === 'public' ? 'reserved' : inner;
  }
  if (startsWith(b, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48)) return 'private'; // local-use NAT64
  if (startsWith(b, [0x20, 0x02], 16)) {
    // 6to4 embeds the IPv4 address in bits 16..48.
    return classifyV4(b, 2);
  }
  if (startsWith(b, [0x20, 0x01, 0x0d, 0xb8], 32)) return 'reserved'; // documentation
  if (startsWith(b, [0x20, 0x01, 0x00], 23)) return 'reserved'; // IETF protocol assignments, Teredo
  if (startsWith(b, [0x3f, 0xff], 20)) return 'reserved'; // documentation (RFC 9637)
  if (startsWith(b, [0xfc], 7)) return 'private'; // unique local
  if (startsWith(b, [0xfe, 0x80], 10)) return 'link-local';
  if (startsWith(b, [0xfe, 0xc0], 10)) return 'private'; // deprecated site-local
  if (startsWith(b, [0xff], 8)) return 'multicast';
  if (startsWith(b, [0x20], 3)) return 'public'; // global unicast 2000::/3
  return 'reserved';
}

/** Classifies an address given as text or bytes. Text that is not an IP address throws a TypeError. */
export function classifyIp(ip: string | Uint8Array): AddressClass {
  const bytes = typeof ip === 'string' ? parseIp(ip) : ip;
  if (!bytes || (bytes.length !== 4 && bytes.length !== 16)) {
    throw new TypeError(`not an IP address: ${String(ip)}`);
  }
  return bytes.length === 4 ? classifyV4(bytes) : classifyV6(bytes);
}

/** True when a webhook may be delivered to an address of this class under the given policy. */
export function isClassAllowed(cls: AddressClass, allowPrivate: boolean): boolean {
  return cls === 'public' || (allowPrivate && PRIVATE_CLASSES.has(cls));
}

/** True when a webhook may be delivered to this address under the given policy. */
export function isAllowedAddress(ip: string | Uint8Array, allowPrivate: boolean): boolean {
  return isClassAllowed(classifyIp(ip), allowPrivate);
}
