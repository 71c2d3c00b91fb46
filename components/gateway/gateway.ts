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
  vpcId: pulumi.Input<string>;
  vpcCidr: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string[]>;
  privateSubnetIds: pulumi.Input<string[]>;
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
    const base = this.foundation({ task: g.task, sidecar: proxy, vpcId: args.vpcId, images: proxy.images, description: `gateway ${g.name}` });

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
      healthCheck: {
        protocol: "TCP", port: "traffic-port", interval: n.healthCheck.interval,
        healthyThreshold: n.healthCheck.healthyThreshold, unhealthyThreshold: n.healthCheck.unhealthyThreshold,
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
    }, { dependsOn: [listener] });

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
}
