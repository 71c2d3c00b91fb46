/**
 * The program of every environment's stack: read the stack's config, validate it into a model
 * (all problems at once, before any resource exists), build the mesh, return the outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { FargateMesh } from "../components/fargate-mesh";
import type { Environment, Topology } from "../model/description";
import { loadMesh } from "../model/load";
import { CONFIG_NAMESPACE } from "./files";

export function program() {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const stack = pulumi.getStack();
  const model = loadMesh({
    // Pulumi parses the JSON without checking its shape; loadMesh checks it, all problems at once.
    topology: config.requireObject<Topology>("topology"),
    environment: config.getObject<Environment>("environment"),
    region: new pulumi.Config("aws").get("region"),
    stack,
    // Every key the stack sets, so a misspelt fargate-mesh key fails here as it does in the plan.
    configKeys: Object.keys(pulumi.runtime.allConfig()),
    sources: { environment: `Pulumi.${stack}.yaml` },
  });
  const mesh = new FargateMesh("mesh", { model });
  return {
    nlbDnsName: mesh.nlbDnsName,
    url: mesh.url,
    meshName: mesh.meshName,
    clusterName: mesh.clusterName,
    serviceNames: mesh.serviceNames,
  };
}
