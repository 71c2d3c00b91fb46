/** Load balancer, security group and VPC rules. */
import type { PolicyResource } from "@pulumi/policy";
import { EGRESS, INGRESS, LB, list, MeshPolicy, resourcePolicy, stackPolicy } from "./helpers";

const WORLD = ["0.0.0.0/0", "::/0"];
const isWorld = (p: any) => WORLD.includes(p.cidrIpv4) || WORLD.includes(p.cidrIpv6);
const nlb = (p: any) => p.loadBalancerType === "network";
/** ELB policies that allow TLS 1.2 and later only: the TLS13 ones, TLS-1-2 ones and the forward-secret FS-1-2 ones. */
const TLS12_PLUS = /TLS13|TLS-1-2|FS-1-2/;
/** A rule's ports, readable: protocol -1 means every port. */
const ports = (p: any) => (String(p.ipProtocol) === "-1" ? "every port (protocol -1)" : `${p.fromPort}-${p.toPort}`);

export const networkPolicies: MeshPolicy[] = [
  resourcePolicy({ name: "lb-deletion-protection", upstream: "CKV_AWS_150; elb-deletion-protection-enabled", enforcementLevel: "advisory", checks: "load balancers have deletion protection" },
    [LB], (p, v) => { if (p.enableDeletionProtection !== true) v("set enableDeletionProtection: true (gateway.nlb.deletionProtection)"); }),
  resourcePolicy({ name: "lb-cross-zone", upstream: "CKV_AWS_152", enforcementLevel: "advisory", checks: "load balancers balance across zones" },
    [LB], (p, v) => { if (nlb(p) && p.enableCrossZoneLoadBalancing !== true) v("set enableCrossZoneLoadBalancing: true (gateway.nlb.crossZone)"); }),
  resourcePolicy({ name: "lb-internet-facing", upstream: "Trivy AWS-0053", enforcementLevel: "advisory", checks: "load balancers are internal unless they are a deliberate entry point" },
    [LB], (p, v) => { if (p.internal !== true) v("the load balancer is internet-facing; keep it only for a public entry point, with a written reason"); }),
  resourcePolicy({ name: "lb-access-logs", upstream: "CKV_AWS_91; cfn-nag W52; elb-logging-enabled", enforcementLevel: "advisory", checks: "load balancers write access logs" },
    [LB], (p, v) => { if (p.accessLogs?.enabled !== true) v("enable accessLogs to an S3 bucket (an NLB logs TLS listeners only)"); }),
  resourcePolicy({ name: "lb-listener-tls", upstream: "CKV_AWS_2; CKV_AWS_103; Trivy AWS-0047", enforcementLevel: "advisory", checks: "listeners terminate TLS with a current policy" },
    ["aws:lb/listener:Listener"], (p, v) => {
      if (!["TLS", "HTTPS"].includes(p.protocol)) v(`listener ${p.port} uses ${p.protocol}; use TLS with a certificate and a current sslPolicy`);
      else if (!p.sslPolicy) v(`listener ${p.port} has no sslPolicy (the default allows TLS 1.0); set a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06`);
      else if (!TLS12_PLUS.test(p.sslPolicy)) v(`sslPolicy ${p.sslPolicy} allows TLS before 1.2; use a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06`);
    }),
  resourcePolicy({ name: "subnet-no-public-ip-on-launch", upstream: "CKV_AWS_130; Trivy AWS-0164", enforcementLevel: "advisory", checks: "subnets do not hand out public IPs (the NLB's public subnets are the expected exception)" },
    ["aws:ec2/subnet:Subnet"], (p, v) => { if (p.mapPublicIpOnLaunch === true) v("set mapPublicIpOnLaunch: false; only load balancers belong in public subnets"); }),
  resourcePolicy({ name: "sg-rule-description", upstream: "CKV_AWS_23", enforcementLevel: "mandatory", checks: "every security group and rule says what it is for" },
    [INGRESS, EGRESS, "aws:ec2/securityGroup:SecurityGroup"], (p, v) => {
      if (!p.description) v("add a description saying who may connect and why");
      for (const r of [...list<any>(p.ingress), ...list<any>(p.egress)]) if (!r.description) v(`inline rule ${r.fromPort}-${r.toPort}: add a description`);
    }),
  resourcePolicy({ name: "sg-no-world-egress", upstream: "Trivy AWS-0104; CKV_AWS_382", enforcementLevel: "advisory", checks: "egress is not open to the whole internet" },
    [EGRESS], (p, v) => { if (isWorld(p)) v(`egress ${p.fromPort}-${p.toPort} to ${p.cidrIpv4 ?? p.cidrIpv6}; VPC endpoints for ECR, CloudWatch Logs (and X-Ray or App Mesh where used) would remove the need`); }),
  stackPolicy({ name: "sg-no-world-ingress", upstream: "CKV_AWS_260; CKV_AWS_277; CKV_AWS_24; CKV_AWS_25", enforcementLevel: "mandatory", checks: "only an internet-facing NLB's security group admits the internet, and only on its listener ports" },
    (all, report) => {
      const publicLbs = all.filter((r) => r.type === LB && r.props.internal !== true);
      const lbGroups = new Set(publicLbs.flatMap((l) => list<string>(l.props.securityGroups)));
      const lbPorts = new Set(all.filter((r) => r.type === "aws:lb/listener:Listener").map((l) => l.props.port));
      for (const rule of all.filter((r) => r.type === INGRESS && isWorld(r.props))) {
        const allPorts = String(rule.props.ipProtocol) === "-1";
        if (!allPorts && lbGroups.has(rule.props.securityGroupId) && rule.props.fromPort === rule.props.toPort && lbPorts.has(rule.props.fromPort)) continue;
        report(`admits ${rule.props.cidrIpv4 ?? rule.props.cidrIpv6} on ${ports(rule.props)}; admit a security group or the VPC range instead`, rule.urn);
      }
      // Inline rules of a security group count too.
      for (const sg of all.filter((r) => r.type === "aws:ec2/securityGroup:SecurityGroup"))
        for (const rule of list<any>(sg.props.ingress))
          for (const cidr of [...list<string>(rule.cidrBlocks), ...list<string>(rule.ipv6CidrBlocks)].filter((c) => WORLD.includes(c)))
            report(`inline ingress admits ${cidr} on ${ports({ ipProtocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort })}; admit a security group or the VPC range instead`, sg.urn);
    }),
  stackPolicy({ name: "mesh-nlb-only-gateway-port", upstream: "fargate-mesh (constraints: NLB in front of the gateway)", enforcementLevel: "mandatory", checks: "the NLB's security group reaches only the gateway tasks' group, on the gateway port and its health-check port" },
    (all, report) => {
      // A target group's port, and the port its health check asks when it names one (the gateway's readiness listener).
      const targetPorts = new Set(all.filter((r) => r.type === "aws:lb/targetGroup:TargetGroup")
        .flatMap((t) => [t.props.port, ...(/^\d+$/.test(String(t.props.healthCheck?.port)) ? [Number(t.props.healthCheck.port)] : [])]));
      for (const lb of all.filter((r) => r.type === LB)) {
        const groups = list<string>(lb.props.securityGroups);
        if (!groups.length) { report("give the load balancer a security group so its reach can be limited", lb.urn); continue; }
        for (const rule of all.filter((r: PolicyResource) => r.type === EGRESS && groups.includes(r.props.securityGroupId))) {
          if (!rule.props.referencedSecurityGroupId) report(`NLB egress to ${rule.props.cidrIpv4 ?? "a CIDR"}; allow only the gateway tasks' security group`, rule.urn);
          else if (rule.props.fromPort !== rule.props.toPort || !targetPorts.has(rule.props.fromPort)) report(`NLB egress on ${rule.props.fromPort}-${rule.props.toPort}; allow only the gateway port`, rule.urn);
        }
      }
    }),
  stackPolicy({ name: "vpc-flow-logs", upstream: "CKV2_AWS_11; Trivy AWS-0178", enforcementLevel: "advisory", checks: "every VPC the stack creates has flow logs" },
    (all, report) => {
      // The VPC's id is unknown before deployment, so a flow log counts when it sits beside the VPC.
      for (const vpc of all.filter((r) => r.type === "awsx:ec2:Vpc" || r.type === "aws:ec2/vpc:Vpc"))
        if (!all.some((f) => f.type === "aws:ec2/flowLog:FlowLog" && f.parent?.urn === vpc.parent?.urn)) report("add an aws.ec2.FlowLog for this VPC", vpc.urn);
    }),
];
