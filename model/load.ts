/**
 * Entry point of the description: merge, validate (schema + cross references), build the model.
 * Nothing here touches Pulumi, so the same function serves the program, the plan tool and tests.
 */
import { z } from "zod";
import { buildModel } from "./build";
import { ConfigError, ConfigIssue, formatPath, IssueList } from "./errors";
import { MAX_DESCRIPTION_DEPTH, tooDeep } from "./depth";
import { mergeOverlay, overlayAt } from "./merge";
import { protoKeyPaths } from "./own";
import { checkConfigKeys } from "./config-keys";
import { checkEnvironmentOnly } from "./environment-only";
import { checkNameLengths } from "./names";
import { checkGatewayScaling } from "./gateway-scaling";
import { checkProduction } from "./production";
import { checkReferences } from "./references";
import { show } from "./schema/common";
import { topology } from "./schema/topology";
import type { Environment, Topology } from "./description";
import type { MeshModel } from "./types";

/**
 * What loadMesh reads. `topology` and `environment` are typed for editors and for programs that
 * write them in TypeScript; from `pulumi.Config`, read them as
 * `config.requireObject<Topology>("topology")` and `config.getObject<Environment>("environment")`
 * (Pulumi does not check their shape: loadMesh does, and reports every problem at once).
 */
export interface MeshInput {
  /** The shared topology (`fargate-mesh:topology`). */
  topology: Topology;
  /** This environment's overrides (`fargate-mesh:environment`). */
  environment?: Environment;
  /** Environment name, normally the stack name; it suffixes the mesh name. */
  stack: string;
  /** The AWS region (`aws:region`); the Envoy image and endpoints depend on it. */
  region: string | undefined;
  /**
   * Every key of the stack's config, as `namespace:key` (under `pulumi up`:
   * `Object.keys(pulumi.runtime.allConfig())`), so that a misspelt `fargate-mesh:` key is an
   * error instead of a value nobody reads. @default not checked
   */
  configKeys?: ReadonlyArray<string>;
  /** File names used in messages to say where a wrong value was written (Pulumi.yaml, Pulumi.dev.yaml). */
  sources?: {
    topology?: string;
    environment?: string;
    /** The file that sets each of `configKeys`. */
    configKeys?: Readonly<Record<string, string>>;
  };
}

export type ValidationResult = { ok: true; model: MeshModel } | { ok: false; issues: ConfigIssue[] };

export function validateMesh(input: MeshInput): ValidationResult {
  const list = new IssueList();
  const region = input.region;
  if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    list.add(["aws:region"], `must be an AWS region such as us-east-1, got ${show(region)}`);
  const envIsMap = input.environment === undefined ||
    (typeof input.environment === "object" && input.environment !== null && !Array.isArray(input.environment));
  if (!envIsMap) list.add(["environment"], `must be a map of overrides, got ${show(input.environment)}`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(input.stack)) list.add(["stack"], `must contain only lower-case letters, digits and '-', got ${show(input.stack)}`);
  // Misspelt keys first: they are often why the errors after them appear. They name their file themselves.
  const misspelt = [
    ...checkConfigKeys(input.configKeys ?? [], input.sources?.configKeys),
    ...checkEnvironmentOnly(input.topology, envIsMap ? input.environment : undefined, input.sources?.environment),
  ];
  // Too deep to walk: refused before anything recursive (merge, the schema) overflows the stack.
  const deep = ([["topology", input.topology], ["environment", input.environment]] as const)
    .map(([what, v]) => [what, tooDeep(v, MAX_DESCRIPTION_DEPTH)] as const).filter(([, p]) => p);
  if (deep.length) {
    return { ok: false, issues: annotate(deep.map(([what, p]) => ({
      path: formatPath(p!.slice(0, 6)),
      message: `nests maps and lists more than ${MAX_DESCRIPTION_DEPTH} levels deep (in the ${what}, at ${formatPath(p!.slice(0, 8))}…); no setting of the description is that deep`,
    })), input) };
  }
  const merged = mergeOverlay(input.topology, envIsMap ? input.environment : undefined);
  // `__proto__` would vanish from any map on its way to the model: refuse it wherever it is.
  const proto = protoKeyPaths(merged);
  for (const p of proto) list.add(p, "is not accepted as a name: a JavaScript map cannot hold __proto__, so it would be dropped");
  const parsed = topology.safeParse(merged, { error: defaultMessage });
  if (!parsed.success) for (const issue of parsed.error.issues) if (!issue.path.includes("__proto__")) flatten(issue, [], list);
  checkReferences(merged, region ?? "", list);
  checkGatewayScaling(merged, list);
  checkProduction(merged, list);
  if (parsed.success) checkNameLengths(parsed.data, input.stack, list);
  if (misspelt.length || list.issues.length || !parsed.success || proto.length) {
    return { ok: false, issues: [...misspelt, ...annotate(dedupe(list.issues), input)] };
  }
  return { ok: true, model: buildModel(parsed.data, input.stack, region!) };
}

