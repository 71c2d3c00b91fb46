import { validateMesh, MeshInput } from "../model/load";
import { ConfigIssue } from "../model/errors";
import { meshInput, stackConfig, stackFile, stackNameOf, PROJECT_DIR } from "../stacks/files";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";

export const CANARY = path.join(PROJECT_DIR, "examples", "canary.yaml");
export const MTLS = path.join(PROJECT_DIR, "examples", "mtls.yaml");

/**
 * The tests' own project (test/fixtures/colors): the colour application with its dev, staging
 * and prod stacks, frozen. Tests of the library read it, never the project's stacks/, which are
 * the user's to edit (test/stacks/ checks those for properties only).
 */
export const FIXTURE = path.join(__dirname, "fixtures", "colors");

/** The model input of a fixture stack (dev, staging, prod) or of a stack-format file. */
export function input(stackOrFile: string): MeshInput {
  const file = stackOrFile.endsWith(".yaml") ? stackOrFile : stackFile(stackOrFile, FIXTURE);
  return meshInput(stackConfig(file, FIXTURE), stackNameOf(file), { environment: path.basename(file) });
}

/**
 * A fixture stack as one self-contained stack-format file (its topology and its environment) in
 * `dir`, for the command-line tools, which merge a --config file with the project's Pulumi.yaml:
 * the file's own topology replaces the project's.
 */
export function fixtureFile(stack: string, dir: string): string {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, stringify({ config: stackConfig(stackFile(stack, FIXTURE), FIXTURE) }));
  return file;
}

/** GIVEN a fixture stack, WHEN `change` edits a deep copy of its merged description. */
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
