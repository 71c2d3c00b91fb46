import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { TaskModel } from "../../model/types";
import { MeshComponent } from "../base";
import { ecsTasksTrust, executionPolicy, secretsPolicy } from "./iam";
import { portName } from "./containers";
import { execSessionLoggingPolicy } from "./ecs-exec";
import type { Sidecar } from "./sidecar";
import { retentionTag } from "../../model/log-retention";

/** Days of logs kept; CloudWatch's default is forever, which nobody budgets for. */
export const LOG_RETENTION_DAYS = 30;

export interface TaskFoundation {
  logGroup: aws.cloudwatch.LogGroup;
  executionRole: aws.iam.Role;
  taskRole: aws.iam.Role;
  securityGroup: aws.ec2.SecurityGroup;
}

/**
 * What every Envoy-carrying Fargate service needs, shared by meshed services and the gateway:
 * a log group with retention, separate execution and task roles (CKV_AWS_249), a task role with
 * exactly what the data plane's sidecar needs (nothing at all, if it needs nothing), and a
 * security group without rules (the mesh adds exactly the edges its backends imply).
 */
export abstract class FargateTaskComponent extends MeshComponent {
  protected foundation(args: {
    task: TaskModel; sidecar: Sidecar; vpcId: pulumi.Input<string>;
    /** Every image the task runs: the execution role may pull from exactly their ECR repositories. */
    images: string[];
    secretArns?: string[]; secretsKmsKeyArn?: string; description: string;
    /** HTTPS to 0.0.0.0/0 (through the NAT). @default true; false where VPC endpoints serve every AWS call and image pull */
    worldHttps?: boolean;
    /** Days the task's log group keeps its logs. @default LOG_RETENTION_DAYS */
    logRetentionDays?: number;
    /** The customer KMS key that encrypts the log group. @default none: CloudWatch Logs' own encryption */
    logsKmsKeyArn?: pulumi.Input<string>;
    /** The log group the cluster sends ECS Exec sessions to: with `task.ecsExec`, the task role may write there. @default none */
    execLogGroupArn?: pulumi.Input<string>;
  }): TaskFoundation {
    const t = args.task;
    const retention = args.logRetentionDays ?? LOG_RETENTION_DAYS;
    const logGroup = new aws.cloudwatch.LogGroup(this.child("logs"), {
      name: t.logGroupName, retentionInDays: retention, kmsKeyId: args.logsKmsKeyArn, tags: this.tagged(retentionTag(retention), t.displayName),
    }, this.opts());
    // Physical names come from the model (names.ts), never from the Pulumi name, so a consumer's
    // longer component name cannot push them past AWS's limits.
    const trust = this.roleScope().apply((scope) => JSON.stringify(ecsTasksTrust(scope)));
    const executionRole = new aws.iam.Role(this.child("execution-role"), {
      namePrefix: t.executionRoleNamePrefix,
      assumeRolePolicy: trust,
      description: `Pulls images and writes logs for ${args.description}`,
      tags: this.tagged(),
    }, this.opts());
    new aws.iam.RolePolicy(this.child("execution-policy"), {
      name: "pull-images-write-logs", role: executionRole.name,
      policy: logGroup.arn.apply((arn) => JSON.stringify(executionPolicy(args.images, arn))),
    }, this.opts());
    // The applications' secrets and the proxy's (TLS certificates, keys and CAs).
    const secrets = secretsPolicy([...(args.secretArns ?? []), ...(args.sidecar.secretArns ?? [])], args.secretsKmsKeyArn);
    if (secrets) new aws.iam.RolePolicy(this.child("execution-secrets"), { name: "read-secrets", role: executionRole.name, policy: JSON.stringify(secrets) }, this.opts());

    const taskRole = new aws.iam.Role(this.child("task-role"), {
      namePrefix: t.taskRoleNamePrefix,
      assumeRolePolicy: trust,
      description: args.sidecar.roleDescription,
      tags: this.tagged(),
    }, this.opts());
    if (args.sidecar.taskPolicy)
      new aws.iam.RolePolicy(this.child("task-policy"), { name: "task", role: taskRole.name, policy: args.sidecar.taskPolicy }, this.opts());
    // ECS Exec sessions are logged as the task role: without this, the cluster's logging fails them.
    if (t.ecsExec && args.execLogGroupArn)
      new aws.iam.RolePolicy(this.child("exec-session-logs"), {
        name: "write-exec-session-logs", role: taskRole.name, policy: pulumi.output(args.execLogGroupArn).apply((arn) => JSON.stringify(execSessionLoggingPolicy(arn))),
      }, this.opts());

    const securityGroup = new aws.ec2.SecurityGroup(this.child("sg"), {
      namePrefix: t.securityGroupNamePrefix,
      vpcId: args.vpcId,
      description: `Tasks of ${args.description}; rules are added per allowed caller`,
      revokeRulesOnDelete: true,
      tags: this.tagged({}, t.displayName),
    }, this.opts());
    // Envoy and the app reach ECR, CloudWatch, STS (and App Mesh, on that data plane) over HTTPS
    // through the NAT, unless VPC endpoints serve them all (then the endpoints add their own rules).
    if (args.worldHttps !== false) new aws.vpc.SecurityGroupEgressRule(this.child("egress-https"), {
      securityGroupId: securityGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0",
      description: "HTTPS to AWS APIs (ECR, CloudWatch Logs, X-Ray) through the NAT gateway", tags: this.tagged(),
    }, this.opts());
    return { logGroup, executionRole, taskRole, securityGroup };
  }

