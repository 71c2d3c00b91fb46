/**
 * Differences between two plans of one stack: resources added, removed and changed (with the
 * input paths that changed and whether the change replaces), and the same change in a
 * reviewer's words (route weights, images, counts, backends, gateway routes).
 */
import { AGENT_POLL_SECONDS, RELAY_INTERVAL_SECONDS } from "../components/dataplanes/envoy/route-relay";
import { isDeepStrictEqual } from "util";
import type { PlannedResource } from "./plan-core";
import type { MeshSummary, PlanDocument } from "./plan-document";
import { replacingPaths } from "./replacements";
import { secretReason } from "../model/secrets";

export interface InputChange {
  path: string;
  before: unknown;
  after: unknown;
  /** Set when the values are withheld (an environment value that looks like a credential): the change, not the values, is shown. */
  redacted?: "changed" | "added" | "removed";
}
export interface ResourceChange {
  resource: PlannedResource;
  changes: InputChange[];
  /** "replace" when a changed input cannot be updated in place; "update" otherwise; "unknown" when the type is not in the table. */
  action: "update" | "replace" | "unknown";
  /** The changed paths that force the replacement. */
  replacedBy: string[];
}
export interface PlanDiff {
  stack: string;
  added: PlannedResource[];
  removed: PlannedResource[];
  changed: ResourceChange[];
  /** The change in a reviewer's words, one line each. */
  summary: string[];
  routes: { router: string; route: string; target: string; before?: number; after?: number }[];
}

const id = (r: PlannedResource) => `${r.type}::${r.name}`;
/** Inputs that hold JSON documents; they are compared as documents, not as strings. */
const JSON_INPUTS = new Set(["containerDefinitions", "policy", "assumeRolePolicy"]);

/** Fields that name a list item; an item is addressed by the first one that is unique in its list. */
const ITEM_KEYS = ["name", "virtualNode", "containerName"];

/** Flattens inputs to `path -> value`; list items with a unique name (see ITEM_KEYS) are addressed by it. */
export function flatten(value: unknown, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (Array.isArray(value) && value.length) {
    let names: (string | undefined)[] = [];
    for (const k of ITEM_KEYS) {
      names = value.map((v) => (v && typeof v === "object" && typeof (v as any)[k] === "string" ? (v as any)[k] : undefined));
      if (names.every((n) => n !== undefined) && new Set(names).size === names.length) break;
      names = [];
    }
    const byName = names.length > 0;
    value.forEach((v, i) => flatten(v, `${prefix}[${byName ? names[i] : i}]`, out));
  } else if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length) {
    for (const [k, v] of Object.entries(value)) {
      const p = prefix ? `${prefix}.${k}` : k;
      flatten(JSON_INPUTS.has(k) && typeof v === "string" ? tryJson(v) : v, p, out);
    }
  } else if (typeof value === "string" && prefix.includes("containerDefinitions") && /^\{[\s\S]*\}$/.test(value)) {
    // A JSON document inside a container definition (the Envoy bootstrap on its command line)
    // is compared as a document too, so a weight change reads as that one weight.
    const doc = tryJson(value);
    if (typeof doc === "object") flatten(doc, prefix, out);
    else out[prefix] = value;
  } else out[prefix] = value;
  return out;
}

function tryJson(s: string): unknown {
  try { return JSON.parse(s); } catch { return s; }
}

export function inputChanges(before: Record<string, unknown>, after: Record<string, unknown>): InputChange[] {
  const a = flatten(before);
  const b = flatten(after);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
    .filter((p) => !isDeepStrictEqual(a[p], b[p]))
    .map((path) => redact({ path, before: a[path], after: b[path] }, a, b));
}

/** What a diff prints instead of a value that looks like a credential. */
export const REDACTED = "(redacted: looks like a credential)";

/** A container's environment value, addressed by the variable's name (or its index, with the name beside it). */
const ENV_VALUE = /^(.*\.environment\[([^\]]+)\])\.value$/;

/**
 * Diffs are printed in terminals, CI logs and pull-request comments: an environment value that
 * looks like a credential (by its name or its value, on either side) is never printed there.
 * The change says only that it changed.
 */
