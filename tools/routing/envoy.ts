/**
 * Where the generated Envoy configuration sends a request, following Envoy's documented route
 * matching (HTTP connection manager and route_components.proto): filter chain by destination
 * port, virtual host by authority (exact, then `*.suffix`, then `prefix*`, then `*`), then the
 * first route whose path match and every header matcher match; an absent header matches no
 * matcher, inverted or not (only `present_match` looks at absence).
 */
import { describeShares, refused, RouteAnswer, RouteRequest, sharesOf } from "./request";

type J = any;

/** `node-green-80` -> green; `vs-colors-80` -> colors (via Lattice); anything else as named. */
export function clusterTarget(name: string): string {
  const m = /^(node|vs)-(.+)-(\d+)$/.exec(name);
  return m ? m[2] : name === "passthrough" ? "original destination" : name;
}

function domainMatches(domain: string, host: string): number {
  // Envoy's order of preference: exact, suffix wildcard, prefix wildcard, then "*".
  if (domain === host) return 4;
  if (domain.startsWith("*") && domain !== "*" && host.endsWith(domain.slice(1))) return 3;
  if (domain.endsWith("*") && domain !== "*" && host.startsWith(domain.slice(0, -1))) return 2;
  return domain === "*" ? 1 : 0;
}

/** RE2 patterns used here are plain enough for JavaScript's engine; Envoy matches the whole value. */
const fullMatch = (regex: string, value: string) => new RegExp(`^(?:${regex})$`).test(value);

function stringMatch(m: J, value: string): boolean {
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  if (m.suffix !== undefined) return value.endsWith(m.suffix);
  if (m.contains !== undefined) return value.includes(m.contains);
  if (m.safe_regex) return fullMatch(m.safe_regex.regex, value);
  return false;
}

function headerValue(req: RouteRequest, name: string): string | undefined {
  if (name === ":method") return req.method;
  if (name === ":authority") return req.authority;
  if (name === ":path") return req.path;
  return req.headers[name.toLowerCase()];
}

function headerMatches(h: J, req: RouteRequest): [boolean, string] {
  const v = headerValue(req, h.name);
  const describe = h.string_match ? JSON.stringify(h.string_match) : h.range_match ? `in [${h.range_match.start}, ${h.range_match.end})` : "present";
  if (v === undefined) return [h.present_match === false || (h.present_match === true && h.invert_match === true), `${h.name} absent (wants ${describe})`];
  let ok: boolean;
  if (h.string_match) ok = stringMatch(h.string_match, v);
  else if (h.range_match) ok = /^-?\d+$/.test(v) && Number(v) >= Number(h.range_match.start) && Number(v) < Number(h.range_match.end);
  else ok = h.present_match !== false;
  if (h.invert_match) ok = !ok;
  return [ok, `${h.name} "${v}" ${ok ? "matches" : "does not match"} ${h.invert_match ? "not " : ""}${describe}`];
}

function routeMatches(route: J, req: RouteRequest): [boolean, string[]] {
  const m = route.match;
  const why: string[] = [];
  let ok: boolean;
  if (m.prefix !== undefined) { ok = req.path.startsWith(m.prefix); why.push(`prefix "${m.prefix}" ${ok ? "matches" : "does not match"} "${req.path}"`); }
  else if (m.path !== undefined) { ok = req.path === m.path; why.push(`path "${m.path}" ${ok ? "matches" : "does not match"} "${req.path}"`); }
  else if (m.safe_regex) { ok = fullMatch(m.safe_regex.regex, req.path); why.push(`path regex ${m.safe_regex.regex} ${ok ? "matches" : "does not match"} "${req.path}"`); }
  else ok = false;
  if (ok && m.grpc) { ok = (req.headers["content-type"] ?? "").startsWith("application/grpc"); why.push(ok ? "is gRPC" : "is not gRPC (content-type)"); }
  for (const h of m.headers ?? []) {
    if (!ok) break;
    const [hOk, hWhy] = headerMatches(h, req);
    ok = hOk;
    why.push(hWhy);
  }
  return [ok, why];
}

function describeAction(action: J): string[] {
  const out: string[] = [];
  const rp = action.retry_policy;
  out.push(rp ? `retries: ${rp.num_retries ?? 1} on ${rp.retry_on}, ${rp.per_try_timeout ?? "the route timeout"} per try` : "retries: none");
  out.push(`timeout: ${action.timeout ?? "15s (Envoy's default)"}${action.idle_timeout ? `, idle ${action.idle_timeout}` : ""}`);
  return out;
}

