/**
 * The Kubernetes IP and CIDR libraries: `ip(s)`, `isIP(s)`, `ip.isCanonical(s)`, `cidr(s)`, `isCIDR(s)`, `string()`
 * of both, and on an IP `family()`, `isUnspecified()`, `isLoopback()`, `isLinkLocalMulticast()`,
 * `isLinkLocalUnicast()`, `isGlobalUnicast()`; on a CIDR `containsIP(ip|s)`, `containsCIDR(cidr|s)`, `ip()`,
 * `masked()`, `prefixLength()`. Parsing is strict, as in the API server: no zones, no IPv4-mapped IPv6 addresses,
 * no leading zeros in IPv4 parts or prefix lengths.
 */
import { CelScalar, celFunc, celMethod, type CelFunc } from '@bufbuild/cel';
import { CIDR_TYPE, IP_TYPE, textOf } from './types.js';

const { BOOL, INT, STRING } = CelScalar;
const IP = IP_TYPE.type;
const CIDR = CIDR_TYPE.type;

type Bytes = number[];

function parseIPv4(s: string): Bytes | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: Bytes = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): Bytes | undefined {
  if (s.includes('%')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const fields = part.split(':');
    for (const [i, f] of fields.entries()) {
      if (i === fields.length - 1 && f.includes('.')) {
        const v4 = parseIPv4(f);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(f)) out.push(parseInt(f, 16));
      else return undefined;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  // A dotted IPv4 tail is only allowed at the very end.
  if (halves.length === 2 && halves[0]!.includes('.')) return undefined;
  let all: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else all = head;
  if (all.length !== 8) return undefined;
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

const isV4Mapped = (b: Bytes) => b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;

/** Parse an address the way the library does; a string saying why not, on failure. */
export function parseIP(s: string): Bytes | string {
  const b = s.includes(':') ? parseIPv6(s) : parseIPv4(s);
  if (!b) return s.includes('%') ? `IP address with a zone is not allowed: ${JSON.stringify(s)}` : `invalid IP address ${JSON.stringify(s)}`;
  if (isV4Mapped(b)) return `IPv4-mapped IPv6 address is not allowed: ${JSON.stringify(s)}`;
  return b;
}

/** The canonical text: dotted decimal, or RFC 5952 for IPv6 (lowercase, longest zero run as `::`). */
export function formatIP(b: Bytes): string {
  if (b.length === 4) return b.join('.');
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  return best === -1 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

function parseCIDR(s: string): { ip: Bytes; bits: number } | string {
  const slash = s.indexOf('/');
  if (slash === -1) return `invalid CIDR ${JSON.stringify(s)}: no prefix length`;
  const ip = parseIP(s.slice(0, slash));
  if (typeof ip === 'string') return `invalid CIDR ${JSON.stringify(s)}: ${ip}`;
  const len = s.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(len) || Number(len) > ip.length * 8) return `invalid CIDR ${JSON.stringify(s)}: bad prefix length`;
  return { ip, bits: Number(len) };
}

function mask(ip: Bytes, bits: number): Bytes {
  return ip.map((x, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return x & ((0xff << (8 - keep)) & 0xff);
  });
}

const ipOf = (v: unknown): Bytes => parseIP(textOf(v)) as Bytes;
const cidrOf = (v: unknown) => parseCIDR(textOf(v)) as { ip: Bytes; bits: number };
const makeIP = (b: Bytes) => IP_TYPE.make(formatIP(b)) as never;
const makeCIDR = (ip: Bytes, bits: number) => CIDR_TYPE.make(`${formatIP(ip)}/${bits}`) as never;

function ipOrThrow(s: string): Bytes {
  const b = parseIP(s);
  if (typeof b === 'string') throw new Error(b);
  return b;
}

function cidrOrThrow(s: string): { ip: Bytes; bits: number } {
  const c = parseCIDR(s);
  if (typeof c === 'string') throw new Error(c);
  return c;
}

function contains(c: { ip: Bytes; bits: number }, ip: Bytes): boolean {
  if (c.ip.length !== ip.length) return false;
  const a = mask(c.ip, c.bits);
  const b = mask(ip, c.bits);
  return a.every((x, i) => x === b[i]);
}

const isLoopback = (b: Bytes) => (b.length === 4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1);
const isUnspecified = (b: Bytes) => b.every((x) => x === 0);
const isMulticast = (b: Bytes) => (b.length === 4 ? (b[0]! & 0xf0) === 0xe0 : b[0] === 0xff);
const isLinkLocalUnicast = (b: Bytes) => (b.length === 4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80);
const isLinkLocalMulticast = (b: Bytes) => (b.length === 4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02);
const isBroadcast = (b: Bytes) => b.length === 4 && b.every((x) => x === 255);

export const ipFunctions: CelFunc[] = [
  celFunc('ip', [STRING], IP, (s) => makeIP(ipOrThrow(s))),
  celFunc('isIP', [STRING], BOOL, (s) => typeof parseIP(s) !== 'string'),
  celFunc('ip.isCanonical', [STRING], BOOL, (s) => formatIP(ipOrThrow(s)) === s),
  celFunc('string', [IP], STRING, (ip) => textOf(ip)),
  celMethod('family', IP, [], INT, function () {
    return ipOf(this).length === 4 ? 4n : 6n;
  }),
  celMethod('isUnspecified', IP, [], BOOL, function () {
    return isUnspecified(ipOf(this));
  }),
  celMethod('isLoopback', IP, [], BOOL, function () {
    return isLoopback(ipOf(this));
  }),
  celMethod('isLinkLocalMulticast', IP, [], BOOL, function () {
    return isLinkLocalMulticast(ipOf(this));
  }),
  celMethod('isLinkLocalUnicast', IP, [], BOOL, function () {
    return isLinkLocalUnicast(ipOf(this));
  }),
  celMethod('isGlobalUnicast', IP, [], BOOL, function () {
    const b = ipOf(this);
    return !isUnspecified(b) && !isBroadcast(b) && !isLoopback(b) && !isMulticast(b) && !isLinkLocalUnicast(b);
  }),
  celFunc('cidr', [STRING], CIDR, (s) => {
    const c = cidrOrThrow(s);
    return makeCIDR(c.ip, c.bits);
  }),
  celFunc('isCIDR', [STRING], BOOL, (s) => typeof parseCIDR(s) !== 'string'),
  celFunc('string', [CIDR], STRING, (c) => textOf(c)),
  celMethod('containsIP', CIDR, [IP], BOOL, function (ip) {
    return contains(cidrOf(this), ipOf(ip));
  }),
  celMethod('containsIP', CIDR, [STRING], BOOL, function (s) {
    return contains(cidrOf(this), ipOrThrow(s));
  }),
  celMethod('containsCIDR', CIDR, [CIDR], BOOL, function (other) {
    const o = cidrOf(other);
    return o.bits >= cidrOf(this).bits && contains(cidrOf(this), o.ip);
  }),
  celMethod('containsCIDR', CIDR, [STRING], BOOL, function (s) {
    const o = cidrOrThrow(s);
    return o.bits >= cidrOf(this).bits && contains(cidrOf(this), o.ip);
  }),
  celMethod('ip', CIDR, [], IP, function () {
    return makeIP(cidrOf(this).ip);
  }),
  celMethod('masked', CIDR, [], CIDR, function () {
    const c = cidrOf(this);
    return makeCIDR(mask(c.ip, c.bits), c.bits);
  }),
  celMethod('prefixLength', CIDR, [], INT, function () {
    return BigInt(cidrOf(this).bits);
  }),
];
