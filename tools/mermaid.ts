/**
 * A Mermaid flowchart of a mesh (GitHub renders it as a picture): the gateway and its routes,
 * virtual services, routers with their weights, nodes, and the backends each node may call.
 */
import type { MeshSummary } from "./plan-document";

const nid = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
const label = (s: string) => `"${s.replace(/"/g, "'")}"`;

export function mermaid(m: MeshSummary): string {
  const lines = ["flowchart LR"];
  const vs = (name: string) => nid("vs", name);
  for (const s of m.services) lines.push(`  ${nid("node", s.key)}[${label(s.key)}]`);
  if (m.gateway) {
    const gw = nid("gw", m.gateway.name);
    lines.push(`  clients([clients]) --> ${gw}[[${label(`gateway ${m.gateway.name}`)}]]`);
    for (const r of m.gateway.routes) lines.push(`  ${gw} -- ${label(r.match)} --> ${vs(r.target)}`);
  }
  for (const s of m.services) if (s.virtualService) lines.push(`  ${vs(s.virtualService)}([${label(s.virtualService)}]) --> ${nid("node", s.key)}`);
  for (const r of m.routers) {
    const rt = nid("router", r.name);
    lines.push(`  ${vs(r.virtualService)}([${label(r.virtualService)}]) --> ${rt}{{${label(`router ${r.name}`)}}}`);
    for (const route of r.routes) for (const t of route.targets)
      lines.push(`  ${rt} -- ${label(`${route.name} ${t.percent}%`)} --> ${nid("node", t.node)}`);
  }
  for (const s of m.services) for (const b of s.backends) lines.push(`  ${nid("node", s.key)} -. calls .-> ${vs(b)}`);
  return lines.join("\n");
}
