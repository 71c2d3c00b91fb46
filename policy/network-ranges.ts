/**
 * Security group rules judged by the ranges they admit, whichever of the three ways they are
 * written: aws.vpc rules, the legacy aws.ec2.SecurityGroupRule, or a group's inline lists.
 */
import type { PolicyResource } from "@pulumi/policy";
import { covers, publicReach } from "./cidr";
import { EGRESS, INGRESS, LB, list, MeshPolicy, resourcePolicy, stackPolicy } from "./helpers";

const LEGACY = "aws:ec2/securityGroupRule:SecurityGroupRule";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const WORLD = ["0.0.0.0/0", "::/0"];

interface Rule { r: PolicyResource; group: unknown; ingress: boolean; protocol: string; from?: number; to?: number; cidrs: string[] }

/** Every rule of the stack in one shape. */
export function rules(all: PolicyResource[]): Rule[] {
  const out: Rule[] = [];
  for (const r of all) {
    const p = r.props;
    if (r.type === INGRESS || r.type === EGRESS)
      out.push({ r, group: p.securityGroupId, ingress: r.type === INGRESS, protocol: String(p.ipProtocol), from: p.fromPort, to: p.toPort, cidrs: [p.cidrIpv4, p.cidrIpv6].filter(Boolean) });
    else if (r.type === LEGACY)
      out.push({ r, group: p.securityGroupId, ingress: p.type === "ingress", protocol: String(p.protocol), from: p.fromPort, to: p.toPort, cidrs: [...list<string>(p.cidrBlocks), ...list<string>(p.ipv6CidrBlocks)] });
    else if (r.type === SG)
      for (const [key, ingress] of [["ingress", true], ["egress", false]] as const)
        for (const x of list<any>(p[key]))
          out.push({ r, group: r, ingress, protocol: String(x.protocol), from: x.fromPort, to: x.toPort, cidrs: [...list<string>(x.cidrBlocks), ...list<string>(x.ipv6CidrBlocks)] });
  }
  return out;
}

const allProtocols = (x: Rule) => ["-1", "all"].includes(x.protocol.toLowerCase());
const everyPort = (x: Rule) => allProtocols(x) || (x.from === 0 && x.to === 65535);
const where = (x: Rule) => (allProtocols(x) ? "every port (protocol -1)" : `${x.protocol} ${x.from}-${x.to}`);
/** The public load balancers' listener ports on their own groups: the one place the internet may enter. */
function entryPoint(all: PolicyResource[]) {
  const groups = new Set(all.filter((r) => r.type === LB && r.props.internal !== true).flatMap((l) => list<string>(l.props.securityGroups)));
  const ports = new Set(all.filter((r) => r.type === "aws:lb/listener:Listener").map((l) => l.props.port));
  return (x: Rule) => !allProtocols(x) && typeof x.group === "string" && groups.has(x.group) && x.from === x.to && ports.has(x.from);
}

export const networkRangePolicies: MeshPolicy[] = [
  stackPolicy({ name: "sg-no-split-world-ingress", upstream: "CKV_AWS_260; CKV_AWS_24 in spirit (ranges that add up to the internet)", enforcementLevel: "mandatory", checks: "no security group admits a huge part of the internet through several ranges (0.0.0.0/1 + 128.0.0.0/1, a public /8, an IPv6 /32), IPv4 and IPv6 alike" },
    (all, report) => {
      const entry = entryPoint(all);
      const byGroup = new Map<unknown, Rule[]>();
      for (const x of rules(all).filter((x) => x.ingress && !entry(x) && x.cidrs.some((c) => !WORLD.includes(c))))
        byGroup.set(x.group, [...(byGroup.get(x.group) ?? []), x]);
      for (const group of byGroup.values()) {
        const reach = publicReach(group.flatMap((x) => x.cidrs.filter((c) => !WORLD.includes(c))));
        if (!reach.huge) continue;
        const what = [reach.percentV4 > 0 ? `${reach.percentV4}% of the IPv4 internet` : "", reach.v6Prefix !== undefined ? `as much IPv6 as a /${reach.v6Prefix}` : ""].filter(Boolean).join(" and ");
        for (const x of group) report(`admits ${x.cidrs.join(", ")} on ${where(x)}; with the group's other ranges that is ${what}; admit a security group or the VPC range instead`, x.r.urn);
      }
    }),
  resourcePolicy({ name: "sg-no-legacy-rules", upstream: "Pulumi AWS provider docs (aws.ec2.SecurityGroupRule and inline rules superseded by aws.vpc rules)", enforcementLevel: "mandatory", checks: "security group rules are aws.vpc.SecurityGroupIngressRule/EgressRule resources, not aws.ec2.SecurityGroupRule or inline ingress/egress" },
    [LEGACY, SG], (p, v, name) => {
      if (p.type !== undefined && p.securityGroupId !== undefined) v(`${p.type} rule ${name} uses aws.ec2.SecurityGroupRule; write it as aws.vpc.Security${p.type === "ingress" ? "GroupIngress" : "GroupEgress"}Rule (one rule, one range) so it is reviewed like the others`);
      for (const k of ["ingress", "egress"]) if (list(p[k]).length) v(`inline ${k} rules; write each as an aws.vpc.Security${k === "ingress" ? "GroupIngress" : "GroupEgress"}Rule so it is reviewed like the others`);
    }),
  stackPolicy({ name: "sg-no-vpc-wide-all-ports", upstream: "CKV_AWS_277 in spirit; AWS security group best practices (least privilege)", enforcementLevel: "mandatory", checks: "no security group admits the whole VPC range on every port" },
    (all, report) => {
      const vpcs = all.filter((r) => r.type === "awsx:ec2:Vpc" || r.type === "aws:ec2/vpc:Vpc").map((r) => r.props.cidrBlock).filter((c): c is string => typeof c === "string");
      for (const x of rules(all).filter((x) => x.ingress && everyPort(x)))
        for (const c of x.cidrs) if (vpcs.some((vpc) => covers(c, vpc)))
          report(`admits ${c} (the whole VPC) on ${where(x)}; admit the callers' security groups on the listener ports`, x.r.urn);
    }),
  stackPolicy({ name: "sg-no-world-all-protocol-egress", upstream: "Trivy AWS-0104; CKV_AWS_382", enforcementLevel: "mandatory", checks: "no security group sends every protocol and port (-1) to the internet" },
    (all, report) => {
      for (const x of rules(all).filter((x) => !x.ingress && everyPort(x)))
        if (x.cidrs.some((c) => WORLD.includes(c)) || publicReach(x.cidrs).huge) report(`egress on ${where(x)} to ${x.cidrs.join(", ")}; allow HTTPS (443) to the AWS APIs and the backends' ports only`, x.r.urn);
    }),
];
