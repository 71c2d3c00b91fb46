/**
 * Reads the project file and stack files the way the Pulumi CLI combines them: a key set in
 * the stack file replaces the project-level value of the same key. Used by the offline tools;
 * under `pulumi up` the CLI does this itself and the program reads `pulumi.Config`.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, YAMLParseError } from "yaml";
import { CONFIG_NAMESPACE } from "../model/config-keys";
import { MAX_DESCRIPTION_DEPTH, tooDeep } from "../model/depth";
import { formatPath } from "../model/errors";
import type { Environment, Topology } from "../model/description";
import type { MeshInput } from "../model/load";
import { yamlErrorText } from "./yaml-errors";

/**
 * The project folder, where Pulumi.yaml is. By default this package's own, whether this runs
 * from stacks/ (ts-node) or bin/stacks/ (compiled); the installed `fargate-mesh` command points
 * it at the user's project with useProject before any tool runs.
 */
export let PROJECT_DIR = [path.resolve(__dirname, ".."), path.resolve(__dirname, "../..")].find((d) => fs.existsSync(path.join(d, "Pulumi.yaml"))) ?? path.resolve(__dirname, "..");

export function useProject(dir: string): void {
  PROJECT_DIR = dir;
}

/** The nearest folder at or above `from` that holds a Pulumi.yaml, as the Pulumi CLI finds its project. */
export function findProject(from: string): string | undefined {
  for (let d = path.resolve(from); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, "Pulumi.yaml"))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Where the project's stack files are: Pulumi.yaml's stackConfigDir, or beside Pulumi.yaml as Pulumi's default. */
export function stackConfigDir(dir = PROJECT_DIR): string {
  const file = path.join(dir, "Pulumi.yaml");
  const named = fs.existsSync(file) ? readYaml(file).stackConfigDir : undefined;
  return path.resolve(dir, typeof named === "string" ? named : ".");
}
export { CONFIG_NAMESPACE };

export type ConfigMap = Record<string, unknown>;

/** A file the tools cannot use: the message names the file and the reason (and for YAML, line and column). */
export class ConfigFileError extends Error {
  constructor(message: string) { super(message); this.name = "ConfigFileError"; }
}

/** The file's text, or a ConfigFileError that says why there is none. */
export function readText(file: string, what = "file"): string {
  if (!fs.existsSync(file)) throw new ConfigFileError(`${file}: no such ${what}`);
  if (fs.statSync(file).isDirectory()) throw new ConfigFileError(`${file}: is a directory, not a ${what}`);
  try { return fs.readFileSync(file, "utf8"); } catch (e) { throw new ConfigFileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
}

/** Levels of maps and lists a stack file may nest: the description's own bound plus its place under config. */
export const MAX_FILE_DEPTH = MAX_DESCRIPTION_DEPTH + 4;
/** Alias expansions a file may make: the yaml library's guard against "billion laughs" bombs. */
const MAX_ALIAS_COUNT = 100;

function readYaml(file: string): any {
  const text = readText(file);
  let doc: any;
  try {
    doc = parse(text, { uniqueKeys: true, maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (e) {
    const message = (e as Error)?.message ?? "";
    // The parser itself recurses: a file nested thousands of levels deep overflows it.
    if (e instanceof RangeError || /Maximum call stack size exceeded/.test(message))
      throw new ConfigFileError(`${file}: nests maps and lists too deeply to read (no setting is deeper than ${MAX_FILE_DEPTH} levels)`);
    if (e instanceof ReferenceError && /alias count/i.test(message))
      throw new ConfigFileError(`${file}: its aliases (*name) expand into too many copies of their anchors (&name), as a YAML alias bomb ("billion laughs") does; write the values out, or use fewer aliases`);
    if (!(e instanceof YAMLParseError)) throw e;
    throw new ConfigFileError(yamlErrorText(file, text, e));
  }
  const deep = tooDeep(doc, MAX_FILE_DEPTH);
  if (deep) throw new ConfigFileError(`${file}: nests maps and lists more than ${MAX_FILE_DEPTH} levels deep, at ${formatPath(deep.slice(0, 8))}…; no setting is that deep`);
  return doc;
}

/** Project-level config of Pulumi.yaml: `key: { value: … }` or `key: <value>`. */
export function projectConfig(dir = PROJECT_DIR): ConfigMap {
  return readProjectConfig(dir).config;
}

/** A config map and, for each of its keys, the file (base name) that sets it. */
export interface LocatedConfig { config: ConfigMap; files: Record<string, string> }

function readProjectConfig(dir: string): LocatedConfig {
  const file = path.join(dir, "Pulumi.yaml");
  const project = readYaml(file);
  const out: LocatedConfig = { config: {}, files: {} };
  for (const [k, v] of Object.entries(project.config ?? {})) {
    out.config[qualify(k)] = v !== null && typeof v === "object" && "value" in (v as object) ? (v as any).value : (v as any)?.default ?? v;
    out.files[qualify(k)] = path.basename(file);
  }
  return out;
}

export function stackFile(stack: string, dir = PROJECT_DIR): string {
  return path.join(stackConfigDir(dir), `Pulumi.${stack}.yaml`);
}

/** The stack file of a stack that exists, or a ConfigFileError listing the stacks that do. */
export function existingStackFile(stack: string, dir = PROJECT_DIR): string {
  const file = stackFile(stack, dir);
  if (!fs.existsSync(file)) throw new ConfigFileError(`no stack "${stack}" (no ${path.relative(dir, file)}); known: ${listStacks(dir).join(", ")}`);
  return file;
}

export function listStacks(dir = PROJECT_DIR): string[] {
  const stacks = stackConfigDir(dir);
  if (!fs.existsSync(stacks)) return [];
  return fs.readdirSync(stacks)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

/** The config a stack's program sees: project config overlaid by the stack file, key by key. */
export function stackConfig(file: string, dir = PROJECT_DIR): ConfigMap {
  return locatedStackConfig(file, dir).config;
}

/** stackConfig, with the file that sets each key (so a misspelt key's error can name it). */
export function locatedStackConfig(file: string, dir = PROJECT_DIR): LocatedConfig {
  const stack = readYaml(file);
  const out = readProjectConfig(dir);
  for (const [k, v] of Object.entries(stack.config ?? {})) {
    out.config[qualify(k)] = v;
    out.files[qualify(k)] = path.basename(file);
  }
  return out;
}

function qualify(key: string): string {
  return key.includes(":") ? key : `${CONFIG_NAMESPACE}:${key}`;
}

/** The model input from a resolved config map; every key is checked, so a misspelt one is reported. */
export function meshInput(config: ConfigMap, stack: string, sources?: MeshInput["sources"]): MeshInput {
  return {
    topology: config[`${CONFIG_NAMESPACE}:topology`] as Topology,
    environment: config[`${CONFIG_NAMESPACE}:environment`] as Environment | undefined,
    region: config["aws:region"] as string | undefined,
    stack,
    configKeys: Object.keys(config),
    sources,
  };
}

/** A stack name from a --config file name: Pulumi.prod.yaml -> prod, canary.yaml -> canary. */
export function stackNameOf(file: string): string {
  const base = path.basename(file).replace(/\.ya?ml$/, "");
  return (/^Pulumi\.(.+)$/.exec(base)?.[1] ?? base).toLowerCase().replace(/[^a-z0-9-]/g, "-");
}
