/** A request to route, as written on the command line or in an expectations file. */
export interface RouteRequest {
  method: string;
  /** Host as the caller sends it (`router.colors.local`, with `:port` when written). */
  authority?: string;
  host?: string;
  port: number;
  path: string;
  /** Header names lower-cased, as HTTP/2 and Envoy see them. */
  headers: Record<string, string>;
}

/** `GET http://router.colors.local/x?y` or `GET /x`, plus `name: value` headers. */
export function parseRequest(line: string, headers: string[] | Record<string, string> = []): RouteRequest {
  const m = /^\s*([A-Z]+)\s+(\S+)\s*$/.exec(line);
  if (!m) throw new Error(`"${line}" is not a request: write METHOD and a URL or path, such as "GET http://red.colors.local/" or "GET /router"`);
  const [, method, target] = m;
  const hs: Record<string, string> = {};
  const pairs = Array.isArray(headers) ? headers.map((h) => {
    const i = h.indexOf(":");
    if (i <= 0) throw new Error(`"${h}" is not a header: write "name: value"`);
    return [h.slice(0, i), h.slice(i + 1)] as const;
  }) : Object.entries(headers);
  for (const [k, v] of pairs) hs[k.trim().toLowerCase()] = String(v).trim();
  if (target.startsWith("/")) return { method, port: 80, path: target.split("?")[0], headers: hs };
  const url = new URL(target.includes("://") ? target : `http://${target}`);
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  return { method, authority: url.port ? `${url.hostname}:${url.port}` : url.hostname, host: url.hostname, port, path: url.pathname || "/", headers: hs };
}

/** Where a request went: the shares per target, or a refusal, with the reasons step by step. */
export interface RouteAnswer {
  outcome: "routed" | "refused";
  /** Target (service key, or a description such as `original destination`) -> percent. */
  shares: Record<string, number>;
  steps: string[];
}

export const refused = (steps: string[], why: string): RouteAnswer => ({ outcome: "refused", shares: {}, steps: [...steps, `refused: ${why}`] });

/** Percentages of weights, rounded to one decimal, weights of 0 kept. */
export function sharesOf(weights: [string, number][]): Record<string, number> {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  const out: Record<string, number> = {};
  for (const [k, w] of weights) out[k] = (out[k] ?? 0) + (total ? Math.round((w / total) * 1000) / 10 : 0);
  return out;
}

export function describeShares(shares: Record<string, number>): string {
  return Object.entries(shares).map(([k, v]) => `${k} ${v}%`).join(", ") || "nothing";
}