function rewrite(action: J, path: string): string {
  if (!action.regex_rewrite) return path;
  return path.replace(new RegExp(action.regex_rewrite.pattern.regex), action.regex_rewrite.substitution);
}

function clusterShares(target: J): Record<string, number> {
  if (target.cluster) return { [clusterTarget(target.cluster)]: 100 };
  return sharesOf((target.weighted_clusters?.clusters ?? []).map((c: J) => [clusterTarget(c.name), c.weight ?? 1]));
}

/** Routes `req` through one Envoy bootstrap: a sidecar's outbound listener, or the gateway's listener. */
export function routeThroughEnvoy(bootstrap: J, who: string, req: RouteRequest, gateway: boolean): RouteAnswer & { rewritten?: { host?: string; path: string }; cluster?: string } {
  const steps = [`${who}'s Envoy`];
  const listeners: J[] = bootstrap.static_resources?.listeners ?? [];
  const listener = gateway
    ? listeners.find((l) => l.address?.socket_address?.port_value === req.port)
    : listeners.find((l) => l.name === "outbound");
  if (!listener) return refused(steps, gateway ? `the gateway does not listen on port ${req.port}` : `${who} declares no backends, so its Envoy has no outbound listener (egress DROP_ALL)`);
  const transparent = !gateway && listener.address.socket_address.address !== "127.0.0.1";
  let chain = gateway ? listener.filter_chains[0]
    : transparent ? listener.filter_chains.find((c: J) => c.filter_chain_match?.destination_port === req.port)
    : listener.filter_chains.find((c: J) => !c.filter_chain_match);
  if (!chain && listener.default_filter_chain) { chain = listener.default_filter_chain; steps.push(`no filter chain for port ${req.port}: the default chain`); }
  if (!chain) return refused(steps, `no filter chain for port ${req.port} (egress DROP_ALL lets out only the declared backends)`);
  const filter = chain.filters[0];
  if (filter.name === "envoy.filters.network.tcp_proxy") {
    const shares = clusterShares(filter.typed_config);
    steps.push(`filter chain ${chain.name ?? ""} proxies TCP on port ${req.port}`.replace("  ", " "), `→ ${describeShares(shares)}`);
    return { outcome: "routed", shares, steps };
  }
  const hcm = filter.typed_config;
  steps.push(`${gateway ? `listener ${listener.name}` : `outbound listener, filter chain ${chain.name ?? "(any port)"}`}`);
  const host = req.authority ?? (gateway ? "gateway" : "");
  let best: J;
  let rank = 0;
  for (const vh of hcm.route_config.virtual_hosts) for (const d of vh.domains) {
    const r = domainMatches(d, host);
    if (r > rank) { rank = r; best = vh; }
  }
  if (!best) return refused(steps, `no virtual host for "${host}" (egress DROP_ALL lets out only the declared backends)`);
  steps.push(`virtual host ${best.name} (${best.domains.join(", ")})`);
  for (const [i, route] of (best.routes as J[]).entries()) {
    const [ok, why] = routeMatches(route, req);
    if (!ok) { steps.push(`route ${route.name ?? i + 1} skipped: ${why.join("; ")}`); continue; }
    steps.push(`route ${route.name ?? i + 1} (${ordinal(i + 1)} of ${best.routes.length}): ${why.join("; ")}`);
    const action = route.route;
    if (route.direct_response) {
      const status = route.direct_response.status;
      // A folded gateway route's end (components/dataplanes/envoy/gateway.ts): the gateway route
      // matched, none of its router's routes did, and App Mesh's router would answer 404 too.
      const unmatched = typeof route.name === "string" && route.name.endsWith("/unmatched");
      return refused(steps, unmatched
        ? `gateway route ${route.name.slice(0, -"/unmatched".length)} matches, but none of its router's routes does (Envoy answers ${status}, as App Mesh's router does)`
        : `the route answers ${status} itself`);
    }
    if (!action) return refused(steps, "the route answers directly");
    const shares = clusterShares(action);
    steps.push(`→ ${describeShares(shares)}`, ...describeAction(action));
    const path = rewrite(action, req.path);
    if (action.host_rewrite_literal || path !== req.path) steps.push(`forwarded as ${path}${action.host_rewrite_literal ? ` with Host ${action.host_rewrite_literal}` : ""}`);
    return { outcome: "routed", shares, steps, cluster: action.cluster, rewritten: { host: action.host_rewrite_literal, path: rewrite(action, req.path) } };
  }
  return refused(steps, `no route of ${best.name} matches (Envoy answers 404)`);
}

const ordinal = (n: number) => `${n}${n === 1 ? "st" : n === 2 ? "nd" : n === 3 ? "rd" : "th"}`;
