/**
 * `npm run routes`: where a request goes, answered from the planned resources themselves (the
 * configuration that will run) by the rules of the stack's data plane.
 */
import { bootstrapIn } from "../envoy-config-core";
import type { PlanDocument } from "../plan-document";
import { routeThroughAppMesh } from "./appmesh";
import { routeThroughEnvoy } from "./envoy";
import { routeThroughLattice } from "./lattice";
import { refused, RouteAnswer, RouteRequest } from "./request";

type J = any;

/** The FargateMesh component's name: its children are named `<root>-<service key>` and `<root>-gateway`. */
const meshRoot = (doc: PlanDocument) => doc.resources.find((r) => r.type === "fargate-mesh:index:FargateMesh")?.name;

/** The inline bootstrap of `caller`'s Envoy (a service key or `gateway`), from its task definition. */
function bootstrapOf(doc: PlanDocument, caller: string): J | undefined {
  const root = meshRoot(doc);
  return root === undefined ? undefined : bootstrapIn(doc.resources, `${root}-${caller}`);
}

/**
 * A request to the gateway arrives through the NLB, which forwards its listener port to the
 * gateway tasks' port (80 → 8080 in the reference stacks). A bare path (`GET /x`) is sent to the
 * NLB's port; a URL with another port reaches the gateway as sent.
 */
function throughNlb(doc: PlanDocument, req: RouteRequest): { port: number; targetPort: number } | undefined {
  const root = meshRoot(doc);
  const under = (type: string) => doc.resources.find((r) => r.type === type && r.parent?.name === `${root}-gateway`)?.inputs as J | undefined;
  const listener = under("aws:lb/listener:Listener");
  const targets = under("aws:lb/targetGroup:TargetGroup");
  if (typeof listener?.port !== "number" || typeof targets?.port !== "number") return undefined;
  return req.authority === undefined || listener.port === req.port ? { port: listener.port, targetPort: targets.port } : undefined;
}

export function routeRequest(doc: PlanDocument, caller: string, req: RouteRequest): RouteAnswer {
  const plane = doc.mesh.dataPlane ?? "appmesh";
  const known = [...doc.mesh.services.map((s) => s.key), ...(doc.mesh.gateway ? ["gateway"] : [])];
  if (!known.includes(caller)) throw new Error(`no service or gateway named ${caller}; known: ${known.join(", ")}`);
  if (plane === "appmesh") return routeThroughAppMesh(doc.resources, caller, req);
  if (plane === "lattice" && caller !== "gateway") return routeThroughLattice(doc.resources, caller, req);
  const bootstrap = bootstrapOf(doc, caller);
  if (!bootstrap) return refused([`${caller}'s task`], "it has no Envoy bootstrap");
  const nlb = caller === "gateway" ? throughNlb(doc, req) : undefined;
  const answer = routeThroughEnvoy(bootstrap, caller, nlb ? { ...req, port: nlb.targetPort } : req, caller === "gateway");
  if (nlb && nlb.targetPort !== nlb.port) answer.steps.unshift(`NLB port ${nlb.port} → gateway port ${nlb.targetPort}`);
  // On the lattice data plane the gateway's Envoy hands the request to a Lattice service, on the
  // port of the cluster it chose (`vs-<key>-<port>`).
  if (plane === "lattice" && answer.outcome === "routed" && answer.rewritten?.host) {
    const port = Number(/-(\d+)$/.exec(answer.cluster ?? "")?.[1] ?? req.port);
    const host = answer.rewritten.host;
    return routeThroughLattice(doc.resources, "gateway", { ...req, host, authority: host, path: answer.rewritten.path, port }, answer.steps.filter((s) => !s.startsWith("→") && !s.startsWith("retries") && !s.startsWith("timeout")));
  }
  return answer;
}
