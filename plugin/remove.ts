/**
 * `remove`: the keys an environment takes out of the topology, as config paths. It is what a
 * `null` in a stack file's environment does (model/merge.ts), for the SDKs that drop nulls on
 * their way to the provider (Python, Go, .NET: pulumi/pulumi#12178, #22713, #22714). Pure.
 */
import { ConfigIssue, formatPath } from "../model/errors";
import { splitPath } from "../model/load";

export type Overlay = Record<string, unknown>;

/** The environment with a null at each path, or the paths that cannot name a map key. */
export function withRemovals(environment: unknown, paths: ReadonlyArray<unknown> | undefined): { environment: unknown; issues: ConfigIssue[] } {
  if (!paths?.length) return { environment, issues: [] };
  const issues: ConfigIssue[] = [];
  const isMap = (v: unknown): v is Overlay => typeof v === "object" && v !== null && !Array.isArray(v);
  // A copy: the caller's value (an SDK's input) is never changed.
  const out: Overlay = isMap(environment) ? structuredClone(environment) : environment === undefined ? {} : (environment as Overlay);
  if (!isMap(out)) return { environment, issues };
  paths.forEach((p, i) => {
    const at = formatPath(["remove", i]);
    if (typeof p !== "string" || !p) return issues.push({ path: at, message: `must be a config path such as services.yellow, got ${JSON.stringify(p)}` });
    const segs = splitPath(p);
    if (segs.some((s) => /^\d+$/.test(s) && p.includes(`[${s}]`)))
      return issues.push({ path: at, message: `names a list item (${p}); lists are replaced whole: set the list in the environment instead` });
    let node = out;
    for (const [depth, seg] of segs.entries()) {
      if (depth === segs.length - 1) { node[seg] = null; break; }
      const next = node[seg];
      if (next === null) return; // an outer key is removed already
      if (next !== undefined && !isMap(next)) return issues.push({ path: at, message: `goes through ${formatPath(segs.slice(0, depth + 1))}, which the environment sets to a value, not a map` });
      node = (node[seg] ??= {}) as Overlay;
    }
  });
  return { environment: out, issues };
}
