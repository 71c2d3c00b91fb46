// SDK modules one by one, not its index: see mesh.ts.
import type { Output } from "@pulumi/pulumi/output";
import type { ComponentResourceOptions } from "@pulumi/pulumi/resource";
import type { MeshModel } from "../model/types";
import type { MeshArgs } from "./mesh-args";

/** The outputs of FargateMesh that Mesh passes on. */
export interface BuiltMesh {
  url: Output<string | undefined>;
  nlbDnsName: Output<string | undefined>;
  meshName: Output<string>;
  clusterName: Output<string>;
  clusterArn: Output<string>;
  namespaceId: Output<string>;
  serviceNames: Output<Record<string, string>>;
  vpcId: Output<string>;
  publicSubnetIds: Output<string[]>;
  privateSubnetIds: Output<string[]>;
}

export interface MeshBuilder {
  /** The validated model, or a ConfigError listing every problem; stack and region default to the program's. */
  validate(args: MeshArgs): MeshModel;
  build(name: string, model: MeshModel, opts: ComponentResourceOptions): BuiltMesh;
}
