// Which IP addresses an outbound webhook may reach. A user-given URL must not turn the
// server into a proxy for its own network: loopback, private, link-local, CGNAT, ULA and
// the cloud metadata services are refused, including when they hide inside an IPv6 form
// (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16).
import { isIP } from 'node:net';

export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'reserved'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'broadcast';

/** Kinds refused even with PRICEKEEP_WEBHOOK_ALLOW_PRIVATE=1: never a legitimate receiver. */
const ALWAYS_REFUSED: ReadonlySet<AddressKind> = new Set(['metadata', 'unspecified', 'multicast', 'broadcast']);

export type AddressVerdict =
  | { readonly allowed: true; readonly kind: AddressKind }
  | { readonly allowed: false; readonly kind: AddressKind; readonly reason: string };

export function addressVerdict(address: string, options: { allowPrivate: boolean }): AddressVerdict {
  const kind = classifyAddress(address);
  if (kind === 'public') return { allowed: true, kind };
  if (!ALWAYS_REFUSED.has(kind) && options.allowPrivate) return { allowed: true, kind };
  const hint = ALWAYS_REFUSED.has(kind) ? '' : ' (PRICEKEEP_WEBHOOK_ALLOW_PRIVATE=1 allows private targets)';
  return { allowed: false, kind, reason: `${address} is a ${kind} address${hint}` };
}

// IPv4 ranges as [first address, prefix length, kind], most specific first.
const V4_RANGES: ReadonlyArray<readonly [string, number, AddressKind]> = [
  ['169.254.169.254', 32, 'metadata'], // AWS, GCP, Azure, OpenStack, DigitalOcean
  ['100.100.100.200', 32, 'metadata'], // Alibaba Cloud
  ['192.0.0.192', 32, 'metadata'], // Oracle Cloud
  ['255.255.255.255', 32, 'broadcast'],
  ['0.0.0.0', 8, 'unspecified'], // "this network": 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'reserved'], // documentation
  ['192.88.99.0', 24, 'reserved'], // 6to4 relay anycast
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

function v4ToInt(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

const V4_PARSED = V4_RANGES.map(([base, bits, kind]) => ({ base: v4ToInt(base), size: 2 ** (32 - bits), kind }));

function classifyV4Int(n: number): AddressKind {
  for (const range of V4_PARSED) if (n >= range.base && n < range.base + range.size) return range.kind;
  return 'public';
}

/** Eight 16-bit groups of an IPv6 address (with an optional trailing dotted quad). */
export function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    if (isIP(last) !== 4) return null;
    const n = v4ToInt(last);
    tail = [Math.floor(n / 65536), n % 65536];
    text = text.slice(0, lastColon + 1);
    // keep a "::" that ends right before the quad; drop a single separating ':'
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - tail.length - head.length - rest.length;
  if (halves.length === 1 ? fill !== 0 : fill < 0) return null;
  const groups = [...head, ...Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rest, ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

function classifyV6(address: string): AddressKind {
  const g = ipv6Groups(address);
  if (!g) return 'reserved';
  const v4At = (hi: number, lo: number) => classifyV4Int(hi * 65536 + lo);
  const zerosUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zerosUpTo(8)) return 'unspecified';
  if (zerosUpTo(7) && g[7] === 1) return 'loopback';
  if (zerosUpTo(5) && g[5] === 0xffff) return v4At(g[6]!, g[7]!); // IPv4-mapped
  if (zerosUpTo(6)) return v4At(g[6]!, g[7]!); // IPv4-compatible (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4At(g[6]!, g[7]!); // NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private'; // local-use NAT64
  if (g[0] === 0x2002) return v4At(g[1]!, g[2]!); // 6to4 embeds the IPv4 address
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) return 'metadata'; // AWS
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'reserved'; // documentation
  if (g[0] === 0x0100 && zerosUpTo(4)) return 'reserved'; // discard
  if (g[0] === 0x2001 && g[1]! < 0x0200) return 'reserved'; // IETF protocol assignments (Teredo…)
  return 'public';
}

/** What kind of address this is; anything that is not an IP literal is 'reserved'. */
export function classifyAddress(address: string): AddressKind {
  const family = isIP(address);
  if (family === 4) return classifyV4Int(v4ToInt(address));
  if (family === 6) return classifyV6(address);
  return 'reserved';
}
