import { BlockList } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyIp, isAllowedAddress, parseIp } from '../src/ip.js';

// Reference tables, written independently of the implementation and checked with node's BlockList.
const V4_PRIVATE = [
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
];
const V4_ALWAYS_REFUSED = [
  '0.0.0.0/8',
  '169.254.169.254/32',
  '169.254.170.2/32',
  '100.100.100.200/32',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
const V6_PRIVATE = ['fc00::/7', 'fe80::/10', 'fec0::/10', '64:ff9b:1::/48', '::1/128'];
const V6_ALWAYS_REFUSED = [
  '::/96',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '3fff::/20',
  'ff00::/8',
  'fd00:ec2::254/128',
];

function blockList(cidrs: string[], type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [net, bits] = c.split('/');
    list.addSubnet(net!, Number(bits), type);
  }
  return list;
}

const v4Private = blockList(V4_PRIVATE, 'ipv4');
const v4Refused = blockList(V4_ALWAYS_REFUSED, 'ipv4');
const v6Private = blockList(V6_PRIVATE, 'ipv6');
const v6Refused = blockList(V6_ALWAYS_REFUSED, 'ipv6');
const v6Global = blockList(['2000::/3'], 'ipv6');

function refV4(ip: string, allowPrivate: boolean): boolean {
  if (v4Refused.check(ip, 'ipv4')) return false;
  if (v4Private.check(ip, 'ipv4')) return allowPrivate;
  return true;
}

const hex = (g: number) => g.toString(16);
const v4of = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

function refV6(groups: number[], allowPrivate: boolean): boolean {
  const g = groups;
  const text = g.map(hex).join(':');
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeros(5) && g[5] === 0xffff) return refV4(v4of(g[6]!, g[7]!), allowPrivate); // ::ffff:a.b.c.d
  if (zeros(4) && g[4] === 0xffff && g[5] === 0) return refV4(v4of(g[6]!, g[7]!), allowPrivate);
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return refV4(v4of(g[6]!, g[7]!), allowPrivate);
  }
  if (g[0] === 0x2002) return refV4(v4of(g[1]!, g[2]!), allowPrivate);
  if (v6Refused.check(text, 'ipv6')) {
    // ::/96 embeds an IPv4 address; it is refused either way, but a private one follows the private rule.
    if (zeros(6) && !(g[6] === 0 && g[7] === 0) && !(g[6] === 0 && g[7] === 1)) {
      const inner = v4of(g[6]!, g[7]!);
      return allowPrivate && !v4Refused.check(inner, 'ipv4') && v4Private.check(inner, 'ipv4');
    }
    return false;
  }
  if (v6Private.check(text, 'ipv6')) return allowPrivate;
  return v6Global.check(text, 'ipv6');
}

const interestingFirstOctet = fc.oneof(
  fc.constantFrom(0, 10, 100, 127, 169, 172, 192, 198, 203, 224, 240, 255, 8, 1),
  fc.integer({ min: 0, max: 255 }),
);
const arbV4 = fc
  .tuple(
    interestingFirstOctet,
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 255 }),
    fc.nat(255),
  )
  .map((parts) => parts.join('.'));

const interestingFirstGroup = fc.oneof(
  fc.constantFrom(
    0,
    0x64,
    0x100,
    0x2001,
    0x2002,
    0x2600,
    0x2a00,
    0x3fff,
    0xfc00,
    0xfd00,
    0xfe80,
    0xfec0,
    0xff02,
  ),
  fc.integer({ min: 0, max: 0xffff }),
);
const arbV6Groups = fc.oneof(
  fc.tuple(interestingFirstGroup, ...Array.from({ length: 7 }, () => fc.integer({ min: 0, max: 0xffff }))),
  // Mostly-zero addresses, which is where the special forms live.
  fc.tuple(
    interestingFirstGroup,
    fc.constantFrom(0, 0xff9b, 0xdb8, 0xec2),
    fc.constant(0),
    fc.constant(0),
    fc.constantFrom(0, 0xffff),
    fc.constantFrom(0, 0xffff),
    fc.integer({ min: 0, max: 0xffff }),
    fc.integer({ min: 0, max: 0xffff }),
  ),
);

