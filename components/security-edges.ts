/**
 * Who may connect to whom, derived from the model: a node accepts traffic on its listener ports
 * from the gateway and from the nodes that list it (or a router in front of it) as a backend.
 * Plain data; the FargateMesh component turns each edge into a pair of security group rules.
 */
import type { MeshModel, RouterModel, VirtualNodeModel } from "../model/types";

export const GATEWAY = "gateway";

export interface SecurityEdge {
  /** A node key, or "gateway". */
  from: string;
  /** The node key that accepts the traffic. */
  to: string;
  port: number;
}

export function securityEdges(model: MeshModel): SecurityEdge[] {
  const nodes = new Map(model.nodes.map((n) => [n.key, n]));
  const routers = new Map(model.routers.map((r) => [r.key, r]));
  const edges = new Map<string, SecurityEdge>();
  const add = (from: string, to: VirtualNodeModel, ports: number[]) => {
    for (const port of ports) edges.set(`${from}>${to.key}:${port}`, { from, to: to.key, port });
  };
  const reach = (from: string, key: string) => {
    const node = nodes.get(key);
    if (node) return add(from, node, node.listeners.map((l) => l.port));
    const router = routers.get(key);
    if (router) for (const [target, ports] of routerTargetPorts(router, nodes)) add(from, nodes.get(target)!, ports);
  };
  for (const n of model.nodes) for (const b of n.backendKeys) reach(n.key, b);
  for (const t of model.gateway?.targetKeys ?? []) reach(GATEWAY, t);
  return [...edges.values()].sort((a, b) => `${a.to}${a.from}${a.port}`.localeCompare(`${b.to}${b.from}${b.port}`));
}

/** The ports a router actually sends to, per target node. */
function routerTargetPorts(r: RouterModel, nodes: Map<string, VirtualNodeModel>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const route of r.routes)
    for (const t of route.targets) {
      const ports = t.port !== undefined ? [t.port] : nodes.get(t.node)!.listeners.map((l) => l.port);
      out.set(t.node, [...new Set([...(out.get(t.node) ?? []), ...ports])]);
    }
  return out;
}