/** Validates and builds, or throws one ConfigError listing every problem. */
export function loadMesh(input: MeshInput): MeshModel {
  const r = validateMesh(input);
  if (!r.ok) throw new ConfigError(r.issues);
  return r.model;
}

type ZIssue = z.core.$ZodIssue;

/** Zod reports union failures as nested lists; keep only the branch whose type matched. */
function flatten(issue: ZIssue, prefix: PropertyKey[], list: IssueList): void {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length) {
    // A branch whose only complaint is the wrong kind of value (a map where a number was given) is not the
    // branch the user meant; "int" is the exception: a number was given, just not a whole one.
    const matched = issue.errors.filter((b) => !(b.length === 1 && b[0].code === "invalid_type" && b[0].path.length === 0 && b[0].expected !== "int"));
    if (matched.length === 1) { for (const i of matched[0]) flatten(i, path, list); return; }
    list.add(path, issue.errors.map((b) => b[0]?.message).filter(Boolean).join(", or "));
    return;
  }
  if (issue.code === "invalid_key") {
    for (const i of issue.issues) list.add(path, i.message);
    return;
  }
  if (issue.code === "unrecognized_keys") {
    for (const k of issue.keys) list.add([...path, k], "unknown setting (misspelled, or not valid here)");
    return;
  }
  list.add(path, issue.message);
}

/** Messages for issues whose schema gives none: say what was expected and what was found. */
function defaultMessage(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case "invalid_type": return iss.input === undefined ? "is required" : `must be ${article(iss.expected)}, got ${show(iss.input)}`;
    case "too_small": return `must have at least ${iss.minimum} ${iss.origin === "string" ? "characters" : "items"}`;
    case "too_big": return `must have at most ${iss.maximum} ${iss.origin === "string" ? "characters" : "items"}`;
    case "invalid_value": return `must be one of ${iss.values.join(", ")}, got ${show(iss.input)}`;
    default: return iss.message ?? "is invalid";
  }
}

function article(t: string) { return t === "object" ? "a map" : t === "array" ? "a list" : `a ${t}`; }

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(i.path + i.message) && seen.add(i.path + i.message));
}

/** Says which file a wrong value was written in: the environment's when it overrides it, else the topology's. */
function annotate(issues: ConfigIssue[], input: MeshInput): ConfigIssue[] {
  const { environment: envFile, topology: topologyFile } = input.sources ?? {};
  if (!envFile && !topologyFile) return issues;
  return issues.map((i) => {
    const segs = splitPath(i.path);
    const inEnv = envFile ? overlayAt(input.environment, segs) : "absent";
    // A map the topology does not have at all was written whole by the environment.
    if (inEnv === "partial" && overlayAt(input.topology, segs) === "absent") return { ...i, message: `${i.message} (set in ${envFile})` };
    if (inEnv !== "absent") return { ...i, message: `${i.message} (${inEnv === "leaf" ? "set" : "partly set"} in ${envFile})` };
    // The topology is a whole description, not an overlay, but overlayAt tells all the same whether it holds the path.
    const inTopology = topologyFile ? overlayAt(input.topology, segs) : "absent";
    if (inTopology !== "absent") return { ...i, message: `${i.message} (set in ${topologyFile})` };
    return i;
  });
}

/** The segments of a config path as formatPath writes it (`a.b["c d"][0]`); list indexes stay strings of digits. */
export function splitPath(p: string): string[] {
  const out: string[] = [];
  const re = /\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|([^.[\]]+)/g;
  for (let m = re.exec(p); m; m = re.exec(p)) out.push(m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : (m[2] ?? m[3]));
  return out;
}

