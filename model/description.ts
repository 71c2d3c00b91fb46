/**
 * The description's TypeScript types, as a program writes it: `Topology` is what
 * `fargate-mesh:topology` holds, `Environment` what `fargate-mesh:environment` holds. Both are
 * derived from the zod schema (schema/topology.ts), so they cannot drift from what loadMesh
 * accepts; they are its input types (before defaults), not the validated model (types.ts).
 */
import type { z } from "zod";
import type { topology } from "./schema/topology";

/** The shared topology (`fargate-mesh:topology`): every environment's mesh. */
export type Topology = z.input<typeof topology>;

/**
 * One environment's overrides of a description (merge.ts): every map key is optional and may be
 * `null` to remove it; lists and plain values replace the topology's whole.
 */
export type Overrides<T> =
  T extends readonly unknown[] ? T
  : T extends object ? { [K in keyof T]?: Overrides<T[K]> | null }
  : T;

/** An environment's overrides (`fargate-mesh:environment`): weights, images, counts, sizes. */
export type Environment = Overrides<Topology>;
