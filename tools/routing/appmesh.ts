/**
 * Where the App Mesh rendering sends a request, by App Mesh's documented rules: a caller reaches
 * only its backends' virtual services (egress DROP_ALL); a router's routes are matched by
 * priority (0 first; routes without one last), first match wins, on prefix, method, headers and
 * port; a gateway route rewrites the matched prefix to `/` unless its rewrite is DISABLED.
 */
import { describeShares, refused, RouteAnswer, RouteRequest, sharesOf } from "./request";
import type { PlannedResource } from "../plan-core";

type J = any;
const of = (rs: PlannedResource[], type: string) => rs.filter((r) => r.type === `aws:appmesh/${type}`).map((r) => r.inputs as J);
const byPriority = <T extends { spec: J }>(xs: T[]) => [...xs].sort((a, b) => (a.spec.priority ?? Infinity) - (b.spec.priority ?? Infinity));

function headerOk(h: J, req: RouteRequest): boolean {
  const v = req.headers[h.name.toLowerCase()];
  if (v === undefined) return false;
  const m = h.match ?? {};
  let ok = m.exact !== undefined ? v === m.exact : m.prefix !== undefined ? v.startsWith(m.prefix) : m.suffix !== undefined ? v.endsWith(m.suffix)
    : m.regex !== undefined ? new RegExp(`^(?:${m.regex})$`).test(v) : m.range ? Number(v) >= m.range.start && Number(v) < m.range.end : true;
  if (h.invert) ok = !ok;
  return ok;
}

function routeVirtualService(rs: PlannedResource[], name: string, req: RouteRequest, steps: string[]): RouteAnswer {
  const vs = of(rs, "virtualService:VirtualService").find((v) => v.name === name);
  if (!vs) return refused(steps, `no virtual service ${name}`);
  const provider = vs.spec.provider;
  if (provider.virtualNode) {
    steps.push(`virtual service ${name} → virtual node ${provider.virtualNode.virtualNodeName}`, `→ ${provider.virtualNode.virtualNodeName} 100%`);
    return { outcome: "routed", shares: { [provider.virtualNode.virtualNodeName]: 100 }, steps };
  }
  const router = provider.virtualRouter.virtualRouterName;
  steps.push(`virtual service ${name} → virtual router ${router}`);
  for (const route of byPriority(of(rs, "route:Route").filter((r) => r.virtualRouterName === router))) {
    const body = route.spec.httpRoute ?? route.spec.http2Route ?? route.spec.grpcRoute ?? route.spec.tcpRoute;
    const m = body.match ?? {};
    const ok = (m.prefix === undefined || req.path.startsWith(m.prefix)) && (m.method === undefined || m.method === req.method)
      && (m.port === undefined || m.port === req.port) && (m.headers ?? []).every((h: J) => headerOk(h, req));
    if (!ok) { steps.push(`route ${route.name} skipped`); continue; }
    const shares = sharesOf(body.action.weightedTargets.map((t: J) => [t.virtualNode, t.weight]));
    steps.push(`route ${route.name} (priority ${route.spec.priority ?? "none"}) matches`, `→ ${describeShares(shares)}`,
      body.retryPolicy ? `retries: ${body.retryPolicy.maxRetries}, ${body.retryPolicy.perRetryTimeout.value}${body.retryPolicy.perRetryTimeout.unit} per try` : "retries: App Mesh's hidden default");
    return { outcome: "routed", shares, steps };
  }
  return refused(steps, `no route of router ${router} matches`);
}

export function routeThroughAppMesh(rs: PlannedResource[], caller: string, req: RouteRequest): RouteAnswer {
  const steps = [`${caller}'s Envoy (App Mesh)`];
  if (caller === "gateway") {
    for (const gr of byPriority(of(rs, "gatewayRoute:GatewayRoute"))) {
      const body = gr.spec.httpRoute ?? gr.spec.http2Route ?? gr.spec.grpcRoute;
      const prefix = body.match?.prefix ?? "/";
      if (!req.path.startsWith(prefix) || (body.match?.headers ?? []).some((h: J) => !headerOk(h, req))) continue;
      const keep = body.action.rewrite?.prefix?.defaultPrefix === "DISABLED";
      const path = keep || prefix === "/" ? req.path : `/${req.path.slice(prefix.length).replace(/^\/+/, "")}`;
      steps.push(`gateway route ${gr.name} matches prefix "${prefix}"; forwarded as ${path}`);
      return routeVirtualService(rs, body.action.target.virtualService.virtualServiceName, { ...req, path }, steps);
    }
    return refused(steps, "no gateway route matches");
  }
  const node = of(rs, "virtualNode:VirtualNode").find((n) => n.name === caller);
  if (!node) return refused(steps, `no virtual node ${caller}`);
  const backends = (node.spec.backends ?? []).map((b: J) => b.virtualService.virtualServiceName);
  if (!req.host || !backends.includes(req.host)) {
    const mesh = of(rs, "mesh:Mesh")[0];
    if (mesh?.spec?.egressFilter?.type === "ALLOW_ALL") return { outcome: "routed", shares: { "original destination": 100 }, steps: [...steps, "egress ALLOW_ALL: passes through"] };
    return refused(steps, `${req.host ?? "(no host)"} is not among ${caller}'s backends (egress DROP_ALL)`);
  }
  return routeVirtualService(rs, req.host, req, steps);
}
