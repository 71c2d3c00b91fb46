/**
 * Drops fields whose value is undefined. The model and the renderers use it so that defaults
 * spread under a partial setting are not overwritten by holes, and so that registered inputs
 * (and plan diffs) show only what was set.
 */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
