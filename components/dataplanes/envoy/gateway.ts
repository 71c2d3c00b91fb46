/**
 * The gateway's routes. Each gateway route matches prefix, hostname, headers and port, rewrites
 * the Host to the target's virtual service name and the matched prefix to `/` (unless keepPrefix),
 * and sends the request to the target. A target router's own routes apply to the rewritten
 * request, so they are folded into the gateway route here: one Envoy route per (gateway route,
 * router route), in priority order, with the router's weights and retries.
 *
 * App Mesh chooses the gateway route first and the router's route second: a request that matches
 * a gateway route but none of its router's routes gets the router's 404, never a later gateway
 * route. So each folded gateway route ends with a route of its own match that answers 404 (with
 * `POST /router/x` and a router that matches GET only: 404, not the `/` gateway route).
 */
import type { GatewayRouteModel, MeshModel, RouteModel } from "../../../model/types";
import { clusterName, targetListener } from "./clusters";
import { byPriority, headerMatcher, re2 } from "./mapping";
import { directAction, nodeOf, routeAction, routeMatch, routerHttpRoutes, safeRoutes } from "./routes";
import type { Json } from "./types";

/** App Mesh hostname matches compare the host without its port. */
function hostnameMatcher(h: NonNullable<GatewayRouteModel["match"]["hostname"]>): Json {
  const host = h.exact !== undefined ? re2(h.exact) : `.*${re2(h.suffix!)}`;
  return { name: ":authority", string_match: { safe_regex: { regex: `${host}(:[0-9]+)?` } } };
}

/**
 * The rewrite and path match of a gateway route combined with a router route's prefix. App Mesh
 * replaces the matched prefix with `/`; the regex also eats the slashes after it, so that
 * `/router/x` becomes `/x` rather than `//x`.
 */
function pathAndRewrite(g: GatewayRouteModel, routePrefix: string | undefined): { path?: Json; rewrite: Json } | undefined {
  const gp = g.match.prefix ?? "/";
  const rp = routePrefix ?? "/";
  if (g.keepPrefix || gp === "/") {
    // The path reaches the router unchanged: it must start with both prefixes.
    if (gp.startsWith(rp)) return { path: { prefix: gp }, rewrite: {} };
    if (rp.startsWith(gp)) return { path: { prefix: rp }, rewrite: {} };
    return undefined; // no request can match both
  }
  const rewrite = { regex_rewrite: { pattern: { regex: `^${re2(gp)}/*` }, substitution: "/" } };
  if (rp === "/") return { path: { prefix: gp }, rewrite };
  return { path: { safe_regex: { regex: `${re2(gp)}/*${re2(rp.slice(1))}.*` } }, rewrite };
}

/**
 * On the lattice data plane the gateway does not fold a router's routes: VPC Lattice applies
 * them. Each gateway route sends to the target's Lattice service (cluster `vs-<key>-<port>`).
 */
function viaLattice(model: MeshModel, gr: GatewayRouteModel, extraHeaders: Json[]): Json {
  const pr = pathAndRewrite(gr, "/")!;
  return { name: gr.name, match: { ...pr.path, ...headersOf(extraHeaders) }, route: { cluster: latticeClusterName(gr.target.key, latticePort(model, gr)), host_rewrite_literal: gr.target.virtualService, ...pr.rewrite } };
}

export const latticeClusterName = (key: string, port: number) => `vs-${key}-${port}`;

/** The port of the target's Lattice listener a gateway route sends to. */
export function latticePort(model: MeshModel, gr: GatewayRouteModel): number {
  const router = model.routers.find((r) => r.key === gr.target.key);
  return gr.target.port ?? (router ? router.listeners[0].port : nodeOf(model, gr.target.key).listeners[0].port);
}

