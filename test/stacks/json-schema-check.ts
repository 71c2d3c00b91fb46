/**
 * A JSON Schema checker for the keywords the generated schemas use, and no others: the project
 * has no JSON Schema validator among its dependencies, and one is not worth adding for a test.
 * A keyword it does not know throws, so a schema that grows one cannot pass unchecked.
 */
type Schema = Record<string, any> | boolean;

const ANNOTATIONS = new Set(["$schema", "$defs", "title", "description", "default"]);
const CHECKED = new Set(["$ref", "type", "properties", "required", "additionalProperties", "patternProperties", "propertyNames",
  "items", "anyOf", "enum", "pattern", "minLength", "maxLength", "minimum", "exclusiveMinimum", "maximum", "minItems", "maxItems"]);

/** Every keyword of the schema, anywhere in it, that this checker would not apply. */
export function unknownKeywords(s: Schema, at = "#"): string[] {
  if (typeof s === "boolean") return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(s)) {
    if (!ANNOTATIONS.has(k) && !CHECKED.has(k)) out.push(`${at}/${k}`);
    if (["properties", "patternProperties", "$defs"].includes(k)) for (const [n, sub] of Object.entries(v)) out.push(...unknownKeywords(sub as Schema, `${at}/${k}/${n}`));
    else if (k === "anyOf") (v as Schema[]).forEach((sub, i) => out.push(...unknownKeywords(sub, `${at}/anyOf/${i}`)));
    else if (["items", "additionalProperties", "propertyNames"].includes(k)) out.push(...unknownKeywords(v, `${at}/${k}`));
  }
  return out;
}

/** The places where `value` breaks `schema`, as `path: rule` lines; none when it conforms. */
export function violations(root: Schema, value: unknown): string[] {
  const out: string[] = [];
  check(root, root, value, "", out);
  return out;
}

function check(root: Schema, s: Schema, v: unknown, at: string, out: string[]): void {
  if (s === true) return;
  const fail = (rule: string) => { out.push(`${at || "(root)"}: ${rule}`); };
  if (s === false) return fail("not allowed");
  if (s.$ref) check(root, resolve(root, s.$ref), v, at, out);
  if (s.type !== undefined && ![s.type].flat().some((t: string) => typeOf(v, t))) return fail(`must be ${s.type}`);
  if (s.enum && !s.enum.some((e: unknown) => e === v)) fail(`must be one of ${s.enum.join(", ")}`);
  if (s.anyOf) {
    const branches: string[][] = s.anyOf.map((b: Schema) => { const o: string[] = []; check(root, b, v, at, o); return o; });
    if (!branches.some((b) => b.length === 0)) {
      // Report the branch of the right type, the one the user meant, when there is one.
      const meant = branches.filter((b) => !b.some((x) => /: must be (object|array|string|integer|number|boolean|null)$/.test(x)));
      if (meant.length === 1) out.push(...meant[0]); else fail(`matches none of ${s.anyOf.length} alternatives`);
    }
  }
  if (typeof v === "string") {
    const n = [...v].length;
    if (s.minLength !== undefined && n < s.minLength) fail(`shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && n > s.maxLength) fail(`longer than ${s.maxLength}`);
    if (s.pattern !== undefined && !new RegExp(s.pattern, "u").test(v)) fail(`does not match ${s.pattern}`);
  }
  if (typeof v === "number") {
    if (s.minimum !== undefined && v < s.minimum) fail(`below ${s.minimum}`);
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) fail(`not above ${s.exclusiveMinimum}`);
    if (s.maximum !== undefined && v > s.maximum) fail(`above ${s.maximum}`);
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) fail(`fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && v.length > s.maxItems) fail(`more than ${s.maxItems} items`);
    if (s.items !== undefined) v.forEach((x, i) => check(root, s.items, x, `${at}[${i}]`, out));
  }
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in obj)) fail(`requires ${r}`);
    for (const [k, x] of Object.entries(obj)) {
      const p = at ? `${at}.${k}` : k;
      if (s.propertyNames) check(root, s.propertyNames, k, `${p} (name)`, out);
      let matched = false;
      if (s.properties && Object.prototype.hasOwnProperty.call(s.properties, k)) { matched = true; check(root, s.properties[k], x, p, out); }
      for (const [re, sub] of Object.entries(s.patternProperties ?? {})) if (new RegExp(re, "u").test(k)) { matched = true; check(root, sub as Schema, x, p, out); }
      if (!matched && s.additionalProperties !== undefined) check(root, s.additionalProperties, x, p, out);
    }
  }
}

function typeOf(v: unknown, t: string): boolean {
  switch (t) {
    case "null": return v === null;
    case "array": return Array.isArray(v);
    case "object": return v !== null && typeof v === "object" && !Array.isArray(v);
    case "integer": return Number.isInteger(v);
    case "number": return typeof v === "number";
    default: return typeof v === t;
  }
}

function resolve(root: Schema, ref: string): Schema {
  if (!ref.startsWith("#/")) throw new Error(`only local references are supported, got ${ref}`);
  let cur: any = root;
  for (const seg of ref.slice(2).split("/")) {
    cur = cur?.[seg];
    if (cur === undefined) throw new Error(`unresolved reference ${ref}`);
  }
  return cur;
}
