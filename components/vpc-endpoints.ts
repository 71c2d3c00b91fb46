import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { VpcEndpointsModel } from "../model/types";
import { MeshComponent, Tags } from "./base";

export interface VpcEndpointsArgs {
  endpoints: VpcEndpointsModel;
  region: string;
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string[]>;
  /** How many private subnets there are (known from the model before their ids are). */
  privateSubnetCount: number;
  tags?: Tags;
}

/**
 * Interface endpoints for the AWS APIs the tasks call, in the private subnets with private DNS
 * (so the SDKs' usual host names resolve to them), behind a security group that admits 443 from
 * the tasks' own groups only; and an S3 gateway endpoint on the private route tables, where ECR
 * keeps image layers. `admit` opens a task's way in, once its security group exists.
 */
export class VpcEndpoints extends MeshComponent {
  readonly securityGroupId: pulumi.Output<string>;
  private readonly s3PrefixListId: pulumi.Output<string>;

  constructor(name: string, args: VpcEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("VpcEndpoints", name, args.tags, opts);
    const sg = new aws.ec2.SecurityGroup(this.child("sg"), {
      vpcId: args.vpcId, description: "VPC endpoints: HTTPS from the mesh's tasks only", revokeRulesOnDelete: true, tags: this.tagged(),
    }, this.opts());
    for (const svc of args.endpoints.interfaces)
      new aws.ec2.VpcEndpoint(this.child(svc.replace(/\./g, "-")), {
        vpcId: args.vpcId, serviceName: `com.amazonaws.${args.region}.${svc}`, vpcEndpointType: "Interface",
        subnetIds: args.privateSubnetIds, securityGroupIds: [sg.id], privateDnsEnabled: true, tags: this.tagged(),
      }, this.opts());
    // Each private subnet's route table (awsx gives each its own; an existing VPC may share one).
    const routeTableIds = pulumi.all(Array.from({ length: args.privateSubnetCount }, (_, i) =>
      aws.ec2.getRouteTableOutput({ subnetId: pulumi.output(args.privateSubnetIds).apply((ids) => ids[i]) }, { parent: this }).routeTableId))
      .apply((ids) => [...new Set(ids)]);
    for (const svc of args.endpoints.gateways)
      new aws.ec2.VpcEndpoint(this.child(svc), {
        vpcId: args.vpcId, serviceName: `com.amazonaws.${args.region}.${svc}`, vpcEndpointType: "Gateway", routeTableIds, tags: this.tagged(),
      }, this.opts());
    this.s3PrefixListId = aws.ec2.getManagedPrefixListOutput({ name: `com.amazonaws.${args.region}.s3` }, { parent: this }).id;
    this.securityGroupId = sg.id;
    this.registerOutputs({ securityGroupId: this.securityGroupId });
  }

  /**
   * Task `key` may reach the endpoints on 443: ingress on the endpoints' group from its group, and
   * (when it has no HTTPS to the internet) its egress to them and to S3's prefix list.
   */
  admit(key: string, taskSg: pulumi.Input<string>, worldHttps: boolean): void {
    new aws.vpc.SecurityGroupIngressRule(this.child(`from-${key}`), {
      securityGroupId: this.securityGroupId, referencedSecurityGroupId: taskSg, ipProtocol: "tcp", fromPort: 443, toPort: 443,
      description: `${key} calls AWS APIs through the endpoints`, tags: this.tagged(),
    }, this.opts());
    if (worldHttps) return;
    new aws.vpc.SecurityGroupEgressRule(this.child(`${key}-to-endpoints`), {
      securityGroupId: taskSg, referencedSecurityGroupId: this.securityGroupId, ipProtocol: "tcp", fromPort: 443, toPort: 443,
      description: "AWS APIs through the VPC endpoints", tags: this.tagged(),
    }, this.opts());
    new aws.vpc.SecurityGroupEgressRule(this.child(`${key}-to-s3`), {
      securityGroupId: taskSg, prefixListId: this.s3PrefixListId, ipProtocol: "tcp", fromPort: 443, toPort: 443,
      description: "Image layers from S3 through the gateway endpoint", tags: this.tagged(),
    }, this.opts());
  }
}
