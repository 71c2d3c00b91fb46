/** CIDR arithmetic for the network rules: how much of the internet a set of ranges admits. */

type Range = [bigint, bigint]; // inclusive

function parse(cidr: string): { v6: boolean; range: Range } | undefined {
  const [addr, len] = cidr.split("/");
  const bits = Number(len);
  if (addr.includes(":")) {
    const [head, tail = ""] = addr.split("::");
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    if (!addr.includes("::") && h.length !== 8) return undefined;
    const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
    let n = 0n;
    for (const g of groups) n = (n << 16n) + BigInt(parseInt(g || "0", 16));
    return block(n, bits, 128, true);
  }
  const parts = addr.split(".").map(Number);
  if (parts.length !== 4 || parts.some((x) => !(x >= 0 && x <= 255))) return undefined;
  return block(parts.reduce((n, x) => (n << 8n) + BigInt(x), 0n), bits, 32, false);
}

function block(n: bigint, bits: number, width: number, v6: boolean) {
  if (!(bits >= 0 && bits <= width)) return undefined;
  const size = 1n << BigInt(width - bits);
  const start = (n / size) * size;
  return { v6, range: [start, start + size - 1n] as Range };
}

/** Ranges that are not the internet: private, shared, loopback, link-local (and IPv6 ULA, link-local). */
const PRIVATE4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16"].map((c) => parse(c)!.range);
const PRIVATE6 = ["fc00::/7", "fe80::/10", "::1/128"].map((c) => parse(c)!.range);

function union(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1n) last[1] = r[1] > last[1] ? r[1] : last[1];
    else out.push([r[0], r[1]]);
  }
  return out;
}

function minus(rs: Range[], cut: Range[]): Range[] {
  let out = rs;
  for (const [a, b] of cut)
    out = out.flatMap(([x, y]): Range[] => (b < x || a > y ? [[x, y]] : [...(x < a ? [[x, a - 1n] as Range] : []), ...(y > b ? [[b + 1n, y] as Range] : [])]));
  return out;
}

const size = (rs: Range[]) => rs.reduce((n, [a, b]) => n + b - a + 1n, 0n);

/**
 * How much of the public address space a set of CIDRs admits, and whether that is a huge part of
 * the internet: a /8's worth of public IPv4 addresses (1/256 of the space) or a /32's worth of
 * IPv6 (an ISP's whole allocation), however the ranges are split. Strings that are not CIDRs
 * (values unknown before deployment) count for nothing.
 */
export function publicReach(cidrs: string[]): { huge: boolean; percentV4: number; v6Prefix?: number } {
  const parsed = cidrs.map(parse).filter((x): x is NonNullable<typeof x> => !!x);
  const count = (v6: boolean, priv: Range[]) => size(minus(union(parsed.filter((p) => p.v6 === v6).map((p) => p.range)), priv));
  const v4 = count(false, PRIVATE4), v6 = count(true, PRIVATE6);
  const v6Prefix = v6 > 0n ? 128 - (v6.toString(2).length - 1) : undefined; // the prefix of one block that large
  return { huge: v4 >= 1n << 24n || v6 >= 1n << 96n, percentV4: Number((v4 * 10000n) >> 32n) / 100, v6Prefix };
}

/** Whether CIDR `outer` contains all of `inner`. */
export function covers(outer: string, inner: string): boolean {
  const o = parse(outer), i = parse(inner);
  return !!o && !!i && o.v6 === i.v6 && o.range[0] <= i.range[0] && o.range[1] >= i.range[1];
}
