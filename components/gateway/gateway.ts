import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { terminatesTls } from "../../model/tls";
import type { GatewayModel } from "../../model/types";
import type { Tags } from "../base";
import type { Sidecar } from "../service/sidecar";
import { FargateTaskComponent } from "../service/task-base";

export interface MeshGatewayArgs {
  /** Gateway listeners, routes, task size and NLB settings. */
  gateway: GatewayModel;
  /** The gateway's Envoy as its data plane renders it: `envoyGateway(...)` or `appMeshGateway(...)`. */
  proxy: Sidecar;
  clusterArn: pulumi.Input<string>;
  /** The cluster's name, for the autoscaling target's resource id (`service/<cluster>/<service>`). @default the end of clusterArn */
  clusterName?: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  vpcCidr: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string[]>;
  privateSubnetIds: pulumi.Input<string[]>;
  /** HTTPS to the internet from the gateway's tasks. @default true */
  worldHttps?: boolean;
  /** Days the task's log group keeps its logs. @default 30 */
  logRetentionDays?: number;
  /** The customer KMS key of its log group. @default none */
  logsKmsKeyArn?: pulumi.Input<string>;
  tags?: Tags;
}

/** The mesh's entry point: Envoy-only gateway tasks in private subnets behind a Network Load Balancer. */
export class MeshGateway extends FargateTaskComponent {
  readonly dnsName: pulumi.Output<string>;
  readonly url: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  readonly taskRoleArn: pulumi.Output<string>;

