import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkModel } from "../model/types";
import { MeshComponent, Tags } from "./base";

export interface NetworkArgs {
  /** A new VPC (CIDR, AZ count, NAT strategy) or an existing VPC with its subnets. */
  network: NetworkModel;
  tags?: Tags;
}

/**
 * The VPC the mesh runs in: public subnets for the NLB, private subnets with NAT for the tasks,
 * DNS support and hostnames on (Cloud Map private namespaces need both).
 */
export class Network extends MeshComponent {
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("Network", name, args.tags, opts);
    const n = args.network;
    if (n.kind === "existing") {
      this.vpcId = pulumi.output(n.vpcId);
      this.vpcCidr = pulumi.output(n.vpcCidr);
      this.publicSubnetIds = pulumi.output(n.publicSubnetIds);
      this.privateSubnetIds = pulumi.output(n.privateSubnetIds);
    } else {
      const vpc = new awsx.ec2.Vpc(this.child("vpc"), {
        cidrBlock: n.cidr,
        numberOfAvailabilityZones: n.azCount,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        natGateways: { strategy: n.natGateways },
        subnetStrategy: "Auto",
        subnetSpecs: [{ type: "Public" }, { type: "Private" }],
        tags: this.tagged({}, name),
      }, this.opts());
      this.vpcId = vpc.vpcId;
      this.vpcCidr = pulumi.output(n.cidr);
      this.publicSubnetIds = vpc.publicSubnetIds;
      this.privateSubnetIds = vpc.privateSubnetIds;
    }
    this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
  }
}
