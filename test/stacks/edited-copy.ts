/**
 * A copy of a project's Pulumi.yaml and stacks/ in a temporary folder, each stack edited the way
 * a user edits one: new weights on a route, a new tag for an image, and the stack's expectations
 * moved to the split the new weights give. Every value is read from the stacks being copied, so
 * the copy differs from them whatever they hold.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Document, isMap, isSeq, parseDocument, YAMLMap } from "yaml";
import { validateMesh } from "../../model/load";
import type { MeshModel, RouteModel } from "../../model/types";
import { CONFIG_NAMESPACE, listStacks, meshInput, stackConfig, stackFile } from "../../stacks/files";
import { expectationsFile } from "../../tools/routing/expectations";

export interface StackEdit {
  stack: string;
  /** `router/route`, its new weights and the shares they give, in percent. */
  route?: { router: string; route: string; weights: Record<string, number>; shares: Record<string, number> };
  image?: { service: string; before: string; after: string };
  /** How many entries of the stack's expectations file now expect the new shares. */
  expectationsMoved: number;
}

/** Where a stack file keeps what differs in its environment. */
const ENV = ["config", `${CONFIG_NAMESPACE}:environment`];

export function editedCopy(from: string): { dir: string; edits: StackEdit[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-edited-"));
  fs.copyFileSync(path.join(from, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  fs.mkdirSync(path.join(dir, "stacks"));
  for (const f of fs.readdirSync(path.join(from, "stacks")).filter((f) => f.endsWith(".yaml")))
    fs.copyFileSync(path.join(from, "stacks", f), path.join(dir, "stacks", f));
  return { dir, edits: listStacks(dir).map((stack) => editStack(dir, stack)) };
}

function editStack(dir: string, stack: string): StackEdit {
  const file = stackFile(stack, dir);
  const checked = validateMesh(meshInput(stackConfig(file, dir), stack));
  // An invalid stack is left as it is: the stack checks report it, on the copy as on stacks/.
  if (!checked.ok) return { stack, expectationsMoved: 0 };
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  const edit: StackEdit = { stack, expectationsMoved: 0 };
  const weighted = checked.model.routers.flatMap((r) => r.routes.map((route) => ({ router: r.key, route }))).find((x) => x.route.targets.length >= 2);
  if (weighted) {
    const weights = newWeights(weighted.route);
    for (const t of weighted.route.targets) {
      const at = [...ENV, "routers", weighted.router, "routes", weighted.route.key, "targets", t.node];
      if (isMap(doc.getIn(at))) doc.setIn([...at, "weight"], weights[t.node]);
      else doc.setIn(at, t.port === undefined ? weights[t.node] : doc.createNode({ weight: weights[t.node], port: t.port }, { flow: true }));
    }
    edit.route = { router: weighted.router, route: weighted.route.key, weights, shares: sharesOf(weights) };
    edit.expectationsMoved = moveExpectations(expectationsFile({ stack, project: dir }), sharesOf(Object.fromEntries(weighted.route.targets.map((t) => [t.node, t.weight]))), edit.route.shares);
  }
  edit.image = bumpAnImage(doc, checked.model);
  fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
  return edit;
}

/** n, n-1, … 1 over the targets, or the reverse when that is the split they have already. */
function newWeights(route: RouteModel): Record<string, number> {
  const n = route.targets.length;
  let next = route.targets.map((_, i) => n + 1 - i);
  const proportional = route.targets.every((t, i) => t.weight * next[0] === next[i] * route.targets[0].weight);
  if (proportional) next = next.reverse();
  return Object.fromEntries(route.targets.map((t, i) => [t.node, next[i]]));
}

function sharesOf(weights: Record<string, number>): Record<string, number> {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, total ? Math.round((10000 * w) / total) / 100 : 0]));
}

const sameShares = (a: Record<string, number>, b: Record<string, number>) =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => Math.abs((a[k] ?? 0) - (b[k] ?? 0)) < 0.05);

/** Rewrites every entry that expects the route's old split to expect its new one; how many did. */
function moveExpectations(file: string, before: Record<string, number>, after: Record<string, number>): number {
  if (!fs.existsSync(file)) return 0;
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  let moved = 0;
  if (isSeq(doc.contents)) for (const entry of doc.contents.items) {
    if (!isMap(entry)) continue;
    const map = entry as YAMLMap<unknown, unknown>;
    const expect = map.get("expect", true);
    if (isMap(expect) && sameShares(expect.toJSON(), before)) { map.set("expect", doc.createNode(after, { flow: true })); moved++; }
  }
  fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
  return moved;
}

/**
 * A service's image gets the next tag (1.3 → 1.4, v2 → v3, x → x-next): the first whose image
 * the stack file sets already, as a user bumps it, else the first with a tagged image.
 */
function bumpAnImage(doc: Document, m: MeshModel): StackEdit["image"] {
  const imageAt = (n: MeshModel["nodes"][number]) => [...ENV, "services", n.key, "containers", n.containers[0]?.name, "image"];
  const candidates = m.nodes.filter((n) => n.containers[0] && !n.containers[0].image.includes("@") && /:[^:/]+$/.test(n.containers[0].image));
  const n = candidates.find((x) => doc.hasIn(imageAt(x))) ?? candidates[0];
  if (!n) return undefined;
  const before = n.containers[0].image;
  const tag = /:([^:/]+)$/.exec(before)![1];
  const next = /\d+$/.test(tag) ? tag.replace(/\d+$/, (d) => String(Number(d) + 1)) : `${tag}-next`;
  const after = before.slice(0, -tag.length) + next;
  doc.setIn(imageAt(n), after);
  return { service: n.key, before, after };
}
