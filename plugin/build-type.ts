import type * as pulumi from "@pulumi/pulumi";
import type { MeshModel } from "../model/types";
import type { MeshArgs } from "./mesh-args";

/** The outputs of FargateMesh that Mesh passes on. */
export interface BuiltMesh {
  url: pulumi.Output<string | undefined>;
  nlbDnsName: pulumi.Output<string | undefined>;
  meshName: pulumi.Output<string>;
  clusterName: pulumi.Output<string>;
  clusterArn: pulumi.Output<string>;
  namespaceId: pulumi.Output<string>;
  serviceNames: pulumi.Output<Record<string, string>>;
  vpcId: pulumi.Output<string>;
  publicSubnetIds: pulumi.Output<string[]>;
  privateSubnetIds: pulumi.Output<string[]>;
}

export interface MeshBuilder {
  /** The validated model, or a ConfigError listing every problem; stack and region default to the program's. */
  validate(args: MeshArgs, defaults: { stack: string; region: string | undefined }): MeshModel;
  build(name: string, model: MeshModel, opts: pulumi.ComponentResourceOptions): BuiltMesh;
}
