/**
 * A resource's input changes in a reviewer's words. The diff addresses each changed value by its
 * full input path, which inside an Envoy bootstrap runs to 250 characters for one weight. Folded,
 * the path keeps only the names that say what it is (container, listener, virtual host, route),
 * and the weights of one route's targets read as one line: `envoy › listener outbound › host
 * colors-80 › route color-route › weights: green 4 → 3, yellow 1 → 2`. `--verbose` prints the
 * full paths instead; `--json` always carries them.
 */
import type { InputChange, ResourceChange } from "./diff";
import { flatten } from "./diff";

export interface FoldedChange {
  /** The reviewer's line, without indentation. */
  text: string;
  /** The full input paths this line stands for. */
  paths: string[];
  /** Whether one of them forces the resource's replacement. */
  replaces: boolean;
}

const show = (v: unknown) => (v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));
/** `before → after`, or for a withheld value only what happened to it. */
const change = (ch: InputChange) => (ch.redacted ? `(redacted: looks like a credential; ${ch.redacted})` : `${show(ch.before)} → ${show(ch.after)}`);

/** Segments of a path that only say how the document nests, with the words they stand for. */
const ABBREVIATIONS: [RegExp, string][] = [
  // A container's Envoy bootstrap, given on its command line: the container names it.
  [/^containerDefinitions\[([^\]]+)\]\.command\[\d+\]\.static_resources\./, "$1 › "],
  [/^containerDefinitions\[([^\]]+)\]\./, "container $1 › "],
  [/listeners\[([^\]]+)\]\.filter_chains\[[^\]]+\]\.filters\[envoy\.filters\.network\.http_connection_manager\]\.typed_config\.route_config\.virtual_hosts\[([^\]]+)\]\./, "listener $1 › host $2 › "],
  [/listeners\[([^\]]+)\]\.filter_chains\[([^\]]+)\]\.filters\[([^\]]+)\]\.typed_config\./, "listener $1 › filter chain $2 › $3 › "],
  [/routes\[([^\]]+)\]\.route\.weighted_clusters\.clusters/, "route $1 › weights"],
  [/clusters\[([^\]]+)\]\./, "cluster $1 › "],
  [/^spec\.(\w+)\.action\.weightedTargets/, "$1 › weights"],
  [/^action\.forward\.targetGroups/, "forward › weights"],
];

export function abbreviate(path: string): string {
  return ABBREVIATIONS.reduce((p, [re, to]) => p.replace(re, to), path);
}

/** `prefix[item].weight`: one target's weight in a list of weighted targets. */
const WEIGHT = /^(.*)\[([^\]]+)\]\.weight$/;

/**
 * A list item addressed by its index (VPC Lattice's target groups carry no name) is named after
 * the resource its identifier points to, as the mocks mark it: `{unknown:<resource>.id}`.
 */
function itemName(inputs: Record<string, unknown>, listPath: string, item: string): string {
  if (!/^\d+$/.test(item)) return item;
  let v: any = inputs;
  for (const k of listPath.split(".")) v = v?.[k];
  const entry = Array.isArray(v) ? v[Number(item)] : undefined;
  const marker = entry && Object.values(entry).map((x) => (typeof x === "string" ? /^\{unknown:(.+)\.id\}$/.exec(x)?.[1] : undefined)).find(Boolean);
  return marker ?? item;
}

/**
 * The names of a list's items without what they all share (`node-green-80`, `node-yellow-80` →
 * green, yellow): `all` is every item of the list, changed or not, so that one changed target
 * reads the same as two.
 */
function distinct(all: string[]): Map<string, string> {
  const parts = all.map((n) => n.split("-"));
  let head = 0;
  let tail = 0;
  if (all.length > 1) {
    while (parts.every((p) => p.length > head + 1 && p[head] === parts[0][head])) head++;
    while (parts.every((p) => p.length > head + tail + 1 && p[p.length - 1 - tail] === parts[0][parts[0].length - 1 - tail])) tail++;
  }
  return new Map(all.map((n, i) => [n, parts[i].slice(head, parts[i].length - tail).join("-")]));
}

/** Folds one resource's changes: one line per route's weights, one per other value, each once. */
export function foldChanges(c: ResourceChange): FoldedChange[] {
  const replacing = new Set(c.replacedBy);
  const weights = new Map<string, { item: string; change: InputChange }[]>();
  const out: { at: number; line: FoldedChange }[] = [];
  c.changes.forEach((ch, at) => {
    const m = WEIGHT.exec(ch.path);
    if (m && (typeof ch.before === "number" || typeof ch.after === "number")) {
      if (!weights.has(m[1])) out.push({ at, line: { text: m[1], paths: [], replaces: false } });
      weights.set(m[1], [...(weights.get(m[1]) ?? []), { item: itemName(c.resource.inputs, m[1], m[2]), change: ch }]);
      return;
    }
    const follows = typeof ch.after === "string" ? /^\(new value once (.+) is replaced\)$/.exec(ch.after) : null;
    const text = follows ? `${abbreviate(ch.path)}: new value once ${follows[1]} is replaced` : `${abbreviate(ch.path)}: ${change(ch)}`;
    out.push({ at, line: { text, paths: [ch.path], replaces: replacing.has(ch.path) } });
  });
  const current = weights.size ? Object.keys(flatten(c.resource.inputs)) : [];
  for (const { line } of out) {
    const group = weights.get(line.text);
    if (!group || line.paths.length) continue;
    const siblings = current.map((p) => WEIGHT.exec(p)).filter((m) => m?.[1] === line.text).map((m) => itemName(c.resource.inputs, m![1], m![2]));
    const short = distinct([...new Set([...siblings, ...group.map((g) => g.item)])]);
    line.paths = group.map((g) => g.change.path);
    line.replaces = line.paths.some((p) => replacing.has(p));
    line.text = `${abbreviate(line.text)}: ${group.map((g) => `${short.get(g.item)} ${show(g.change.before)} → ${show(g.change.after)}`).join(", ")}`;
  }
  return out.sort((a, b) => a.at - b.at).map((o) => o.line);
}

/** The full paths, one line each: what `--verbose` prints. */
export function unfoldedChanges(c: ResourceChange): FoldedChange[] {
  const replacing = new Set(c.replacedBy);
  return c.changes.map((ch) => ({ text: `${ch.path}: ${change(ch)}`, paths: [ch.path], replaces: replacing.has(ch.path) }));
}

/** The action, said once: which of the lines below force a replacement, if not all. */
export function actionText(c: ResourceChange, lines: FoldedChange[]): string {
  if (c.action === "update") return "update in place";
  if (c.action === "unknown") return "change";
  return lines.every((l) => l.replaces) ? "replace (every change forces it)" : "replace (forced by the changes marked ±)";
}

/** A line's mark: ± when it forces a replacement that not every line forces. */
export function lineMark(c: ResourceChange, lines: FoldedChange[], line: FoldedChange): string {
  return c.action === "replace" && line.replaces && !lines.every((l) => l.replaces) ? "± " : "";
}
