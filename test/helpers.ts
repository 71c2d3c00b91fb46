import { validateMesh, MeshInput } from "../model/load";
import { ConfigIssue } from "../model/errors";
import { meshInput, stackConfig, stackFile, stackNameOf, PROJECT_DIR } from "../stacks/files";
import * as path from "path";

export const CANARY = path.join(PROJECT_DIR, "examples", "canary.yaml");
export const MTLS = path.join(PROJECT_DIR, "examples", "mtls.yaml");

/** The model input of a reference stack (dev, staging, prod) or of a stack-format file. */
export function input(stackOrFile: string): MeshInput {
  const file = stackOrFile.endsWith(".yaml") ? stackOrFile : stackFile(stackOrFile);
  return meshInput(stackConfig(file), stackNameOf(file), { environment: path.basename(file) });
}

/** GIVEN a reference stack, WHEN `change` edits a deep copy of its merged description. */
export function withChange(stack: string, change: (topology: any, environment: any) => void): MeshInput {
  const copy = JSON.parse(JSON.stringify(input(stack)));
  change(copy.topology, copy.environment);
  return copy;
}

export function issues(i: MeshInput): ConfigIssue[] {
  const r = validateMesh(i);
  return r.ok ? [] : r.issues;
}

export function model(i: MeshInput) {
  const r = validateMesh(i);
  if (!r.ok) throw new Error(r.issues.map((x) => `${x.path}: ${x.message}`).join("\n"));
  return r.model;
}

/** The messages reported for one path. */
export function at(list: ConfigIssue[], p: string): string[] {
  return list.filter((i) => i.path === p).map((i) => i.message);
}