export function gatewayRoutes(model: MeshModel, listenerPort: number): Json[] {
  const g = model.gateway!;
  const out: Json[] = [];
  for (const gr of byPriority(g.routes.filter((r) => r.match.port === undefined || r.match.port === listenerPort))) {
    const extraHeaders = [...(gr.match.hostname ? [hostnameMatcher(gr.match.hostname)] : []), ...(gr.match.headers ?? []).map(headerMatcher)];
    const host = { host_rewrite_literal: gr.target.virtualService };
    if (model.dataPlane === "lattice") { out.push(viaLattice(model, gr, extraHeaders)); continue; }
    const router = model.routers.find((r) => r.key === gr.target.key);
    if (gr.protocol === "grpc") {
      // gRPC gateway routes match the service name and never rewrite the path.
      const path = gr.match.serviceName ? { prefix: `/${gr.match.serviceName}/` } : { prefix: "/" };
      if (router) {
        for (const r of routerHttpRoutes(router, gr.target.port ?? router.listeners[0].port)) {
          const p = grpcPath(gr.match.serviceName, r);
          if (!p) continue;
          const m = routeMatch(r, p);
          out.push(...safeRoutes(folded(model, gr, r, { ...m, ...mergeHeaders(m, extraHeaders) }, host), r));
        }
        out.push(unmatched(gr, { ...path, grpc: {}, ...headersOf(extraHeaders) }));
      } else out.push({ name: gr.name, match: { ...path, grpc: {}, ...headersOf(extraHeaders) }, route: { cluster: nodeCluster(model, gr), ...host } });
      continue;
    }
    if (!router) {
      const pr = pathAndRewrite(gr, "/")!;
      const listener = targetListener(nodeOf(model, gr.target.key), gr.target.port);
      out.push(...safeRoutes({ name: gr.name, match: { ...pr.path, ...headersOf(extraHeaders) }, route: directAction(nodeCluster(model, gr), listener.protocol, { ...host, ...pr.rewrite }) }));
      continue;
    }
    for (const r of routerHttpRoutes(router, gr.target.port ?? router.listeners[0].port)) {
      const pr = pathAndRewrite(gr, r.match.prefix);
      if (!pr) continue;
      const m = routeMatch(r, pr.path);
      out.push(...safeRoutes(folded(model, gr, r, { ...m, ...mergeHeaders(m, extraHeaders) }, { ...host, ...pr.rewrite }), r));
    }
    out.push(unmatched(gr, { ...pathAndRewrite(gr, "/")!.path, ...headersOf(extraHeaders) }));
  }
  return out;
}

/**
 * The end of a folded gateway route: what the gateway route matches and none of its router's
 * routes does. App Mesh sends it to the router, which answers 404; so does this route, and no
 * later gateway route sees the request.
 */
function unmatched(gr: GatewayRouteModel, match: Json): Json {
  return { name: `${gr.name}/unmatched`, match, direct_response: { status: 404 } };
}

/**
 * The path of a router's gRPC route behind a gRPC gateway route: both service names must agree
 * (undefined: no request can match both), and the router's method narrows it further.
 */
function grpcPath(gatewayService: string | undefined, r: RouteModel): Json | undefined {
  const service = r.match.serviceName ?? gatewayService;
  if (gatewayService && r.match.serviceName && gatewayService !== r.match.serviceName) return undefined;
  if (!service) return { prefix: "/" };
  return r.match.methodName ? { path: `/${service}/${r.match.methodName}` } : { prefix: `/${service}/` };
}

const headersOf = (h: Json[]) => (h.length ? { headers: h } : {});
const mergeHeaders = (m: Json, extra: Json[]) => headersOf([...((m.headers as Json[]) ?? []), ...extra]);

function folded(model: MeshModel, gr: GatewayRouteModel, r: RouteModel, match: Json, extra: Json): Json {
  return { name: `${gr.name}/${r.name}`, match, route: routeAction(model, r, extra) };
}

function nodeCluster(model: MeshModel, gr: GatewayRouteModel): string {
  return clusterName(gr.target.key, targetListener(nodeOf(model, gr.target.key), gr.target.port).port);
}
