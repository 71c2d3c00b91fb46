/**
 * From Mesh's arguments to the loader's input: the same validateMesh the stack files go through,
 * so a bad description fails with the same ConfigError, config paths and all. Pure.
 */
import type { Environment, Topology } from "../model/description";
import { ConfigError } from "../model/errors";
import { validateMesh, type MeshInput } from "../model/load";
import type { MeshModel } from "../model/types";
import { withRemovals } from "./remove";
import type { MeshArgs } from "./mesh-args";

/** What the args leave out, taken from the program that constructs the Mesh. */
export interface MeshDefaults {
  stack: string;
  region: string | undefined;
}

export function meshInputOf(args: MeshArgs, defaults: MeshDefaults): { input: MeshInput; removeIssues: ConfigError["issues"] } {
  const removed = withRemovals(args.environment, args.remove);
  return {
    input: {
      // The loader checks every shape: an SDK may send what its types did not mean to allow.
      topology: args.topology as unknown as Topology,
      environment: removed.environment as Environment | undefined,
      region: args.region ?? defaults.region,
      stack: args.stack ?? defaults.stack,
      sources: args.sources,
    },
    removeIssues: removed.issues,
  };
}

/** The validated model, or one ConfigError listing every problem (before anything is registered). */
export function meshModelOf(args: MeshArgs, defaults: MeshDefaults): MeshModel {
  if (typeof args !== "object" || args === null) throw new ConfigError([{ path: "", message: "Mesh needs its arguments: { topology, environment?, region? }" }]);
  const { input, removeIssues } = meshInputOf(args, defaults);
  const r = validateMesh(input);
  const issues = [...removeIssues, ...(r.ok ? [] : r.issues)];
  if (issues.length || !r.ok) throw new ConfigError(issues);
  return r.model;
}
