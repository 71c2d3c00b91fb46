/**
 * The rules of Pulumi's package metaschema (pkg/codegen/schema/pulumi.json in pulumi/pulumi, JSON
 * Schema 2020-12) that an inferred component schema can break, checked in code: the metaschema
 * itself is not published to npm or PyPI, which is all this machine and CI can reach, and no JSON
 * Schema validator is a dependency. Written from reading it; each rule names the definition it
 * stands for. Returns every problem with its JSON path.
 */
const PACKAGE_NAME = /^[a-zA-Z][-a-zA-Z0-9_]*$/;
/** `$defs.token`: package:module:name, the module optional, no part starting with a digit. */
const TOKEN = /^[a-zA-Z][-a-zA-Z0-9_]*:([^0-9][a-zA-Z0-9._/-]*)?:[^0-9][a-zA-Z0-9._/]*$/;
const PRIMITIVES = ["boolean", "integer", "number", "string"];
const isObject = (x: unknown): x is Record<string, any> => !!x && typeof x === "object" && !Array.isArray(x);

/** `$defs.typeSpec`: exactly one of primitive, array (with items), map, named ($ref) or union (oneOf). */
function typeSpec(t: any, at: string, out: string[]): void {
  if (!isObject(t)) { out.push(`${at}: a type must be an object`); return; }
  if (t.plain !== undefined && typeof t.plain !== "boolean") out.push(`${at}.plain: must be a boolean`);
  const forms = [
    PRIMITIVES.includes(t.type) && t.items === undefined && t.additionalProperties === undefined && t.$ref === undefined && t.oneOf === undefined,
    t.type === "array" && t.items !== undefined && t.additionalProperties === undefined && t.$ref === undefined && t.oneOf === undefined,
    t.type === "object" && t.items === undefined && t.$ref === undefined && t.oneOf === undefined,
    typeof t.$ref === "string" && t.items === undefined && t.additionalProperties === undefined && t.oneOf === undefined && (t.type === undefined || PRIMITIVES.includes(t.type)),
    Array.isArray(t.oneOf) && t.$ref === undefined && t.items === undefined && t.additionalProperties === undefined,
  ].filter(Boolean).length;
  if (forms !== 1) { out.push(`${at}: must be exactly one of a primitive, array, map, named or union type (got ${JSON.stringify(t).slice(0, 120)})`); return; }
  if (t.type === "array") typeSpec(t.items, `${at}.items`, out);
  if (t.type === "object" && t.additionalProperties !== undefined) typeSpec(t.additionalProperties, `${at}.additionalProperties`, out);
  if (Array.isArray(t.oneOf)) t.oneOf.forEach((u: any, i: number) => typeSpec(u, `${at}.oneOf[${i}]`, out));
}

/** `$defs.propertySpec`: a typeSpec, with a description, default and const of primitive kinds. */
function propertySpec(p: any, at: string, out: string[]): void {
  typeSpec(p, at, out);
  if (p?.description !== undefined && typeof p.description !== "string") out.push(`${at}.description: must be a string`);
  for (const k of ["default", "const"]) if (p?.[k] !== undefined && !["boolean", "number", "string"].includes(typeof p[k])) out.push(`${at}.${k}: must be a boolean, number or string`);
  for (const k of ["secret", "replaceOnChanges", "willReplaceOnChanges"]) if (p?.[k] !== undefined && typeof p[k] !== "boolean") out.push(`${at}.${k}: must be a boolean`);
}

/** `$defs.objectTypeSpec`: properties, and required naming only properties that exist. */
function objectType(o: any, at: string, props: string, required: string, out: string[]): void {
  const ps = o[props] ?? {};
  if (!isObject(ps)) { out.push(`${at}.${props}: must be a map of properties`); return; }
  for (const [k, p] of Object.entries(ps)) propertySpec(p, `${at}.${props}.${k}`, out);
  const req = o[required] ?? [];
  if (!Array.isArray(req) || req.some((r: unknown) => typeof r !== "string")) out.push(`${at}.${required}: must be a list of property names`);
  else for (const r of req) if (!(r in ps)) out.push(`${at}.${required}: names ${r}, which is not among ${props}`);
}

/** The metaschema's rules, broken: `[]` when the schema is a valid package schema. */
export function metaschemaProblems(s: any): string[] {
  const out: string[] = [];
  if (typeof s?.name !== "string" || !PACKAGE_NAME.test(s.name)) out.push(`name: must match ${PACKAGE_NAME}, got ${JSON.stringify(s?.name)}`);
  for (const [tok, t] of Object.entries<any>(s?.types ?? {})) {
    const at = `types.${tok}`;
    if (!TOKEN.test(tok)) out.push(`${at}: not a token (package:module:name)`);
    if (t?.type === "object") objectType(t, at, "properties", "required", out);
    else if (PRIMITIVES.includes(t?.type) && Array.isArray(t.enum)) t.enum.forEach((v: any, i: number) => { if (v?.value === undefined) out.push(`${at}.enum[${i}]: needs a value`); });
    else out.push(`${at}: must be an object type or an enum of a primitive type`);
  }
  for (const [tok, r] of Object.entries<any>(s?.resources ?? {})) {
    const at = `resources.${tok}`;
    if (!TOKEN.test(tok)) out.push(`${at}: not a token (package:module:name)`);
    objectType(r, at, "properties", "required", out);
    objectType(r, at, "inputProperties", "requiredInputs", out);
    if (r.isComponent !== undefined && typeof r.isComponent !== "boolean") out.push(`${at}.isComponent: must be a boolean`);
  }
  // Named types resolve within the package (the metaschema leaves $ref free; codegen needs it).
  const refs = JSON.stringify(s).match(/"\$ref":"#\/types\/[^"]+"/g) ?? [];
  for (const ref of new Set(refs)) {
    const tok = ref.slice('"$ref":"#/types/'.length, -1);
    if (!(tok in (s?.types ?? {}))) out.push(`$ref #/types/${tok}: no such type`);
  }
  return out;
}