function redact(c: InputChange, a: Record<string, unknown>, b: Record<string, unknown>): InputChange {
  const m = ENV_VALUE.exec(c.path);
  if (!m) return c;
  const name = String(a[`${m[1]}.name`] ?? b[`${m[1]}.name`] ?? m[2]);
  if (!secretReason(name, c.before) && !secretReason(name, c.after)) return c;
  const redacted = c.before === undefined ? "added" : c.after === undefined ? "removed" : "changed";
  return { path: c.path, before: c.before === undefined ? undefined : REDACTED, after: c.after === undefined ? undefined : REDACTED, redacted };
}

export function diffPlans(base: PlanDocument | undefined, head: PlanDocument): PlanDiff {
  const before = new Map((base?.resources ?? []).map((r) => [id(r), r]));
  const after = new Map(head.resources.map((r) => [id(r), r]));
  const added = head.resources.filter((r) => !before.has(id(r)));
  const removed = (base?.resources ?? []).filter((r) => !after.has(id(r)));
  const changed: ResourceChange[] = [];
  for (const r of head.resources) {
    const old = before.get(id(r));
    if (!old) continue;
    const changes = inputChanges(old.inputs, r.inputs);
    if (changes.length) changed.push(classify(r, changes));
  }
  // A replaced resource gets new outputs, so whatever reads them changes too (an ECS service
  // follows its task definition to the new revision). The mocks mark outputs with their source.
  const replaced = changed.filter((c) => c.action === "replace").map((c) => c.resource.name);
  for (const r of head.resources) {
    if (changed.some((c) => id(c.resource) === id(r)) || !before.has(id(r))) continue;
    const reads = Object.entries(flatten(r.inputs)).filter(([, v]) => typeof v === "string" && replaced.some((n) => v.includes(`{unknown:${n}.`)));
    if (reads.length) changed.push(classify(r, reads.map(([path, v]) => ({ path, before: v, after: `(new value once ${replaced.find((n) => (v as string).includes(`{unknown:${n}.`))} is replaced)` }))));
  }
  const baseMesh = base && summaryOf(base);
  const routes = routeChanges(baseMesh, head.mesh);
  return { stack: head.stack, added, removed, changed, routes, summary: describe(baseMesh, head.mesh, routes) };
}

/**
 * The base's mesh summary. Plans saved before the summary existed carry only `routes`; their
 * weights still compare, and service lines are left out rather than reported as all new.
 */
function summaryOf(doc: PlanDocument): MeshSummary & { partial?: boolean } {
  if (doc.mesh) return doc.mesh;
  const routers = new Map<string, MeshSummary["routers"][number]>();
  for (const r of doc.routes ?? []) {
    const router = routers.get(r.router) ?? { name: r.router, virtualService: "", routes: [] };
    let route = router.routes.find((x) => x.name === r.route);
    if (!route) router.routes.push((route = { name: r.route, targets: [] }));
    route.targets.push({ node: r.target, weight: r.weight, percent: r.percent });
    routers.set(r.router, router);
  }
  return { name: "", region: "", services: [], routers: [...routers.values()], gateway: null, partial: true };
}

function classify(resource: PlannedResource, changes: InputChange[]): ResourceChange {
  const replacing = replacingPaths(resource.type, changes.map((c) => c.path));
  if (replacing === undefined) return { resource, changes, action: "unknown", replacedBy: [] };
  return { resource, changes, action: replacing.length ? "replace" : "update", replacedBy: replacing };
}

function routeChanges(a: MeshSummary | undefined, b: MeshSummary) {
  const rows = new Map<string, { router: string; route: string; target: string; before?: number; after?: number }>();
  const visit = (m: MeshSummary | undefined, side: "before" | "after") => {
    for (const r of m?.routers ?? []) for (const route of r.routes) for (const t of route.targets) {
      const k = `${r.name}/${route.name}/${t.node}`;
      const row = rows.get(k) ?? { router: r.name, route: route.name, target: t.node };
      row[side] = t.percent;
      rows.set(k, row);
    }
  };
  visit(a, "before");
  visit(b, "after");
  return [...rows.values()];
}

const pct = (n?: number) => (n === undefined ? "none" : `${n}%`);

/** The reviewer's lines: "route colors/color-route: yellow 20% → 50%", "service green: image a → b". */
function describe(a: (MeshSummary & { partial?: boolean }) | undefined, b: MeshSummary, routes: PlanDiff["routes"]): string[] {
  const out: string[] = [];
  // One line per route; on the Envoy data plane the weights live in each caller's bootstrap, so
  // the line also says whose tasks roll out.
  const lines = new Map<string, string[]>();
  for (const r of routes) {
    if (r.before === r.after) continue;
    const what = r.before === undefined ? `${r.target} added at ${pct(r.after)}` : r.after === undefined ? `${r.target} removed (was ${pct(r.before)})` : `${r.target} ${pct(r.before)} → ${pct(r.after)}`;
    const k = `${r.router}/${r.route}`;
    lines.set(k, [...(lines.get(k) ?? []), what]);
  }
  for (const [k, whats] of lines) {
    const callers = b.dataPlane === "envoy" ? b.routers.find((r) => k.startsWith(`${r.name}/`))?.callers ?? [] : [];
    // On VPC Lattice the weights live in one listener rule, updated in place.
    const how = b.dataPlane === "lattice" ? " (applies in place, no restart)"
      // routeUpdates live: a new AppConfig version per caller, which its agent polls.
      : b.routeUpdates === "live" && callers.length ? ` (applies live through AppConfig within about ${AGENT_POLL_SECONDS + RELAY_INTERVAL_SECONDS} s, no restart: ${callers.join(", ")})`
      : callers.length ? `; rolls out to callers: ${callers.join(", ")}` : "";
    out.push(`route ${k}: ${whats.join(", ")}${how}`);
  }
  if (a?.partial) return out;
  const before = new Map((a?.services ?? []).map((s) => [s.key, s]));
  const after = new Map(b.services.map((s) => [s.key, s]));
  for (const s of b.services) {
    const o = before.get(s.key);
    if (!o) { out.push(`service ${s.key}: added (${Object.values(s.images).join(", ")})`); continue; }
    for (const [c, img] of Object.entries(s.images))
      if (o.images[c] !== img) out.push(`service ${s.key}: ${c === "app" ? "" : `container ${c} `}image ${o.images[c] ?? "none"} → ${img}`);
    for (const [field, label] of [["desiredCount", "desired count"], ["cpu", "cpu"], ["memory", "memory"]] as const)
      if (o[field] !== s[field]) out.push(`service ${s.key}: ${label} ${o[field]} → ${s[field]}`);
    for (const x of s.backends) if (!o.backends.includes(x)) out.push(`service ${s.key}: may now call ${x}`);
    for (const x of o.backends) if (!s.backends.includes(x)) out.push(`service ${s.key}: may no longer call ${x}`);
  }
  for (const s of a?.services ?? []) if (!after.has(s.key)) out.push(`service ${s.key}: removed`);
  const gwBefore = new Map((a?.gateway?.routes ?? []).map((r) => [r.name, r]));
  for (const r of b.gateway?.routes ?? []) {
    const o = gwBefore.get(r.name);
    if (!o) out.push(`gateway route ${r.name}: added, ${r.match} → ${r.target}`);
    else if (o.match !== r.match || o.target !== r.target) out.push(`gateway route ${r.name}: ${o.match} → ${o.target} becomes ${r.match} → ${r.target}`);
    gwBefore.delete(r.name);
  }
  for (const r of gwBefore.values()) out.push(`gateway route ${r.name}: removed`);
  return out;
}

export function hasChanges(d: PlanDiff): boolean {
  return d.added.length + d.removed.length + d.changed.length > 0;
}

export function summaryLine(d: PlanDiff): string {
  if (!hasChanges(d)) return `Stack ${d.stack}: no changes`;
  const replaced = d.changed.filter((c) => c.action === "replace").length;
  return `Stack ${d.stack}: ${d.added.length} to add, ${d.changed.length} to change${replaced ? ` (${replaced} replaced)` : ""}, ${d.removed.length} to remove`;
}
