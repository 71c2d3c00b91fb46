/**
 * Merges one environment's overrides onto the shared topology. Maps merge key by key, so a stack
 * file names only what differs (one weight, one image); lists and plain values replace; `null`
 * removes a key (for example a route target that this environment does not have).
 */
export function mergeOverlay(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return base;
  if (!isMap(base) || !isMap(overlay)) return overlay;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    if (v === null) delete out[k];
    else out[k] = mergeOverlay(base[k], v);
  }
  return out;
}

/** True when `path` (as recorded by validation) is written in the overlay, i.e. the environment set it. */
export function overlayHas(overlay: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let cur: unknown = overlay;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return false;
    if (!(String(seg) in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return path.length > 0;
}

function isMap(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}
