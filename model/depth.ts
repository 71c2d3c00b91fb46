/**
 * How deeply a description nests. Merging, validating and planning walk it recursively, so a
 * value nested thousands of levels deep (a hostile file, a generated one gone wrong) would
 * overflow the stack ("Maximum call stack size exceeded") instead of being refused. This walk
 * is iterative, and stops at the first value deeper than the bound.
 */

/** No setting of the description nests deeper than about 10 levels; this leaves room. */
export const MAX_DESCRIPTION_DEPTH = 32;

/** The path (keys and indexes) to the first value nested deeper than `max`, or undefined. */
export function tooDeep(value: unknown, max: number): (string | number)[] | undefined {
  const seen = new Set<object>();
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== "object" || seen.has(v)) continue;
    if (path.length >= max) return path;
    seen.add(v);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: [...path, k] });
  }
  return undefined;
}
