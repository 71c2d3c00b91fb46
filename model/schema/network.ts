import { z } from "zod";
import { bool, int } from "./common";

const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/(1[6-9]|2[0-8])$/, {
  error: "must be an IPv4 CIDR block with a prefix between /16 and /28",
});

export const network = z.strictObject({
  /** A new VPC: public subnets for the NLB, private subnets with NAT for the tasks. */
  new: z.strictObject({
    /** @default 10.0.0.0/16 */
    cidr: cidr.optional(),
    /** @default 2 */
    azCount: int({ min: 1, max: 6 }).optional(),
    /** Single (cheaper) or OnePerAz (survives a zone failure). @default Single */
    natGateways: z.enum(["Single", "OnePerAz"], {
      error: "must be Single or OnePerAz (tasks in private subnets need NAT to pull images and reach the mesh)",
    }).optional(),
  }).optional(),
  /** An existing VPC; DNS support and DNS hostnames must already be on. */
  existing: z.strictObject({
    vpcId: z.string().startsWith("vpc-", { error: "must be a VPC id (vpc-…)" }),
    vpcCidr: cidr,
    publicSubnetIds: z.array(z.string().startsWith("subnet-", { error: "must be a subnet id (subnet-…)" })).min(1).max(16),
    privateSubnetIds: z.array(z.string().startsWith("subnet-", { error: "must be a subnet id (subnet-…)" })).min(1).max(16),
  }).optional(),
  /**
   * Interface endpoints (private DNS) in the private subnets for the AWS services the tasks use
   * (ECR, CloudWatch Logs, Secrets Manager, STS, KMS, and X-Ray, SSM or App Mesh where used) and
   * an S3 gateway endpoint for ECR's image layers. A task whose images are all in this region's
   * ECR then loses its HTTPS egress to the internet; the plan says which keep it and why.
   * @default false: tasks reach AWS over HTTPS through the NAT
   */
  vpcEndpoints: bool.optional(),
}).refine((n) => !(n.new && n.existing), { error: "must set at most one of new or existing" });
export type NetworkConfig = z.infer<typeof network>;
