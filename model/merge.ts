/**
 * Merges one environment's overrides onto the shared topology. Maps merge key by key, so a stack
 * file names only what differs (one weight, one image); lists and plain values replace; `null`
 * removes a key (for example a route target that this environment does not have).
 */
import { has, setOwn } from "./own";

export function mergeOverlay(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return base;
  if (!isMap(base) || !isMap(overlay)) return overlay;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    if (v === null) delete out[k];
    else setOwn(out, k, mergeOverlay(has(base, k) ? base[k] : undefined, v));
  }
  return out;
}

/**
 * Whether the environment wrote `path`: a whole value ("leaf"), part of a map ("partial"), or
 * nothing ("absent"). Error messages use it to point at the file that holds the mistake.
 */
export function overlayAt(overlay: unknown, path: ReadonlyArray<PropertyKey>): "leaf" | "partial" | "absent" {
  let cur: unknown = overlay;
  for (const seg of path) {
    // Lists replace, never merge: a list the overlay holds was written there whole, items included.
    if (Array.isArray(cur) && cur !== overlay) return "leaf";
    if (!isMap(cur) || !has(cur, String(seg))) return "absent";
    cur = cur[String(seg)];
  }
  if (path.length === 0) return "absent";
  return isMap(cur) ? "partial" : "leaf";
}

function isMap(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}
