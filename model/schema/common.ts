import { z } from "zod";
import { credentialCommands, credentialError } from "./log-credentials";
import { LIMITS, Limit } from "../limits";
import { RESERVED_NAMES } from "../own";
import { CONTROL } from "../environment";
import { re2Problem } from "../re2";

export { CONTROL };

/** An integer within one of the documented API limits; the message names the range. */
export function int(limit: Pick<Limit, "min" | "max">) {
  const range = limit.max === undefined ? `at least ${limit.min}` : `between ${limit.min} and ${limit.max}`;
  let s = z.number({ error: (i) => `must be an integer ${range}, got ${show(i.input)}` })
    .int({ error: (i) => `must be an integer ${range}, got ${show(i.input)}` });
  if (limit.min !== undefined) s = s.min(limit.min, { error: (i) => `must be ${range}, got ${show(i.input)}` });
  if (limit.max !== undefined) s = s.max(limit.max, { error: (i) => `must be ${range}, got ${show(i.input)}` });
  return s;
}

/** A string whose length is within an API limit. */
export function text(limit: Pick<Limit, "min" | "max">, what = "characters") {
  const range = limit.max === undefined ? `at least ${limit.min}` : `${limit.min} to ${limit.max}`;
  const msg = (i: { input?: unknown }) =>
    `must be ${range} ${what} long, got ${typeof i.input === "string" ? i.input.length : show(i.input)}`;
  let s = z.string({ error: (i) => `must be a string, got ${show(i.input)}` });
  if (limit.min !== undefined) s = s.min(limit.min, { error: msg });
  if (limit.max !== undefined) s = s.max(limit.max, { error: msg });
  return s;
}

/**
 * Text that ends up in an HTTP request line or header (a path, a gRPC service name): a CR, LF,
 * NUL or space there would end it early or smuggle another header in.
 */
export const requestText = z.string({ error: (i) => `must be a string, got ${show(i.input)}` })
  .refine((v) => !CONTROL.test(v) && !/\s/.test(v), { error: "must not contain spaces or control characters (CR, LF, NUL, tab…)" });

/** A regular expression Envoy accepts (RE2 syntax, within Envoy's program size), of an API length. */
export function regex(limit: Pick<Limit, "min" | "max">) {
  return text(limit).superRefine((p, ctx) => {
    const problem = re2Problem(p);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: p });
  });
}

export function show(v: unknown): string {
  if (v === undefined) return "nothing";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return "a list";
  if (v !== null && typeof v === "object") return "an object";
  return String(v);
}

export const port = int(LIMITS.port);
export const resourceName = text(LIMITS.resourceName);

/**
 * Keys of services, routers and routes become AWS names (App Mesh, ECS, Cloud Map) and Pulumi
 * resource names, so they are restricted to what all of those accept.
 */
export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
export const key = resourceName.regex(KEY_PATTERN, {
  error: "must start with a letter or digit and contain only letters, digits, '-' and '_'",
});

/**
 * A name that keys a map of the description (services, routers, routes, gateway routes): a key
 * that is not also a property every JavaScript object has (`constructor`, `toString`, …).
 */
export const name = key.refine((k) => !RESERVED_NAMES.has(k), {
  error: "is a name every JavaScript object already has (constructor, toString, …); choose another name",
});

/** A map keyed by names that follow KEY_PATTERN and are not reserved. */
export function keyed<T extends z.ZodType>(value: T) {
  return z.record(name, value, {
    error: (i) => (i.code !== "invalid_type" ? undefined : i.input === undefined ? "is required" : `must be a map of names to settings, got ${show(i.input)}`),
  });
}

/** Durations are written `15s` or `500ms` and become App Mesh's {value, unit}. */
export const duration = z.string({ error: (i) => `must be a duration such as 15s or 500ms, got ${show(i.input)}` })
  .regex(/^\d+(ms|s)$/, { error: (i) => `must be a duration such as 15s or 500ms, got ${show(i.input)}` });

export function enumOf<T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (i) => `must be one of ${values.join(", ")}, got ${show(i.input)}` });
}

export const bool = z.boolean({ error: (i) => `must be true or false, got ${show(i.input)}` });

/** The characters AWS tags may hold (TagKey and TagValue patterns of the ECS and App Mesh models). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_CHARACTERS = "may hold only letters, digits, spaces and _ . : / = + - @ (AWS's tag pattern; no control characters)";
const tagKey = text(LIMITS.tagKey)
  .regex(TAG_TEXT, { error: (i) => `${TAG_CHARACTERS}, got ${show(i.input)}` })
  .refine((k) => !/^aws:/i.test(k), { error: "must not start with aws: (AWS reserves that prefix for its own tags, in any case)" });
const tagValue = text(LIMITS.tagValue).regex(TAG_TEXT, { error: (i) => `${TAG_CHARACTERS}, got ${show(i.input)}` });

export const tags = z.record(tagKey, tagValue, {
  error: (i) => (i.code === "invalid_type" ? `must be a map of tag names to values, got ${show(i.input)}` : undefined),
}).refine((t) => Object.keys(t).length <= LIMITS.tags.max, {
  error: (i) => `must have at most ${LIMITS.tags.max} tags, got ${Object.keys(i.input as object).length}`,
});

/** An access log: a file path (usually /dev/stdout) with an optional text or JSON format. */
export const accessLog = z.strictObject({
  path: text(LIMITS.filePath),
  format: z.strictObject({
    text: text(LIMITS.accessLogText).refine((f) => !credentialCommands(f).length, { error: (i) => credentialError(String(i.input)) }).optional(),
    json: z.record(text(LIMITS.accessLogJsonKey), text(LIMITS.accessLogJsonValue).refine((f) => !credentialCommands(f).length, { error: (i) => credentialError(String(i.input)) })).optional(),
  }).refine((f) => (f.text === undefined) !== (f.json === undefined), {
    error: "must set exactly one of text or json",
  }).optional(),
});
export type AccessLogConfig = z.infer<typeof accessLog>;

/**
 * A container image reference, `[registry/]repository[:tag]` or `…@sha256:<64 hex digits>`, as
 * ECS accepts it: 255 characters before the digest, and sha256 the only digest it supports.
 */
export const image = z.string({ error: (i) => `must be an image reference such as nginx:1.27 or repo@sha256:…, got ${show(i.input)}` })
  .min(1, { error: "must be an image reference such as nginx:1.27 or repo@sha256:…" })
  .superRefine((ref, ctx) => {
    const problem = imageProblem(ref);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: ref });
  });

export function imageProblem(ref: string): string | undefined {
  if (/\s/.test(ref) || CONTROL.test(ref)) return "must not contain spaces, newlines or control characters";
  const at = ref.indexOf("@");
  const name = at < 0 ? ref : ref.slice(0, at);
  if (name.length > LIMITS.imageName.max) return `must be at most ${LIMITS.imageName.max} characters long before any @digest, got ${name.length}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._/:#-]*$/.test(name))
    return `must be [registry/]repository[:tag] of letters, digits and . _ / : # - (as ECS accepts), got ${show(name)}`;
  if (at >= 0 && !/^sha256:[0-9A-Fa-f]{64}$/.test(ref.slice(at + 1)))
    return `has a malformed digest ${show(ref.slice(at + 1))}: ECS takes sha256: followed by exactly 64 hex digits`;
  return undefined;
}
