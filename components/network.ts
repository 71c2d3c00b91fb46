import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { flowLogNames } from "../model/names";
import type { NetworkModel } from "../model/types";
import { MeshComponent, Tags } from "./base";
import { flowLogsPolicy, flowLogsTrust } from "./network-iam";
import { retentionTag } from "../model/log-retention";

/** Flow logs are for investigations, which rarely look back further than a month. */
const FLOW_LOG_RETENTION_DAYS = 30;

export interface NetworkArgs {
  /** A new VPC (CIDR, AZ count, NAT strategy) or an existing VPC with its subnets. */
  network: NetworkModel;
  /**
   * What the console shows for the VPC (its Name tag) and the prefix of its flow-log names;
   * give it the environment so two stacks in one account read apart. @default the component name
   */
  displayName?: string;
  /** Days the VPC flow-log group keeps its logs. @default 30 */
  logRetentionDays?: number;
  /** The customer KMS key of the flow logs' group. @default none */
  logsKmsKeyArn?: pulumi.Input<string>;
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
    const display = args.displayName ?? name;
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
        tags: this.tagged({}, display),
      }, this.opts());
      this.flowLogs(vpc.vpcId, flowLogNames(display), args.logRetentionDays ?? FLOW_LOG_RETENTION_DAYS, args.logsKmsKeyArn);
      this.vpcId = vpc.vpcId;
      this.vpcCidr = pulumi.output(n.cidr);
      this.publicSubnetIds = vpc.publicSubnetIds;
      this.privateSubnetIds = vpc.privateSubnetIds;
    }
    this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
  }

  /** VPC flow logs (CKV2_AWS_11) to CloudWatch Logs, written by a role that may write only there. */
  private flowLogs(vpcId: pulumi.Output<string>, names: ReturnType<typeof flowLogNames>, retentionInDays: number, kmsKeyId?: pulumi.Input<string>): void {
    const group = new aws.cloudwatch.LogGroup(this.child("flow-logs"), { name: names.logGroup, retentionInDays, kmsKeyId, tags: this.tagged(retentionTag(retentionInDays)) }, this.opts());
    const role = new aws.iam.Role(this.child("flow-logs-role"), {
      namePrefix: names.roleNamePrefix,
      // Only this account's flow logs may assume it (confused-deputy guard).
      assumeRolePolicy: this.roleScope().apply((scope) => JSON.stringify(flowLogsTrust(scope))),
      description: "Writes this VPC's flow logs",
      tags: this.tagged(),
    }, this.opts());
    new aws.iam.RolePolicy(this.child("flow-logs-policy"), {
      name: "write-flow-logs",
      role: role.name,
      policy: group.arn.apply((arn) => JSON.stringify(flowLogsPolicy(arn))),
    }, this.opts());
    new aws.ec2.FlowLog(this.child("flow-log"), {
      vpcId, trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: group.arn, iamRoleArn: role.arn, tags: this.tagged(),
    }, this.opts());
  }
}
