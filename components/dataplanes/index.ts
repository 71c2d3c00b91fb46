/**
 * The one place that picks the data plane. Each data plane turns the same model into the
 * sidecar of every meshed service and the gateway's proxy; App Mesh also needs its mesh
 * resources. A new data plane is one more case here and one more folder beside these.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigIssue } from "../../model/errors";
import type { MeshModel, VirtualNodeModel } from "../../model/types";
import type { Tags } from "../base";
import { appContainer, LogTarget, xrayContainer } from "../service/containers";
import type { Sidecar } from "../service/sidecar";
import { AppMesh } from "./appmesh/app-mesh";
import { appMeshGateway, appMeshSidecar, envoyContainer as appMeshEnvoy } from "./appmesh/sidecar";
import { envoyGateway, envoySidecar } from "./envoy/sidecar";

export interface DataPlaneRendering {
  /** The mesh's name as the data plane knows it (App Mesh's mesh resource, or the model's). */
  meshName: pulumi.Output<string>;
  sidecar(node: VirtualNodeModel): Sidecar;
  gateway(): Sidecar;
}

const logOf = (model: MeshModel, group: string): LogTarget => ({ group, region: model.region });

export function renderDataPlane(model: MeshModel, child: (suffix: string) => string, opts: pulumi.ComponentResourceOptions, tags: Tags): DataPlaneRendering {
  switch (model.dataPlane) {
    case "appmesh": {
      const mesh = new AppMesh(child("appmesh"), { model, tags }, opts);
      return {
        meshName: mesh.meshName,
        sidecar: (node) => appMeshSidecar(node, model.envoy, mesh.nodeArns.apply((a) => a[node.key]), logOf(model, node.task.logGroupName)),
        gateway: () => appMeshGateway(model.gateway!, model.envoy, mesh.gatewayArn.apply((a) => a!), logOf(model, model.gateway!.task.logGroupName)),
      };
    }
    case "envoy":
      return {
        meshName: pulumi.output(model.mesh.name),
        sidecar: (node) => envoySidecar(model, node.key, logOf(model, node.task.logGroupName)),
        gateway: () => envoyGateway(model, logOf(model, model.gateway!.task.logGroupName)),
      };
  }
}

/**
 * ECS refuses a task definition over 64 KiB. The Envoy data plane carries each bootstrap inline,
 * so a large mesh can get there, and so can long environment values on any data plane; the rest
 * of a task definition (family, role ARNs, proxy configuration, volumes) is kept within the 2 KiB
 * allowed for it here.
 */
export const TASK_DEFINITION_LIMIT = 64 * 1024;
const TASK_DEFINITION_OVERHEAD = 2 * 1024;

/** Problems the rendering finds that validation of the description alone cannot. */
export function renderingIssues(model: MeshModel): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const size = (containers: object[]) => Buffer.byteLength(JSON.stringify(containers)) + TASK_DEFINITION_OVERHEAD;
  const tooBig = (bytes: number, what: string) =>
    `${what}'s task definition would be ${(bytes / 1024).toFixed(1)} KiB${model.dataPlane === "envoy" ? " with its Envoy bootstrap inline" : ""}; ECS accepts at most 64 KiB: split the service's backends or routes, or shorten environment values`;
  for (const node of model.nodes) {
    const log = logOf(model, node.task.logGroupName);
    // App Mesh's containers only name their node's ARN; one of the real length stands in for it.
    const arn = `arn:aws:appmesh:${model.region}:000000000000:mesh/${model.mesh.name}/virtualNode/${node.name}`;
    const sidecar = model.dataPlane === "envoy" ? envoySidecar(model, node.key, log) : undefined;
    const proxy = sidecar ? (sidecar.containers as object[]) : [appMeshEnvoy(model.envoy, arn, log), ...(model.envoy.xray ? [xrayContainer(model.envoy, log)] : [])];
    const bytes = size([...node.containers.map((c) => appContainer(c, log, sidecar?.appEnvironment)), ...proxy]);
    if (bytes > TASK_DEFINITION_LIMIT) issues.push({ path: `services.${node.key}`, message: tooBig(bytes, `service ${node.key}`) });
  }
  if (model.gateway && model.dataPlane === "envoy") {
    const bytes = size(envoyGateway(model, logOf(model, model.gateway.task.logGroupName)).containers as object[]);
    if (bytes > TASK_DEFINITION_LIMIT) issues.push({ path: "gateway", message: tooBig(bytes, "the gateway") });
  }
  return issues;
}
