/**
 * The VPC Lattice rendering of the model as plain data: one Lattice service per virtual service
 * (named like it, through a custom domain), a listener per port, router routes as listener rules
 * in priority order, and one target group per (node, Lattice service, port) that ECS registers
 * the node's tasks in. Pure, so it is tested without the Pulumi runtime.
 */
import { fit } from "../../../model/names";
import { HEALTHY_HTTP_STATUSES } from "../../../model/defaults";
import type { HeaderMatchModel, HealthCheckModel, MeshModel, RouteModel, VirtualNodeModel } from "../../../model/types";
import { byPriority } from "../envoy/mapping";

export interface TargetGroupPlan {
  /** Identity suffix: `<node>-<service>-<port>`. */
  key: string; node: string; service: string; port: number;
  name: string; protocolVersion: "HTTP1" | "HTTP2";
  healthCheck: Record<string, unknown>;
}
export interface RulePlan {
  key: string; name: string; priority: number;
  match: { httpMatch: Record<string, unknown> };
  targets: { targetGroup: string; weight: number }[];
}
export interface ListenerPlan { port: number; name: string; rules: RulePlan[]; defaultTarget?: string }
export interface ServicePlan {
  /** The service or router key that provides the virtual service. */
  key: string; name: string; customDomainName: string; listeners: ListenerPlan[];
  /** Keys of the services (and `gateway`) whose requests it accepts. */
  callers: string[];
}
export interface LatticePlan { serviceNetwork: string; services: ServicePlan[]; targetGroups: TargetGroupPlan[] }

/** Lattice names: lower case, digits and single hyphens, within the API's length. */
export function latticeName(raw: string, max: number): string {
  const clean = raw.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
  return fit(clean.length >= 3 ? clean : `${clean}-svc`, max).replace(/-$/, "");
}

/** An App Mesh health check as a Lattice target group health check (seconds, HTTP on a path, on the listener's port). */
export function healthCheck(h: HealthCheckModel): Record<string, unknown> {
  return {
    enabled: true, protocol: "HTTP", protocolVersion: h.protocol === "http2" ? "HTTP2" : "HTTP1", path: h.path ?? "/",
    healthCheckIntervalSeconds: Math.round(h.intervalMillis / 1000), healthCheckTimeoutSeconds: Math.round(h.timeoutMillis / 1000),
    healthyThresholdCount: h.healthyThreshold, unhealthyThresholdCount: h.unhealthyThreshold,
    matcher: { value: `${(h.healthyStatuses ?? HEALTHY_HTTP_STATUSES).start}-${(h.healthyStatuses ?? HEALTHY_HTTP_STATUSES).end - 1}` },
  };
}

function headerMatch(h: HeaderMatchModel) {
  const m = h.match.exact !== undefined ? { exact: h.match.exact } : { prefix: h.match.prefix ?? "" };
  return { name: h.name, match: m, caseSensitive: true };
}

/** A route's match as a Lattice httpMatch (validation kept out what Lattice cannot match). */
function httpMatch(r: RouteModel) {
  const headers = (r.match.headers ?? []).map(headerMatch);
  return {
    ...(r.match.method ? { method: r.match.method } : {}),
    pathMatch: { match: { prefix: r.match.prefix ?? "/" }, caseSensitive: true },
    ...(headers.length ? { headerMatches: headers } : {}),
  };
}

/**
 * Rule priorities stay put when routes are added: a route's own priority becomes priority + 1;
 * routes without one follow, in the order written, after the highest given priority.
 */
function priorities(routes: RouteModel[]): Map<string, number> {
  const out = new Map<string, number>();
  let next = Math.max(0, ...routes.map((r) => (r.priority ?? -1) + 1)) + 1;
  for (const r of byPriority(routes)) out.set(r.key, r.priority !== undefined ? r.priority + 1 : next++);
  return out;
}

export function latticePlan(model: MeshModel): LatticePlan {
  const mesh = model.mesh.name;
  const nodeOf = (k: string) => model.nodes.find((n) => n.key === k)!;
  const targetGroups = new Map<string, TargetGroupPlan>();
  const tg = (node: VirtualNodeModel, service: string, port: number): string => {
    const l = node.listeners.find((x) => x.port === port) ?? node.listeners[0];
    const key = `${node.key}-${service}-${l.port}`;
    if (!targetGroups.has(key))
      targetGroups.set(key, {
        key, node: node.key, service, port: l.port, name: latticeName(`${mesh}-${key}`, 128),
        protocolVersion: l.protocol === "http2" ? "HTTP2" : "HTTP1", healthCheck: healthCheck(l.healthCheck),
      });
    return key;
  };
  const callersOf = (key: string) => [
    ...model.nodes.filter((n) => n.backendKeys.includes(key)).map((n) => n.key),
    ...(model.gateway?.targetKeys.includes(key) ? ["gateway"] : []),
  ];
  const services: ServicePlan[] = model.virtualServices.map((vs) => {
    const name = latticeName(`${mesh}-${vs.key}`, 40);
    const provider = vs.provider;
    if (provider.kind === "node") {
      const node = nodeOf(provider.node);
      return {
        key: vs.key, name, customDomainName: vs.name, callers: callersOf(vs.key),
        listeners: node.listeners.map((l) => ({ port: l.port, name: `port-${l.port}`, rules: [], defaultTarget: tg(node, vs.key, l.port) })),
      };
    }
    const router = model.routers.find((r) => r.key === provider.router)!;
    const prio = priorities(router.routes);
    return {
      key: vs.key, name, customDomainName: vs.name, callers: callersOf(vs.key),
      listeners: router.listeners.map((l) => ({
        port: l.port, name: `port-${l.port}`,
        rules: byPriority(router.routes.filter((r) => r.match.port === undefined || r.match.port === l.port)).map((r) => ({
          key: r.key, name: latticeName(r.name, 63), priority: prio.get(r.key)!, match: { httpMatch: httpMatch(r) },
          // Weight 0 stays 0: the target keeps its group and gets no traffic.
          targets: r.targets.map((t) => ({ targetGroup: tg(nodeOf(t.node), vs.key, t.port ?? nodeOf(t.node).listeners[0].port), weight: t.weight })),
        })),
      })),
    };
  });
  return { serviceNetwork: latticeName(mesh, 63), services, targetGroups: [...targetGroups.values()] };
}