describe('IP classification', () => {
  it('agrees with the reference table for IPv4', () => {
    fc.assert(
      fc.property(arbV4, fc.boolean(), (ip, allowPrivate) => {
        expect(isAllowedAddress(ip, allowPrivate)).toBe(refV4(ip, allowPrivate));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the reference table for IPv6, in full and compressed spellings', () => {
    fc.assert(
      fc.property(arbV6Groups, fc.boolean(), (groups, allowPrivate) => {
        const full = groups.map(hex).join(':');
        const compressed = new URL(`http://[${full}]/`).hostname;
        const expected = refV6(groups, allowPrivate);
        expect(isAllowedAddress(full, allowPrivate)).toBe(expected);
        expect(isAllowedAddress(compressed, allowPrivate)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('judges IPv4-mapped, translated and NAT64 IPv6 forms by the IPv4 address inside', () => {
    fc.assert(
      fc.property(arbV4, (ip) => {
        const cls = classifyIp(ip);
        expect(classifyIp(`::ffff:${ip}`)).toBe(cls);
        expect(classifyIp(`::ffff:0:${ip}`)).toBe(cls);
        expect(classifyIp(`64:ff9b::${ip}`)).toBe(cls);
        // The URL parser rewrites the dotted tail as hex groups.
        expect(classifyIp(new URL(`http://[::ffff:${ip}]/`).hostname)).toBe(cls);
      }),
      { numRuns: 2000 },
    );
  });

  it('sees through the spellings the URL parser accepts for IPv4 hosts', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), (n) => {
        const dotted = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
        expect(new URL(`http://${n}/`).hostname).toBe(dotted);
        expect(classifyIp(new URL(`http://0x${n.toString(16)}/`).hostname)).toBe(classifyIp(dotted));
      }),
      { numRuns: 1000 },
    );
  });

  it('names the well-known destinations', () => {
    expect(classifyIp('127.0.0.1')).toBe('loopback');
    expect(classifyIp('::1')).toBe('loopback');
    expect(classifyIp('[::1]')).toBe('loopback');
    expect(classifyIp('10.1.2.3')).toBe('private');
    expect(classifyIp('172.31.255.255')).toBe('private');
    expect(classifyIp('172.32.0.1')).toBe('public');
    expect(classifyIp('192.168.1.1')).toBe('private');
    expect(classifyIp('100.64.0.1')).toBe('cgnat');
    expect(classifyIp('169.254.169.254')).toBe('metadata');
    expect(classifyIp('fd00:ec2::254')).toBe('metadata');
    expect(classifyIp('100.100.100.200')).toBe('metadata');
    expect(classifyIp('169.254.1.1')).toBe('link-local');
    expect(classifyIp('fe80::1%eth0')).toBe('link-local');
    expect(classifyIp('0.0.0.0')).toBe('unspecified');
    expect(classifyIp('::')).toBe('unspecified');
    expect(classifyIp('::ffff:169.254.169.254')).toBe('metadata');
    expect(classifyIp('::ffff:7f00:1')).toBe('loopback');
    expect(classifyIp('2002:7f00:1::')).toBe('loopback');
    expect(classifyIp('fc00::1')).toBe('private');
    expect(classifyIp('ff02::1')).toBe('multicast');
    expect(classifyIp('224.0.0.1')).toBe('multicast');
    expect(classifyIp('8.8.8.8')).toBe('public');
    expect(classifyIp('2606:4700:4700::1111')).toBe('public');
  });

  it('keeps metadata and unspecified addresses refused even when private ones are allowed', () => {
    for (const ip of ['169.254.169.254', 'fd00:ec2::254', '0.0.0.0', '::', '::ffff:169.254.169.254']) {
      expect(isAllowedAddress(ip, true)).toBe(false);
    }
    expect(isAllowedAddress('127.0.0.1', true)).toBe(true);
    expect(isAllowedAddress('::1', true)).toBe(true);
  });

  it('parses only real addresses', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.256',
      '1.2.3.4.5',
      'a.b.c.d',
      '::1::',
      '1:2:3:4:5:6:7:8:9',
      'g::1',
      'localhost',
    ]) {
      expect(parseIp(bad)).toBeNull();
    }
    expect(() => classifyIp('example.com')).toThrow(TypeError);
    expect(Array.from(parseIp('::ffff:1.2.3.4')!)).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4,
    ]);
  });

  it('parses every IPv6 spelling to the same bytes', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const canonical = new URL(`http://[${ip}]/`).hostname;
        expect(parseIp(canonical)).toEqual(parseIp(ip));
        expect(parseIp(ip)).not.toBeNull();
      }),
      { numRuns: 2000 },
    );
  });
});
