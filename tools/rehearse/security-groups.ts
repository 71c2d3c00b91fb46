/**
 * The plan's security groups as packet filters in each namespace, so that a task reaches only
 * what its groups allow, and is reached only by what they admit.
 *
 * A security group filters at the task's network interface, before anything in the task sees a
 * packet, so the rules sit in the mangle table: ingress in PREROUTING (before ECS's interception
 * redirects an application port to Envoy's), egress in POSTROUTING (after it, on the way out).
 * Both are stateful, as security groups are: replies of an admitted connection pass. A group
 * named as the source or destination of a rule stands for the addresses of every host in that
 * group at the time; the rules are rewritten when a task joins. What is not admitted is dropped
 * without an answer, as a security group does: the caller waits for its connect timeout.
 *
 * Not filtered, as in a VPC: DNS to the VPC's resolver (here the fabric's DNS server) and the
 * loopback interface. A CIDR inside the plan's VPC stands for the fabric's subnet.
 */
import type { Plan } from "../plan-core";
import type { Host } from "./fabric";
import { run } from "./sys";

export interface GroupRule {
  direction: "ingress" | "egress";
  /** tcp, udp, or "-1" (every protocol). */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  /** The peer: a CIDR, or another group (its resource name). */
  cidr?: string;
  group?: string;
  /** The rule's resource name, for reading a rehearsal's filters. */
  name: string;
}

/** `{unknown:mesh-blue-sg.id}` → `mesh-blue-sg`. */
const refName = (s: unknown) => /\{unknown:([^}.]+)\.id\}/.exec(String(s))?.[1];

