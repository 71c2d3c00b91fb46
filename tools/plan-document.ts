/**
 * The plan as one JSON document, the format other tools build on (documented in docs/reviewing-changes.md):
 * resources as registered, plus a compact summary of the mesh that reviews and diagrams read.
 */
import type { MeshModel, PolicyException } from "../model/types";
import type { Plan, PlannedResource } from "./plan-core";

export interface MeshSummary {
  name: string;
  region: string;
  /** The data plane (plans saved before it existed are App Mesh plans). */
  dataPlane?: string;
  /** How route changes reach the envoy data plane's Envoys (plans saved before it existed: restart). */
  routeUpdates?: "restart" | "live";
  services: { key: string; virtualService: string | null; backends: string[]; images: Record<string, string>; desiredCount: number; cpu: number; memory: number }[];
  /** `callers`: the services (and `gateway`) whose Envoy holds this router's routes. */
  routers: { name: string; virtualService: string; callers?: string[]; routes: { name: string; targets: { node: string; weight: number; percent: number }[] }[] }[];
  gateway: { name: string; routes: { name: string; match: string; target: string }[] } | null;
}

export interface PlanDocument {
  stack: string;
  resources: PlannedResource[];
  routes: { router: string; route: string; target: string; weight: number; percent: number }[];
  mesh: MeshSummary;
  outputs: Record<string, unknown>;
  /** Advisory guardrails the description excepts, with reasons (what `npm run check -- --plan` reads). */
  exceptions?: Record<string, PolicyException>;
  /** What the plan cannot vouch for, though valid (an Envoy release other than the tested one). */
  notes?: { path: string; reason: string }[];
}

export function meshSummary(m: MeshModel): MeshSummary {
  const vsOf = new Map(m.virtualServices.map((v) => [v.key, v.name]));
  return {
    name: m.mesh.name,
    region: m.region,
    dataPlane: m.dataPlane,
    ...(m.dataPlane === "envoy" ? { routeUpdates: m.envoy.routeUpdates } : {}),
    services: m.nodes.map((n) => ({
      key: n.key, virtualService: vsOf.get(n.key) ?? null, backends: n.backends,
      images: Object.fromEntries(n.containers.map((c) => [c.name, c.image])),
      desiredCount: n.task.desiredCount, cpu: n.task.cpu, memory: n.task.memory,
    })),
    routers: m.routers.map((r) => ({
      name: r.name, virtualService: r.serviceName,
      callers: [...m.nodes.filter((n) => n.backendKeys.includes(r.key)).map((n) => n.key), ...(m.gateway?.targetKeys.includes(r.key) ? ["gateway"] : [])],
      routes: r.routes.map((route) => ({ name: route.name, targets: route.targets.map((t) => ({ node: t.nodeName, weight: t.weight, percent: t.percent })) })),
    })),
    gateway: m.gateway ? {
      name: m.gateway.name,
      routes: m.gateway.routes.map((r) => ({ name: r.name, match: r.match.prefix ?? r.match.serviceName ?? "", target: r.target.virtualService })),
    } : null,
  };
}

export function toDocument(plan: Plan): PlanDocument {
  const mesh = meshSummary(plan.model);
  const routes = mesh.routers.flatMap((r) => r.routes.flatMap((route) =>
    route.targets.map((t) => ({ router: r.name, route: route.name, target: t.node, weight: t.weight, percent: t.percent }))));
  return { stack: plan.stack, resources: plan.resources, routes, mesh, outputs: plan.outputs, exceptions: plan.model.exceptions, notes: plan.model.notes };
}