  constructor(name: string, args: MeshGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("MeshGateway", name, args.tags, opts);
    const { gateway: g, proxy } = args;
    const base = this.foundation({ task: g.task, sidecar: proxy, vpcId: args.vpcId, images: proxy.images, description: `gateway ${g.name}`, worldHttps: args.worldHttps, logRetentionDays: args.logRetentionDays, logsKmsKeyArn: args.logsKmsKeyArn });

    // No proxyConfiguration: the gateway's Envoy is the destination, not a sidecar.
    const taskDefinition = this.taskDefinition({
      task: g.task, base, sidecar: proxy,
      containerDefinitions: pulumi.output(proxy.containers).apply((c) => JSON.stringify(c)),
    });

    const n = g.nlb;
    const nlbSg = new aws.ec2.SecurityGroup(this.child("nlb-sg"), {
      namePrefix: n.securityGroupNamePrefix,
      vpcId: args.vpcId,
      description: `NLB of gateway ${g.name}`,
      revokeRulesOnDelete: true,
      tags: this.tagged({}, `${g.task.displayName}-nlb`),
    }, this.opts());
    new aws.vpc.SecurityGroupIngressRule(this.child("nlb-ingress"), {
      securityGroupId: nlbSg.id, ipProtocol: "tcp", fromPort: n.port, toPort: n.port,
      // An internet-facing entry point must accept the internet; an internal one only the VPC.
      ...(n.internetFacing ? { cidrIpv4: "0.0.0.0/0" } : { cidrIpv4: args.vpcCidr }),
      description: n.internetFacing ? "Clients from the internet to the mesh entry point" : "Clients inside the VPC", tags: this.tagged(),
    }, this.opts());
    new aws.vpc.SecurityGroupEgressRule(this.child("nlb-to-gateway"), {
      securityGroupId: nlbSg.id, ipProtocol: "tcp", fromPort: n.targetPort, toPort: n.targetPort,
      referencedSecurityGroupId: base.securityGroup.id, description: "NLB to the gateway listener only", tags: this.tagged(),
    }, this.opts());
    new aws.vpc.SecurityGroupIngressRule(this.child("gateway-from-nlb"), {
      securityGroupId: base.securityGroup.id, ipProtocol: "tcp", fromPort: n.targetPort, toPort: n.targetPort,
      referencedSecurityGroupId: nlbSg.id, description: "Gateway listener from the NLB only", tags: this.tagged(),
    }, this.opts());
    const hc = n.healthCheck;
    if (hc.protocol === "HTTP") {
      // The health check's port only: the admin interface stays on the task's loopback.
      new aws.vpc.SecurityGroupEgressRule(this.child("nlb-to-gateway-ready"), {
        securityGroupId: nlbSg.id, ipProtocol: "tcp", fromPort: hc.port, toPort: hc.port,
        referencedSecurityGroupId: base.securityGroup.id, description: "NLB health checks to the gateway's readiness listener", tags: this.tagged(),
      }, this.opts());
      new aws.vpc.SecurityGroupIngressRule(this.child("gateway-ready-from-nlb"), {
        securityGroupId: base.securityGroup.id, ipProtocol: "tcp", fromPort: hc.port, toPort: hc.port,
        referencedSecurityGroupId: nlbSg.id, description: "Readiness listener from the NLB's health checks only", tags: this.tagged(),
      }, this.opts());
    }

    const lb = new aws.lb.LoadBalancer(this.child("nlb"), {
      name: n.loadBalancerName,
      loadBalancerType: "network",
      internal: !n.internetFacing,
      subnets: n.internetFacing ? args.publicSubnetIds : args.privateSubnetIds,
      securityGroups: [nlbSg.id],
      enableCrossZoneLoadBalancing: n.crossZone,
      enableDeletionProtection: n.deletionProtection,
      tags: this.tagged({}, g.task.displayName),
    }, this.opts());
    const targetGroup = new aws.lb.TargetGroup(this.child("targets"), {
      name: n.targetGroupName,
      port: n.targetPort,
      protocol: "TCP",
      // Fargate tasks register by IP (awsvpc), not by instance.
      targetType: "ip",
      vpcId: args.vpcId,
      deregistrationDelay: n.deregistrationDelay,
      // HTTP: healthy only while the gateway's Envoy serves and has not begun to drain, so a
      // stopping task leaves the NLB before its listeners close. TCP (appmesh) only sees a socket.
      healthCheck: {
        interval: hc.interval, healthyThreshold: hc.healthyThreshold, unhealthyThreshold: hc.unhealthyThreshold,
        ...(hc.protocol === "HTTP" ? { protocol: "HTTP", port: String(hc.port), path: hc.path, matcher: "200" } : { protocol: "TCP", port: "traffic-port" }),
      },
      tags: this.tagged(),
    }, this.opts());
    const listener = new aws.lb.Listener(this.child("listener"), {
      loadBalancerArn: lb.arn, port: n.port, protocol: "TCP",
      defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      tags: this.tagged(),
    }, this.opts());

    const service = this.ecsService({
      task: g.task, clusterArn: args.clusterArn, taskDefinitionArn: taskDefinition.arn,
      subnetIds: args.privateSubnetIds, securityGroupIds: [base.securityGroup.id],
      loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: "envoy", containerPort: n.targetPort }],
      // Envoy must be LIVE (and, on App Mesh, hold its streamed configuration) before NLB health checks count.
      healthCheckGracePeriodSeconds: 60,
      // The autoscaler owns the count after the first deployment: `pulumi up` must not reset it.
    }, { dependsOn: [listener], ...(g.autoscaling ? { ignoreChanges: ["desiredCount"] } : {}) });
    if (g.autoscaling) this.autoscale(g.autoscaling, args.clusterName ?? pulumi.output(args.clusterArn).apply((a) => a.split("/").pop()!), service);

    this.dnsName = lb.dnsName;
    // The NLB passes TCP through, so the scheme is the gateway listener's: https where it terminates TLS.
    const scheme = terminatesTls(g.listeners.find((l) => l.port === n.targetPort)?.tls) ? "https" : "http";
    const defaultPort = scheme === "https" ? 443 : 80;
    this.url = pulumi.interpolate`${scheme}://${lb.dnsName}${n.port === defaultPort ? "" : `:${n.port}`}`;
    this.securityGroupId = base.securityGroup.id;
    this.serviceName = service.name;
    this.taskRoleArn = base.taskRole.arn;
    this.registerOutputs({ dnsName: this.dnsName, url: this.url, serviceName: this.serviceName });
  }

  /** Target tracking on the service's average CPU (Application Auto Scaling, its service-linked role). */
  private autoscale(a: NonNullable<GatewayModel["autoscaling"]>, clusterName: pulumi.Input<string>, service: aws.ecs.Service): void {
    const target = new aws.appautoscaling.Target(this.child("scaling"), {
      serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.interpolate`service/${clusterName}/${service.name}`,
      minCapacity: a.min, maxCapacity: a.max,
      tags: this.tagged(),
    }, this.opts());
    new aws.appautoscaling.Policy(this.child("scaling-cpu"), {
      name: "cpu-target-tracking",
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace, scalableDimension: target.scalableDimension, resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: a.cpuTarget, scaleOutCooldown: a.scaleOutCooldown, scaleInCooldown: a.scaleInCooldown,
      },
    }, this.opts());
  }
}
