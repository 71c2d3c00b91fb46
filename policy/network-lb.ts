/** The internet-facing edge: one public load balancer, the gateway's, reaching only the gateway. */
import type { PolicyResource } from "@pulumi/policy";
import { ECS_SERVICE, LB, list, MeshPolicy, refersTo, stackPolicy } from "./helpers";
import { rules } from "./network-ranges";

const LISTENER = "aws:lb/listener:Listener";
const TG = "aws:lb/targetGroup:TargetGroup";

/** What a load balancer forwards to: the ECS services behind its listeners' target groups, with their groups and ports. */
function backends(all: PolicyResource[], lb: PolicyResource) {
  const tgArns = all.filter((l) => l.type === LISTENER && refersTo(l.props.loadBalancerArn, lb))
    .flatMap((l) => list<any>(l.props.defaultActions)).flatMap((a) => [a.targetGroupArn, ...list<any>(a.forward?.targetGroups).map((t) => t.arn)]).filter(Boolean);
  const services = all.filter((s) => s.type === ECS_SERVICE).flatMap((s) => list<any>(s.props.loadBalancers).filter((b) => tgArns.includes(b.targetGroupArn)).map((b) => ({ s, port: b.containerPort })));
  return { tgArns, services };
}
/** The mesh gateway's service: the one the gateway component made (its tag), behind a load balancer. */
const isGateway = (s: PolicyResource) => s.props.tags?.["fargate-mesh:component"] === "MeshGateway";

export const networkLbPolicies: MeshPolicy[] = [
  stackPolicy({ name: "lb-single-internet-facing", upstream: "fargate-mesh (constraints: one entry point, the gateway)", enforcementLevel: "mandatory", checks: "the only internet-facing load balancer (ALB or NLB) is the gateway's, and it forwards to the gateway alone" },
    (all, report) => {
      const pub = all.filter((r) => (r.type === LB || r.type === "aws:alb/loadBalancer:LoadBalancer") && r.props.internal !== true);
      const gatewayOnly = (lb: PolicyResource) => { const b = backends(all, lb); return b.services.length > 0 && b.services.every((x) => isGateway(x.s)); };
      // In a real preview a listener's load balancer ARN may be unknown: such a balancer is the
      // gateway's if none is shown to be, rather than guessed to be a second one.
      const keep = pub.find(gatewayOnly) ?? pub.find((lb) => lb.props.tags?.["fargate-mesh:component"] === "MeshGateway")
        ?? pub.find((lb) => backends(all, lb).services.length === 0);
      for (const lb of pub) if (lb !== keep)
        report(`a second internet-facing ${lb.props.loadBalancerType ?? "application"} load balancer bypasses the gateway${backends(all, lb).services.length ? ` to ${backends(all, lb).services.map((x) => x.s.name).join(", ")}` : ""}; set internal: true or route through the gateway's routes`, lb.urn);
    }),
  stackPolicy({ name: "mesh-nlb-only-gateway-port", upstream: "fargate-mesh (constraints: NLB in front of the gateway)", enforcementLevel: "mandatory", checks: "the NLB's security group reaches only the gateway tasks' group, on the gateway port and its health-check port" },
    (all, report) => {
      const targetPorts = new Set(all.filter((r) => r.type === TG).map((t) => t.props.port));
      // The port a target group's health check asks when it names one (the gateway's readiness listener).
      const healthPorts = new Set(all.filter((r) => r.type === TG && /^\d+$/.test(String(r.props.healthCheck?.port))).map((t) => Number(t.props.healthCheck.port)));
      for (const lb of all.filter((r) => r.type === LB)) {
        const groups = list<string>(lb.props.securityGroups);
        if (!groups.length) { report("give the load balancer a security group so its reach can be limited", lb.urn); continue; }
        // The groups and ports of the tasks behind it, when the plan shows them; else any target group's port.
        const behind = backends(all, lb).services;
        const okGroup = (g: unknown) => !behind.length || behind.some((x) => list(x.s.props.networkConfiguration?.securityGroups).includes(g));
        const okPort = (p: unknown) => healthPorts.has(p as number) || (behind.length ? behind.some((x) => x.port === p) : targetPorts.has(p));
        const lbGroup = (g: unknown) => groups.includes(g as string) || all.some((sg) => sg === g && groups.some((x) => refersTo(x, sg)));
        for (const x of rules(all).filter((x) => !x.ingress && lbGroup(x.group))) {
          const ref = x.r.props.referencedSecurityGroupId ?? list(x.r.props.sourceSecurityGroupId)[0];
          if (!ref) report(`NLB egress to ${x.cidrs.join(", ") || "a CIDR"}; allow only the gateway tasks' security group`, x.r.urn);
          else if (!okGroup(ref)) report(`NLB egress to ${ref}, which is not the gateway tasks' security group; allow only that group`, x.r.urn);
          else if (x.from !== x.to || !okPort(x.from)) report(`NLB egress on ${["-1", "all"].includes(x.protocol) ? "every port (protocol -1)" : `${x.from}-${x.to}`}; allow only the gateway port`, x.r.urn);
        }
      }
    }),
];
