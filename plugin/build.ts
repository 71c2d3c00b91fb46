// What Mesh does, in a file of its own so that the schema analyzer never compiles the loader and
// the components (mesh.ts requires this at construction); the annotation keeps the two in step.
import * as pulumi from "@pulumi/pulumi";
import { FargateMesh } from "../components/fargate-mesh";
import type { MeshBuilder } from "./build-type";
import { meshModelOf } from "./input";

export const builder: MeshBuilder = {
  validate: (args) => meshModelOf(args, { stack: pulumi.getStack(), region: new pulumi.Config("aws").get("region") }),
  build: (name, model, opts) => new FargateMesh(name, { model }, opts),
};