  /** A Fargate task definition with the foundation's roles and the sidecar's proxy settings and volumes. */
  protected taskDefinition(args: {
    task: TaskModel; base: TaskFoundation; containerDefinitions: pulumi.Input<string>; sidecar: Sidecar;
    /** Task volumes beyond the sidecar's (ECS Exec's agent paths). @default none */
    volumes?: { name: string }[];
  }): aws.ecs.TaskDefinition {
    const volumes = [...(args.sidecar.volumes ?? []), ...(args.volumes ?? [])];
    return new aws.ecs.TaskDefinition(this.child("task"), {
      family: args.task.family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(args.task.cpu),
      memory: String(args.task.memory),
      executionRoleArn: args.base.executionRole.arn,
      taskRoleArn: args.base.taskRole.arn,
      ...(args.sidecar.proxyConfiguration ? { proxyConfiguration: args.sidecar.proxyConfiguration } : {}),
      ...(volumes.length ? { volumes } : {}),
      containerDefinitions: args.containerDefinitions,
      tags: this.tagged(),
    }, this.opts({ dependsOn: [args.base.logGroup] }));
  }

  /** The ECS service: private subnets, no public IP, circuit breaker with rollback. */
  protected ecsService(args: {
    task: TaskModel; clusterArn: pulumi.Input<string>; taskDefinitionArn: pulumi.Input<string>;
    subnetIds: pulumi.Input<string[]>; securityGroupIds: pulumi.Input<string>[];
    registryArn?: pulumi.Input<string>; loadBalancers?: aws.types.input.ecs.ServiceLoadBalancer[];
    healthCheckGracePeriodSeconds?: number; latticeTargets?: Sidecar["latticeTargets"];
  }, opts?: pulumi.CustomResourceOptions): aws.ecs.Service {
    return new aws.ecs.Service(this.child("service"), {
      name: args.task.serviceName,
      cluster: args.clusterArn,
      taskDefinition: args.taskDefinitionArn,
      desiredCount: args.task.desiredCount,
      launchType: "FARGATE",
      platformVersion: "LATEST",
      networkConfiguration: { subnets: args.subnetIds, securityGroups: args.securityGroupIds, assignPublicIp: false },
      ...(args.registryArn ? { serviceRegistries: { registryArn: args.registryArn } } : {}),
      ...(args.loadBalancers ? { loadBalancers: args.loadBalancers } : {}),
      ...(args.latticeTargets?.length ? {
        vpcLatticeConfigurations: args.latticeTargets.map((t) => ({ portName: portName(t.port), targetGroupArn: t.targetGroupArn, roleArn: t.roleArn })),
      } : {}),
      ...(args.healthCheckGracePeriodSeconds ? { healthCheckGracePeriodSeconds: args.healthCheckGracePeriodSeconds } : {}),
      deploymentCircuitBreaker: { enable: true, rollback: true },
      // AWS guidance for small meshed services: never drop below desired, allow a full second set.
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      enableExecuteCommand: args.task.ecsExec,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      tags: this.tagged(),
    }, this.opts(opts));
  }
}
