/**
 * IPv4 and IPv6 addresses and CIDR blocks as numbers, for range matching in
 * context documents, threat-intel lists and geolocation. IPv4 is a plain
 * number (fits a double exactly); IPv6 a BigInt. An IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`) is treated as the IPv4 address it carries, so a rule
 * written for IPv4 matches whichever form a source logged.
 */

export type IpAddress = { v: 4; n: number } | { v: 6; n: bigint };
export type IpRange = { v: 4; start: number; end: number } | { v: 6; start: bigint; end: bigint };

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const MAPPED_V4 = 0xffff00000000n;

function v4(s: string): number | undefined {
  const m = V4.exec(s);
  if (!m) return undefined;
  return ((+m[1] << 24) >>> 0) + (+m[2] << 16) + (+m[3] << 8) + +m[4];
}

function v6(s: string): bigint | undefined {
  // Zone ids (`fe80::1%eth0`) name an interface, not a different address.
  const pct = s.indexOf('%');
  if (pct !== -1) s = s.slice(0, pct);
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.length > 45) return undefined;
  let tail: number[] = [];
  // A dotted IPv4 tail (`::ffff:1.2.3.4`) stands for the last two groups.
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    const n = v4(s.slice(lastColon + 1));
    if (n === undefined) return undefined;
    tail = [n >>> 16, n & 0xffff];
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl === -1) {
    const all = parse(s);
    if (!all) return undefined;
    groups = [...all, ...tail];
    if (groups.length !== 8) return undefined;
  } else {
    const head = parse(s.slice(0, dbl));
    const rest = parse(s.slice(dbl + 2));
    if (!head || !rest) return undefined;
    const fill = 8 - head.length - rest.length - tail.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

/** The address, or undefined when `s` is not an IPv4 or IPv6 address. */
export function parseIp(s: string): IpAddress | undefined {
  const a = v4(s);
  if (a !== undefined) return { v: 4, n: a };
  if (!s.includes(':')) return undefined;
  const b = v6(s);
  if (b === undefined) return undefined;
  if (b >> 32n === 0xffffn) return { v: 4, n: Number(b - MAPPED_V4) };
  return { v: 6, n: b };
}

/** One canonical spelling per address, so `2001:DB8::1` and `2001:db8:0::1` are one key. */
export function ipKey(ip: IpAddress): string {
  return ip.v === 4 ? `4:${ip.n}` : `6:${ip.n.toString(16)}`;
}

/**
 * A CIDR block (`10.0.0.0/8`, `2001:db8::/32`) or a single address, as the
 * range it covers. Host bits below the prefix are ignored. Throws a message
 * fit for an error that names the field.
 */
export function parseCidr(s: string): IpRange {
  const slash = s.indexOf('/');
  const text = slash === -1 ? s : s.slice(0, slash);
  const addr = parseIp(text);
  if (!addr) throw new Error(`"${s}" is not an IP address or CIDR block`);
  const max = text.includes(':') ? 128 : 32;
  let bits = max;
  if (slash !== -1) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || +p > max) throw new Error(`"${s}": prefix length must be 0 to ${max}`);
    bits = +p;
  }
  if (addr.v === 4) {
    // An IPv4-mapped IPv6 block (`::ffff:0:0/96` or longer) is an IPv4 block.
    const b = max === 128 ? bits - 96 : bits;
    if (b < 0) throw new Error(`"${s}": an IPv4-mapped block needs a prefix of at least 96`);
    const size = 2 ** (32 - b);
    const start = Math.floor(addr.n / size) * size;
    return { v: 4, start, end: start + size - 1 };
  }
  const host = (1n << BigInt(128 - bits)) - 1n;
  const start = addr.n & ~host & ((1n << 128n) - 1n);
  return { v: 6, start, end: start | host };
}

export function inRange(ip: IpAddress, r: IpRange): boolean {
  if (ip.v === 4) return r.v === 4 && ip.n >= r.start && ip.n <= r.end;
  return r.v === 6 && ip.n >= r.start && ip.n <= r.end;
}

// Not routable on the internet, so they have no country: private, loopback,
// link-local, shared (CGNAT), documentation, benchmarking, multicast, reserved.
const NON_PUBLIC: IpRange[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3',
  '::/127',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
].map(parseCidr);

/** True for addresses that are not publicly routed (RFC 1918, loopback, documentation, …). */
export function isNonPublic(ip: IpAddress): boolean {
  for (const r of NON_PUBLIC) if (inRange(ip, r)) return true;
  return false;
}

/** A set of ranges; small sets (context documents) are scanned, which beats any index at that size. */
export class RangeSet<T> {
  private readonly v4: { start: number; end: number; value: T }[] = [];
  private readonly v6: { start: bigint; end: bigint; value: T }[] = [];

  add(r: IpRange, value: T): void {
    if (r.v === 4) this.v4.push({ start: r.start, end: r.end, value });
    else this.v6.push({ start: r.start, end: r.end, value });
  }

  get size(): number {
    return this.v4.length + this.v6.length;
  }

  /** Values of every range holding `ip`, in the order they were added. */
  match(ip: IpAddress): T[] {
    const out: T[] = [];
    if (ip.v === 4) {
      for (const r of this.v4) if (ip.n >= r.start && ip.n <= r.end) out.push(r.value);
    } else {
      for (const r of this.v6) if (ip.n >= r.start && ip.n <= r.end) out.push(r.value);
    }
    return out;
  }
}
