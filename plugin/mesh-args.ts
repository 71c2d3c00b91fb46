import type { MeshEnvironment, MeshTopology } from "./description";

/**
 * What a Mesh is built from: the description as a stack file holds it. Every input is plain (no
 * Output): the description decides which resources exist, so it must be known when the program
 * runs, as a stack file's config is.
 */
export interface MeshArgs {
  /** The shared topology, as `fargate-mesh:topology` of a stack file holds it. */
  topology: MeshTopology;
  /** This environment's overrides, as `fargate-mesh:environment` holds them. */
  environment?: MeshEnvironment;
  /**
   * Config paths of topology keys this environment removes (services.yellow,
   * routers.colors.routes.color-route.targets.yellow): what a null in a stack file's environment
   * does, for the SDKs that drop nulls (Python, Go, .NET).
   */
  remove?: string[];
  /** The AWS region; the Envoy image and endpoints depend on it. Default: the stack's aws:region. */
  region?: string;
  /** The environment's name; it suffixes the mesh name (colors-dev). Default: the stack's name. */
  stack?: string;
  /** File names the error messages name as the source of a wrong value. */
  sources?: MeshSources;
}

export interface MeshSources {
  /** Where the topology was written, such as Pulumi.yaml. */
  topology?: string;
  /** Where the environment was written, such as Pulumi.dev.yaml. */
  environment?: string;
}
