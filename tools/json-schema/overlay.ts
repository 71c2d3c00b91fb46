/**
 * The JSON Schema of an environment's overrides, derived from the topology's: the same shapes
 * with nothing required and every map key nullable (`null` removes it), while lists and plain
 * values keep their own schema, because they replace the topology's whole (model/merge.ts).
 */
type Schema = Record<string, any>;

export function overlaySchema(s: Schema): Schema {
  if (s.anyOf) return { ...s, anyOf: s.anyOf.map(overlaySchema) };
  if (s.type !== "object") return s;
  const { required: _required, ...rest } = s;
  const out: Schema = { ...rest };
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties as Record<string, Schema>).map(([k, v]) => [k, removable(v)]));
  if (s.additionalProperties && typeof s.additionalProperties === "object") out.additionalProperties = removable(s.additionalProperties);
  // A default is what the topology gets when it says nothing; an environment saying nothing changes nothing.
  delete out.default;
  return out;
}

function removable(s: Schema): Schema {
  const { description, ...shape } = s;
  return { ...(description ? { description } : {}), anyOf: [overlaySchema(shape), { type: "null" }] };
}
