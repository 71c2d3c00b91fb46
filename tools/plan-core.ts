/**
 * The offline plan: runs the real program under Pulumi's runtime mocks with one stack's config
 * and returns what it would register. No cloud account, no Pulumi CLI, no state backend.
 */
import * as pulumi from "@pulumi/pulumi";
import type { MeshModel } from "../model/types";
import { validateMesh } from "../model/load";
import { ConfigError, ConfigIssue } from "../model/errors";
import { ConfigMap, existingStackFile, listStacks, locatedStackConfig, meshInput, stackNameOf } from "../stacks/files";
import { installMocks, recordedResources, resetRecording, settle } from "./mocks";

export interface PlannedResource {
  type: string;
  name: string;
  parent: { type: string; name: string } | null;
  inputs: Record<string, unknown>;
  /** Inputs `pulumi up` does not reset once deployed (ignoreChanges), when there are any. */
  ignoreChanges?: string[];
}

export interface Plan {
  stack: string;
  model: MeshModel;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; stack: string; issues: ConfigIssue[] };

/**
 * Where a plan's config comes from: a stack in stacks/, or any file in the stack-file format.
 * `project` is the folder whose Pulumi.yaml (and stacks/) it reads; the tools' own by default.
 */
export type PlanSource = ({ stack: string } | { configFile: string }) & { project?: string };

/** The sources a command line names: every stack in stacks/, one stack, or one stack-format file. */
export function planSources(opts: { all?: boolean; stack?: string; config?: string }): PlanSource[] {
  if (opts.all) return listStacks().map((stack) => ({ stack }));
  if (opts.stack) return [{ stack: opts.stack }];
  return opts.config ? [{ configFile: opts.config }] : [];
}

export function resolveSource(src: PlanSource): { config: ConfigMap; stack: string; file: string; keyFiles: Record<string, string> } {
  const file = "stack" in src ? existingStackFile(src.stack, src.project) : src.configFile;
  const { config, files } = locatedStackConfig(file, src.project);
  return { config, stack: "stack" in src ? src.stack : stackNameOf(file), file, keyFiles: files };
}

/**
 * Plans a resolved config. The config is validated first, so invalid input registers nothing.
 * `fileLabel` names the stack file in messages; `keyFiles` the file of each config key.
 */
export function planConfig(config: ConfigMap, stack: string, fileLabel?: string, keyFiles?: Record<string, string>): Promise<PlanResult> {
  // One plan at a time: the mocks record every registration in one place, so two plans
  // awaited together (Promise.all) would each hold the other's resources.
  const next = planning.then(() => planOnce(config, stack, fileLabel, keyFiles));
  planning = next.catch(() => undefined);
  return next;
}

let planning: Promise<unknown> = Promise.resolve();

async function planOnce(config: ConfigMap, stack: string, fileLabel?: string, keyFiles?: Record<string, string>): Promise<PlanResult> {
  const checked = validateMesh(meshInput(config, stack, { environment: fileLabel, configKeys: keyFiles }));
  if (!checked.ok) return { ok: false, stack, issues: checked.issues };

  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));
  installMocks(stack);
  resetRecording(checked.model.region);
  // Loaded lazily so that tools which only validate do not pay for @pulumi/aws.
  const { program } = require("../stacks/program") as typeof import("../stacks/program");
  let outputs: ReturnType<typeof program>;
  try {
    outputs = program();
  } catch (e) {
    // What only the rendering can tell (a task definition ECS would refuse): FargateMesh says so
    // before it registers anything, as it does under `pulumi up`.
    if (e instanceof ConfigError) return { ok: false, stack, issues: e.issues };
    throw e;
  }
  const resolved = await resolveOutputs(outputs);
  await settle();
  // Registration order depends on promise timing; sort so that plans of equal input are equal.
  const resources = recordedResources().map(({ type, name, parent, inputs, ignoreChanges }) => ({ type, name, parent, inputs, ...(ignoreChanges.length ? { ignoreChanges } : {}) }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
  return { ok: true, plan: { stack, model: checked.model, resources, outputs: resolved } };
}

export async function plan(src: PlanSource): Promise<PlanResult> {
  const { config, stack, file, keyFiles } = resolveSource(src);
  return planConfig(config, stack, file.split("/").pop(), keyFiles);
}

async function resolveOutputs(outputs: Record<string, pulumi.Output<unknown>>): Promise<Record<string, unknown>> {
  const entries = await Promise.all(Object.entries(outputs).map(async ([k, o]) => [k, await new Promise((res) => o.apply((v) => { res(v); return v; }))] as const));
  return Object.fromEntries(entries);
}
