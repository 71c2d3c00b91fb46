import * as pulumi from "@pulumi/pulumi";
import type { VirtualNodeModel } from "../../model/types";
import type { Tags } from "../base";
import { appContainer } from "./containers";
import { execAgentVolumes } from "./ecs-exec";
import type { Sidecar } from "./sidecar";
import { FargateTaskComponent } from "./task-base";

export interface MeshedServiceArgs {
  /** The virtual node this service realises: containers, listeners, sizes, names. */
  node: VirtualNodeModel;
  /**
   * What the data plane adds to the task: `envoySidecar(model, key, log)` (the Envoy data plane)
   * or `appMeshSidecar(node, envoy, nodeArn, log)` (App Mesh), from components/dataplanes/.
   */
  sidecar: Sidecar;
  region: string;
  clusterArn: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** Private subnets; tasks never get a public IP. */
  subnetIds: pulumi.Input<string[]>;
  /** HTTPS to the internet from the tasks. @default true (model.vpcEndpoints says where it is not needed) */
  worldHttps?: boolean;
  /** Days the task's log group keeps its logs. @default 30 */
  logRetentionDays?: number;
  /** The customer KMS key of its log group. @default none */
  logsKmsKeyArn?: pulumi.Input<string>;
  /**
   * The log group the cluster's `executeCommandConfiguration` sends ECS Exec sessions to (FargateMesh
   * makes one when a service has `ecsExec`): the task role of an exec-enabled service may write there.
   * @default none: no logging permission is added
   */
  execLogGroupArn?: pulumi.Input<string>;
  /** Cloud Map service to register tasks in. @default not registered */
  registryArn?: pulumi.Input<string>;
  tags?: Tags;
}

/** One virtual node on Fargate: application containers behind their data plane's proxy. */
export class MeshedService extends FargateTaskComponent {
  readonly serviceName: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly taskDefinitionArn: pulumi.Output<string>;
  readonly taskRoleArn: pulumi.Output<string>;

  constructor(name: string, args: MeshedServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("MeshedService", name, { ...args.node.tags, ...(args.tags ?? {}) }, opts);
    const { node, sidecar } = args;
    const secretArns = node.containers.flatMap((c) => Object.values(c.secrets));
    const base = this.foundation({
      task: node.task, sidecar, vpcId: args.vpcId, secretArns, secretsKmsKeyArn: node.secretsKmsKeyArn, description: `service ${node.key}`, worldHttps: args.worldHttps, logRetentionDays: args.logRetentionDays, logsKmsKeyArn: args.logsKmsKeyArn,
      execLogGroupArn: args.execLogGroupArn,
      images: [...node.containers.map((c) => c.image), ...sidecar.images],
    });
    const log = { group: node.task.logGroupName, region: args.region };
    const execAgent = node.task.ecsExec;
    const apps = node.containers.map((c) => appContainer(c, log, sidecar.appEnvironment, { proxy: sidecar.proxyContainer, namedPorts: !!sidecar.latticeTargets, execAgent }));

    const taskDefinition = this.taskDefinition({
      task: node.task, base, sidecar, volumes: execAgent ? node.containers.flatMap((c) => execAgentVolumes(c.name)) : [],
      containerDefinitions: pulumi.output(sidecar.containers).apply((proxy) => JSON.stringify([...apps, ...proxy])),
    });

    const service = this.ecsService({
      task: node.task, clusterArn: args.clusterArn, taskDefinitionArn: taskDefinition.arn,
      subnetIds: args.subnetIds, securityGroupIds: [base.securityGroup.id], registryArn: args.registryArn,
      latticeTargets: sidecar.latticeTargets,
      // ECS replaces tasks that fail their VPC Lattice target group's health check (the
      // application's health there, as the listener's check says), after this grace period.
      ...(sidecar.latticeTargets?.length ? { healthCheckGracePeriodSeconds: node.task.startPeriod } : {}),
    });

    this.serviceName = service.name;
    this.securityGroupId = base.securityGroup.id;
    this.taskDefinitionArn = taskDefinition.arn;
    this.taskRoleArn = base.taskRole.arn;
    this.registerOutputs({ serviceName: this.serviceName, securityGroupId: this.securityGroupId, taskDefinitionArn: this.taskDefinitionArn });
  }
}