/** Every security group of the plan with its rules (the standalone rule resources and inline ones). */
export function plannedGroups(plan: Plan): Map<string, GroupRule[]> {
  const groups = new Map<string, GroupRule[]>();
  for (const r of plan.resources.filter((x) => x.type === "aws:ec2/securityGroup:SecurityGroup")) {
    const i = r.inputs as { ingress?: Record<string, unknown>[]; egress?: Record<string, unknown>[] };
    const inline = (list: Record<string, unknown>[] | undefined, direction: GroupRule["direction"]) => (list ?? []).flatMap((x, k) => {
      const base = { direction, protocol: String(x.protocol), fromPort: x.fromPort as number, toPort: x.toPort as number, name: `${r.name}.${direction}[${k}]` };
      const cidrs = (x.cidrBlocks as string[] | undefined) ?? [];
      const refs = ((x.securityGroups as string[] | undefined) ?? []).map(refName).filter((g): g is string => !!g);
      return [...cidrs.map((cidr) => ({ ...base, cidr })), ...refs.map((group) => ({ ...base, group })), ...(x.self ? [{ ...base, group: r.name }] : [])];
    });
    groups.set(r.name, [...inline(i.ingress, "ingress"), ...inline(i.egress, "egress")]);
  }
  const kinds: Record<string, GroupRule["direction"]> = {
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "ingress",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "egress",
  };
  for (const r of plan.resources) {
    const direction = kinds[r.type] ?? (r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" ? (r.inputs.type as GroupRule["direction"]) : undefined);
    if (!direction) continue;
    const i = r.inputs as Record<string, unknown>;
    const owner = refName(i.securityGroupId);
    if (!owner) continue;
    const rule: GroupRule = {
      direction, name: r.name, protocol: String(i.ipProtocol ?? i.protocol),
      fromPort: i.fromPort as number | undefined, toPort: i.toPort as number | undefined,
      cidr: (i.cidrIpv4 ?? (i.cidrBlocks as string[] | undefined)?.[0]) as string | undefined,
      group: refName(i.referencedSecurityGroupId ?? i.sourceSecurityGroupId),
    };
    groups.set(owner, [...(groups.get(owner) ?? []), rule]);
  }
  return groups;
}

/** The groups each ECS service's tasks are in, by service key (`blue`, `gateway`), and the NLB's. */
export function groupsOf(plan: Plan): { services: Map<string, string[]>; nlb: string[] } {
  const services = new Map<string, string[]>();
  for (const svc of plan.resources.filter((r) => r.type === "aws:ecs/service:Service")) {
    const net = (svc.inputs as { networkConfiguration?: { securityGroups?: string[] } }).networkConfiguration;
    services.set(svc.parent!.name.replace(/^mesh-/, ""), (net?.securityGroups ?? []).map(refName).filter((g): g is string => !!g));
  }
  const nlb = plan.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
  return { services, nlb: ((nlb?.inputs.securityGroups as string[] | undefined) ?? []).map(refName).filter((g): g is string => !!g) };
}

export interface FilterContext {
  /** Addresses of the hosts in each group. */
  members: (group: string) => string[];
  /** The VPC's CIDR in the plan, and the fabric subnet that stands for it. */
  vpcCidr?: string;
  subnetCidr: string;
  /** The DNS server's address (never filtered). */
  dnsIp: string;
}

const IN = "FM_SG_IN", OUT = "FM_SG_OUT";

/** Whether CIDR `inner` lies within `outer` (IPv4). */
function within(inner: string, outer: string): boolean {
  const parse = (c: string) => { const [a, bits] = c.split("/"); return { n: a.split(".").reduce((x, o) => x * 256 + Number(o), 0), bits: Number(bits ?? 32) }; };
  const i = parse(inner), o = parse(outer);
  const mask = o.bits === 0 ? 0 : (~0 << (32 - o.bits)) >>> 0;
  return i.bits >= o.bits && ((i.n & mask) >>> 0) === ((o.n & mask) >>> 0);
}

/**
 * The iptables-restore input (mangle table, `--noflush`) that makes a host's filters what its
 * groups say: the two chains are declared, which empties them, then filled. Pure.
 */
export function filterScript(hostGroups: string[], groups: Map<string, GroupRule[]>, ctx: FilterContext): string {
  const lines = ["*mangle", `:${IN} - [0:0]`, `:${OUT} - [0:0]`];
  for (const chain of [IN, OUT]) lines.push(`-A ${chain} -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN`);
  lines.push(`-A ${OUT} -d ${ctx.dnsIp} -p udp --dport 53 -j RETURN`, `-A ${OUT} -d ${ctx.dnsIp} -p tcp --dport 53 -j RETURN`);
  const rules = hostGroups.flatMap((g) => groups.get(g) ?? []);
  for (const rule of rules) {
    const chain = rule.direction === "ingress" ? IN : OUT;
    const peer = rule.direction === "ingress" ? "-s" : "-d";
    const proto = rule.protocol === "-1" || rule.protocol === "all" ? [] : ["-p", rule.protocol];
    const ports = proto.length && rule.fromPort !== undefined && rule.fromPort >= 0
      ? ["--dport", rule.toPort !== undefined && rule.toPort !== rule.fromPort ? `${rule.fromPort}:${rule.toPort}` : String(rule.fromPort)] : [];
    const peers = rule.group ? ctx.members(rule.group)
      : rule.cidr === "0.0.0.0/0" ? ["0.0.0.0/0"]
      : rule.cidr && ctx.vpcCidr && within(rule.cidr, ctx.vpcCidr) ? [ctx.subnetCidr]
      : rule.cidr ? [rule.cidr] : [];
    const comment = ["-m", "comment", "--comment", JSON.stringify(rule.name)];
    for (const p of peers) lines.push([`-A ${chain}`, peer, p, ...proto, ...ports, ...comment, "-j RETURN"].join(" "));
  }
  for (const chain of [IN, OUT]) lines.push(`-A ${chain} -j DROP`);
  lines.push("COMMIT", "");
  return lines.join("\n");
}

/** The jumps into the two chains, installed once per host: only the task's interface is filtered. */
const HOOKS = ["*mangle", `:${IN} - [0:0]`, `:${OUT} - [0:0]`, `-A PREROUTING -i eth0 -j ${IN}`, `-A POSTROUTING -o eth0 -j ${OUT}`, "COMMIT", ""].join("\n");

/** The filters of a rehearsal's hosts, rewritten whenever a host joins a group. */
export class SecurityGroups {
  readonly groups: Map<string, GroupRule[]>;
  private readonly hosts = new Map<string, { host: Host; groups: string[] }>();

  constructor(plan: Plan, private readonly ctx: Omit<FilterContext, "members">) {
    this.groups = plannedGroups(plan);
  }

  /** Puts `host` in `groups` and rewrites every host's filters (a group's members changed). */
  attach(host: Host, groups: string[]): void {
    run("ip", ["netns", "exec", host.ns, "iptables-restore", "-w", "--noflush"], HOOKS);
    this.hosts.set(host.ns, { host, groups });
    this.refresh();
  }

  private members = (group: string) => [...this.hosts.values()].filter((h) => h.groups.includes(group)).map((h) => h.host.ip);

  private refresh(): void {
    for (const { host, groups } of this.hosts.values())
      run("ip", ["netns", "exec", host.ns, "iptables-restore", "-w", "--noflush"], filterScript(groups, this.groups, { ...this.ctx, members: this.members }));
  }
}
