/**
 * Names from the description are looked up as own keys only, never through a prototype: a
 * service called `toString` must be unknown like any other, and `__proto__` must never turn a
 * map into something else.
 */
export const has = (o: object, key: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** Names JavaScript objects already carry (`constructor`, `toString`, `__proto__`, …). */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Sets `key` as an own property, even `__proto__` (plain assignment would replace the prototype). */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Paths of every map key `__proto__` in a raw description, which no JavaScript map holds safely. */
export function protoKeyPaths(x: unknown, at: PropertyKey[] = []): PropertyKey[][] {
  if (Array.isArray(x)) return x.flatMap((v, i) => protoKeyPaths(v, [...at, i]));
  if (x === null || typeof x !== "object") return [];
  return Object.keys(x).flatMap((k) => [...(k === "__proto__" ? [[...at, k]] : []), ...protoKeyPaths((x as any)[k], [...at, k])]);
}
