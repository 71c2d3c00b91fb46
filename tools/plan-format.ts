/** Text and JSON renderings of a plan, for people and for other tools. */
import type { ConfigIssue } from "../model/errors";
import type { Plan, PlannedResource } from "./plan-core";
import { toDocument } from "./plan-document";

/** The documented JSON format: `{ stack, resources: [{ type, name, parent, inputs }], routes, mesh, outputs }`. */
export function planJson(plan: Plan): string {
  return JSON.stringify(toDocument(plan), null, 2);
}

/** Resources as an indented tree under their components, then the route weights table. */
export function planText(plan: Plan): string {
  const lines: string[] = [];
  const custom = plan.resources.filter((r) => !r.type.startsWith("fargate-mesh:")).length;
  lines.push(`Plan for stack ${plan.stack}: mesh ${plan.model.mesh.name} in ${plan.model.region} on the ${plan.model.dataPlane} data plane, ${plan.resources.length} resources to create (${custom} cloud resources)`);
  lines.push("");
  const children = new Map<string, PlannedResource[]>();
  const key = (p: { type: string; name: string } | null) => (p ? `${p.type}::${p.name}` : "");
  for (const r of plan.resources) children.set(key(r.parent), [...(children.get(key(r.parent)) ?? []), r]);
  const walk = (parent: string, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      // `+` as in Pulumi's preview: every line is a resource to create.
      lines.push(`${"  ".repeat(depth)}+ ${r.type}  ${r.name}`);
      walk(key(r), depth + 1);
    }
  };
  walk("", 0);
  lines.push("", "Route weights", ...table(["router", "route", "target", "weight", "share"],
    toDocument(plan).routes.map((r) => [r.router, r.route, r.target, String(r.weight), `${r.percent.toFixed(1)}%`])));
  if (plan.model.gateway) {
    lines.push("", "Gateway routes", ...table(["gateway", "route", "match", "virtual service"],
      plan.model.gateway.routes.map((r) => [plan.model.gateway!.name, r.name, r.match.prefix ?? r.match.serviceName ?? "", r.target.virtualService])));
  }
  if (plan.model.unused.length)
    lines.push("", `Settings the ${plan.model.dataPlane} data plane does not use`, ...plan.model.unused.map((u) => `  ${u.path}: ${u.reason}`));
  if (plan.model.notes.length)
    lines.push("", "Notes", ...plan.model.notes.map((u) => `  ${u.path}: ${u.reason}`));
  return lines.join("\n");
}

export function issuesText(stack: string, issues: ConfigIssue[]): string {
  return [`Stack ${stack}: the configuration is invalid (${issues.length} problem${issues.length === 1 ? "" : "s"}):`,
    ...issues.map((i) => `  - ${i.path}: ${i.message}`)].join("\n");
}

export function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)];
}
