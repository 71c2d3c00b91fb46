/**
 * Where a caller's requests go: per backend, a virtual host named like the backend's virtual
 * service (with and without port); a router's routes become Envoy routes in priority order,
 * each sending to weighted clusters with the configured weights, retries and timeouts.
 */
import type { MeshModel, RouteModel, RouterModel, VirtualNodeModel } from "../../../model/types";
import { clusterName, targetListener } from "./clusters";
import { DEFAULT_REQUEST_TIMEOUT, defaultRetryPolicy } from "../../../model/defaults";
import type { Protocol } from "../../../model/limits";
import { withSafeRetries } from "./idempotent";
import { byPriority, headerMatcher, methodMatcher, retryPolicy, seconds } from "./mapping";
import type { Json } from "./types";

/** What a caller may reach: a node behind its own virtual service, or a router. */
export type Backend =
  | { kind: "node"; key: string; name: string; node: VirtualNodeModel }
  | { kind: "router"; key: string; name: string; router: RouterModel };

export function resolveBackend(model: MeshModel, key: string): Backend {
  const router = model.routers.find((r) => r.key === key);
  if (router) return { kind: "router", key, name: router.serviceName, router };
  const vs = model.virtualServices.find((v) => v.key === key)!;
  return { kind: "node", key, name: vs.name, node: nodeOf(model, key) };
}

export const nodeOf = (model: MeshModel, key: string) => model.nodes.find((n) => n.key === key)!;

/** The ports a backend listens on, with their protocols. */
export function backendPorts(b: Backend): { port: number; protocol: string }[] {
  return b.kind === "node" ? b.node.listeners.map((l) => ({ port: l.port, protocol: l.protocol })) : b.router.listeners;
}

/** Host names a virtual host answers to: `name:port`, and the bare name where it means that port. */
export function domains(name: string, port: number, ports: number[]): string[] {
  const bare = ports.length === 1 || port === 80;
  return bare ? [name, `${name}:${port}`] : [`${name}:${port}`];
}

/** The `match` of one router route, plus extra header matches (a gateway route's). */
export function routeMatch(r: RouteModel, path?: Json): Json {
  const m = r.match;
  const headers = [...(m.method ? [methodMatcher(m.method)] : []), ...(m.headers ?? []).map(headerMatcher)];
  let pathMatch: Json = path ?? { prefix: m.prefix ?? "/" };
  if (r.protocol === "grpc" && !path) {
    // gRPC requests are POSTs to /<package.Service>/<Method>.
    pathMatch = m.serviceName ? (m.methodName ? { path: `/${m.serviceName}/${m.methodName}` } : { prefix: `/${m.serviceName}/` }) : { prefix: "/" };
  }
  return { ...pathMatch, ...(headers.length ? { headers } : {}), ...(r.protocol === "grpc" ? { grpc: {} } : {}) };
}

/** The weighted clusters of a route, reached on the router's listener `port`. */
export function weightedClusters(model: MeshModel, r: RouteModel): Json {
  return {
    clusters: r.targets.map((t) => ({ name: clusterName(t.node, targetListener(nodeOf(model, t.node), t.port).port), weight: t.weight })),
  };
}

/** The route action of a router route (without the match). */
export function routeAction(model: MeshModel, r: RouteModel, extra: Json = {}): Json {
  const retry = retryPolicy(r.retryPolicy);
  return {
    weighted_clusters: weightedClusters(model, r),
    timeout: seconds(r.timeout?.perRequest ?? DEFAULT_REQUEST_TIMEOUT),
    ...(r.timeout?.idle ? { idle_timeout: seconds(r.timeout.idle) } : {}),
    ...(retry ? { retry_policy: retry } : {}),
    ...extra,
  };
}

/**
 * A backend with no router in front still gets the default retry policy and request timeout, as
 * a route does (App Mesh retried such calls with its own hidden default; see mapping.ts).
 */
export function directAction(cluster: string, protocol: string, extra: Json = {}): Json {
  const retry = retryPolicy(defaultRetryPolicy(protocol as Protocol));
  return { cluster, timeout: seconds(DEFAULT_REQUEST_TIMEOUT), ...(retry ? { retry_policy: retry } : {}), ...extra };
}

/**
 * A rendered route as one or two, so that its retries cannot repeat a POST (idempotent.ts),
 * unless the model's route asks for POST and PATCH to be retried like any other method.
 */
export const safeRoutes = (route: Json, r?: RouteModel): Json[] => (r?.retryPolicy?.retryNonIdempotent ? [route] : withSafeRetries(route));

/** HTTP routes of a router that apply on its listener `port`, in match order. */
export function routerHttpRoutes(router: RouterModel, port: number): RouteModel[] {
  return byPriority(router.routes.filter((r) => r.protocol !== "tcp" && (r.match.port === undefined || r.match.port === port)));
}

/** The first tcp route of a router on `port` (TCP carries nothing else to choose by). */
export function routerTcpRoute(router: RouterModel, port: number): RouteModel | undefined {
  return byPriority(router.routes.filter((r) => r.protocol === "tcp" && (r.match.port === undefined || r.match.port === port)))[0];
}

/** Virtual hosts of a caller's HTTP backends. */
export function backendVirtualHosts(model: MeshModel, backends: Backend[]): Json[] {
  const hosts: Json[] = [];
  for (const b of backends) {
    const ports = backendPorts(b);
    for (const { port, protocol } of ports) {
      if (protocol === "tcp") continue;
      const routes = b.kind === "node"
        ? safeRoutes({ match: { prefix: "/" }, route: directAction(clusterName(b.key, port), protocol) })
        : routerHttpRoutes(b.router, port).flatMap((r) => safeRoutes({ name: r.name, match: routeMatch(r), route: routeAction(model, r) }, r));
      hosts.push({ name: `${b.key}-${port}`, domains: domains(b.name, port, ports.map((p) => p.port)), routes });
    }
  }
  return hosts;
}

/** Keys and ports of every node a set of backends can send to. */
export function clusterTargets(model: MeshModel, backends: Backend[]): { key: string; port: number }[] {
  const out = new Map<string, { key: string; port: number }>();
  const add = (key: string, port: number) => out.set(clusterName(key, port), { key, port });
  for (const b of backends) {
    if (b.kind === "node") for (const l of b.node.listeners) add(b.key, l.port);
    else for (const r of b.router.routes) for (const t of r.targets) add(t.node, targetListener(nodeOf(model, t.node), t.port).port);
  }
  return [...out.values()];
}
