/**
 * The packet rules ECS installs in a task's network namespace for `proxyConfiguration` (type
 * APPMESH), rebuilt exactly: the ECS agent hands the properties to the aws-appmesh CNI plugin
 * (aws/amazon-vpc-cni-plugins, plugins/aws-appmesh/plugin/commands.go), which appends these
 * nat-table rules in this order. The agent adds the two metadata addresses to
 * EgressIgnoredIPs when they are missing (agent/api/appmesh/appmesh.go). IPv4 only: the agent
 * never asks the plugin for IPv6 rules. Pure: returns iptables argument lists.
 */

/** A task definition's proxyConfiguration properties, as the plan holds them. */
export type ProxyProperties = Record<string, string>;

const METADATA_IPS = ["169.254.170.2", "169.254.169.254"];
/** The plugin uses the first 15 ports of a list and drops the rest (iptables multiport's limit). */
const MULTIPORT_LIMIT = 15;

const list = (v: string | undefined) => (v ? v.split(",") : []);

/** `iptables` argument lists that set up interception, in the plugin's order. */
export function interceptionRules(p: ProxyProperties): string[][] {
  const uid = p.IgnoredUID, gid = p.IgnoredGID;
  if (!uid && !gid) throw new Error("proxyConfiguration needs IgnoredUID or IgnoredGID (the CNI plugin refuses the task)");
  if (!p.ProxyEgressPort) throw new Error("proxyConfiguration needs ProxyEgressPort (the CNI plugin refuses the task)");
  const appPorts = list(p.AppPorts).slice(0, MULTIPORT_LIMIT);
  if (Boolean(p.ProxyIngressPort) !== appPorts.length > 0) throw new Error("proxyConfiguration needs ProxyIngressPort and AppPorts together");
  const ignoredPorts = list(p.EgressIgnoredPorts).slice(0, MULTIPORT_LIMIT);
  const ips = list(p.EgressIgnoredIPs).map((s) => s.trim());
  for (const ip of METADATA_IPS) if (!ips.includes(ip)) ips.push(ip);
  const v4 = ips.filter((ip) => !ip.includes(":"));
  const nat = (...args: string[]) => ["-t", "nat", ...args];
  const rules: string[][] = [];
  if (p.ProxyIngressPort) {
    rules.push(nat("-N", "APPMESH_INGRESS"));
    rules.push(nat("-A", "APPMESH_INGRESS", "-p", "tcp", "-m", "multiport", "--dports", appPorts.join(","), "-j", "REDIRECT", "--to-port", p.ProxyIngressPort));
    rules.push(nat("-A", "PREROUTING", "-p", "tcp", "-m", "addrtype", "!", "--src-type", "LOCAL", "-j", "APPMESH_INGRESS"));
  }
  rules.push(nat("-N", "APPMESH_EGRESS"));
  if (uid) rules.push(nat("-A", "APPMESH_EGRESS", "-m", "owner", "--uid-owner", uid, "-j", "RETURN"));
  if (gid) rules.push(nat("-A", "APPMESH_EGRESS", "-m", "owner", "--gid-owner", gid, "-j", "RETURN"));
  if (ignoredPorts.length) rules.push(nat("-A", "APPMESH_EGRESS", "-p", "tcp", "-m", "multiport", "--dports", ignoredPorts.join(","), "-j", "RETURN"));
  if (v4.length) rules.push(nat("-A", "APPMESH_EGRESS", "-p", "tcp", "-d", v4.join(","), "-j", "RETURN"));
  rules.push(nat("-A", "APPMESH_EGRESS", "-p", "tcp", "-j", "REDIRECT", "--to", p.ProxyEgressPort));
  rules.push(nat("-A", "OUTPUT", "-p", "tcp", "-m", "addrtype", "!", "--dst-type", "LOCAL", "-j", "APPMESH_EGRESS"));
  return rules;
}
