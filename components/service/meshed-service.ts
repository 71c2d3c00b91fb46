import * as pulumi from "@pulumi/pulumi";
import type { EnvoyModel, VirtualNodeModel } from "../../model/types";
import type { Tags } from "../base";
import { nodeContainers, proxyConfiguration } from "./containers";
import { FargateTaskComponent } from "./task-base";

export interface MeshedServiceArgs {
  /** The virtual node this service realises: containers, listeners, sizes, names. */
  node: VirtualNodeModel;
  /** Envoy image and options shared by the mesh. */
  envoy: EnvoyModel;
  region: string;
  /** ARN of the node's virtual node; Envoy's task role may stream only this one. */
  nodeArn: pulumi.Input<string>;
  clusterArn: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** Private subnets; tasks never get a public IP. */
  subnetIds: pulumi.Input<string[]>;
  /** Cloud Map service to register tasks in. @default not registered */
  registryArn?: pulumi.Input<string>;
  tags?: Tags;
}

/** One virtual node on Fargate: application containers behind an Envoy sidecar. */
export class MeshedService extends FargateTaskComponent {
  readonly serviceName: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly taskDefinitionArn: pulumi.Output<string>;
  readonly taskRoleArn: pulumi.Output<string>;

  constructor(name: string, args: MeshedServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("MeshedService", name, { ...args.node.tags, ...(args.tags ?? {}) }, opts);
    const { node, envoy } = args;
    const secretArns = node.containers.flatMap((c) => Object.values(c.secrets));
    const base = this.foundation({ task: node.task, envoy, resourceArn: args.nodeArn, vpcId: args.vpcId, secretArns, description: `service ${node.key}` });

    const taskDefinition = this.taskDefinition({
      task: node.task, base,
      proxyConfiguration: proxyConfiguration(node, envoy),
      containerDefinitions: pulumi.output(args.nodeArn).apply((arn) =>
        JSON.stringify(nodeContainers(node, envoy, arn, { group: node.task.logGroupName, region: args.region }))),
    });

    const service = this.ecsService({
      task: node.task, clusterArn: args.clusterArn, taskDefinitionArn: taskDefinition.arn,
      subnetIds: args.subnetIds, securityGroupIds: [base.securityGroup.id], registryArn: args.registryArn,
    });

    this.serviceName = service.name;
    this.securityGroupId = base.securityGroup.id;
    this.taskDefinitionArn = taskDefinition.arn;
    this.taskRoleArn = base.taskRole.arn;
    this.registerOutputs({ serviceName: this.serviceName, securityGroupId: this.securityGroupId, taskDefinitionArn: this.taskDefinitionArn });
  }
}
