/**
 * The rehearsal's models of ECS, as pure functions: the interception rules the aws-appmesh CNI
 * plugin installs, how Docker and ECS turn health-check results into a container's health, and
 * the plan's security groups as packet filters.
 */
import { judge as judgeSplit } from "../../tools/rehearse/check";
import { GATEWAY_READY_PORT } from "../../model/task-ports";
import { strict as assert } from "assert";
import { interceptionRules } from "../../tools/rehearse/interception";
import { HealthState, healthArgv } from "../../tools/rehearse/ecs-health";
import { filterScript, groupsOf, plannedGroups } from "../../tools/rehearse/security-groups";
import { planOf } from "../components/plan-helpers";

describe("ECS's interception rules for proxyConfiguration (aws-appmesh CNI plugin)", () => {
  const base = { IgnoredUID: "1337", ProxyIngressPort: "15000", ProxyEgressPort: "15001", AppPorts: "80,8080" };

  it("redirects app ports in PREROUTING and everything else but Envoy's UID and the metadata addresses in OUTPUT, in the plugin's order", () => {
    assert.deepEqual(interceptionRules(base).map((r) => r.join(" ")), [
      "-t nat -N APPMESH_INGRESS",
      "-t nat -A APPMESH_INGRESS -p tcp -m multiport --dports 80,8080 -j REDIRECT --to-port 15000",
      "-t nat -A PREROUTING -p tcp -m addrtype ! --src-type LOCAL -j APPMESH_INGRESS",
      "-t nat -N APPMESH_EGRESS",
      "-t nat -A APPMESH_EGRESS -m owner --uid-owner 1337 -j RETURN",
      // The ECS agent adds both metadata addresses even when the task names none.
      "-t nat -A APPMESH_EGRESS -p tcp -d 169.254.170.2,169.254.169.254 -j RETURN",
      "-t nat -A APPMESH_EGRESS -p tcp -j REDIRECT --to 15001",
      "-t nat -A OUTPUT -p tcp -m addrtype ! --dst-type LOCAL -j APPMESH_EGRESS",
    ]);
  });

  it("keeps ignored ports and IPs (metadata addresses once), drops IPv6 entries, and uses only the first 15 ports", () => {
    const ports = Array.from({ length: 20 }, (_, i) => String(9000 + i)).join(",");
    const rules = interceptionRules({ ...base, AppPorts: ports, EgressIgnoredPorts: "443,22", EgressIgnoredIPs: "10.0.0.5,169.254.170.2,fd00::1", IgnoredGID: "1338" }).map((r) => r.join(" "));
    assert.ok(rules.includes(`-t nat -A APPMESH_INGRESS -p tcp -m multiport --dports ${ports.split(",").slice(0, 15).join(",")} -j REDIRECT --to-port 15000`));
    assert.ok(rules.includes("-t nat -A APPMESH_EGRESS -m owner --gid-owner 1338 -j RETURN"));
    assert.ok(rules.includes("-t nat -A APPMESH_EGRESS -p tcp -m multiport --dports 443,22 -j RETURN"));
    assert.ok(rules.includes("-t nat -A APPMESH_EGRESS -p tcp -d 10.0.0.5,169.254.170.2,169.254.169.254 -j RETURN"));
  });

  it("has no ingress chain without app ports, and refuses what the plugin refuses", () => {
    const egressOnly = interceptionRules({ IgnoredUID: "1337", ProxyEgressPort: "15001" });
    assert.ok(!egressOnly.some((r) => r.includes("APPMESH_INGRESS")));
    assert.throws(() => interceptionRules({ ProxyEgressPort: "15001" }), /IgnoredUID or IgnoredGID/);
    assert.throws(() => interceptionRules({ IgnoredUID: "1337" }), /ProxyEgressPort/);
    assert.throws(() => interceptionRules({ IgnoredUID: "1337", ProxyEgressPort: "15001", AppPorts: "80" }), /together/);
  });
});

describe("a container's health as ECS computes it (Docker's HEALTHCHECK semantics)", () => {
  const check = { command: ["CMD", "true"], interval: 5, timeout: 2, retries: 3, startPeriod: 10 };

  it("is UNKNOWN until the first success, which makes it HEALTHY at once, even inside the start period", () => {
    const h = new HealthState(check, 0);
    assert.equal(h.status, "UNKNOWN");
    assert.equal(h.record(true, 5000), "HEALTHY");
  });

  it("does not count failures inside the start period while still starting", () => {
    const h = new HealthState(check, 0);
    for (const t of [5000, 9000]) assert.equal(h.record(false, t), "UNKNOWN");
    assert.equal(h.record(false, 11000), "UNKNOWN");
    assert.equal(h.record(false, 16000), "UNKNOWN");
    assert.equal(h.record(false, 21000), "UNHEALTHY", "the third counted failure");
  });

  it("counts failures once healthy, even inside the start period, and recovers on one success", () => {
    const h = new HealthState(check, 0);
    h.record(true, 5000);
    h.record(false, 6000); h.record(false, 7000);
    assert.equal(h.status, "HEALTHY", "two of three retries");
    assert.equal(h.record(false, 8000), "UNHEALTHY");
    assert.equal(h.record(true, 13000), "HEALTHY");
    assert.deepEqual(h.transitions.map((t) => t.status), ["HEALTHY", "UNHEALTHY", "HEALTHY"]);
  });

  it("takes ECS's defaults for what the task definition leaves out, and both command forms", () => {
    const h = new HealthState({ command: ["CMD", "true"] }, 0);
    assert.deepEqual([h.interval, h.timeout], [30, 5]);
    assert.deepEqual(healthArgv(["CMD", "/bin/bash", "-c", "x"]), ["/bin/bash", "-c", "x"]);
    assert.deepEqual(healthArgv(["CMD-SHELL", "curl -f localhost"]), ["/bin/sh", "-c", "curl -f localhost"]);
    assert.throws(() => healthArgv(["NONE"]), /CMD or CMD-SHELL/);
  });
});

describe("the plan's security groups as packet filters (security-groups.ts)", () => {
  const ctx = (members: Record<string, string[]>) => ({ members: (g: string) => members[g] ?? [], vpcCidr: "10.0.0.0/16", subnetCidr: "198.18.0.0/24", dnsIp: "198.18.0.1" });

  it("reads every rule of every group of the plan, and the groups each service's tasks and the NLB are in", async () => {
    const plan = await planOf("staging");
    const groups = plannedGroups(plan);
    const rules = plan.resources.filter((r) => /securityGroup(Ingress|Egress)Rule/.test(r.type));
    assert.equal([...groups.values()].flat().length, rules.length);
    const { services, nlb } = groupsOf(plan);
    for (const node of plan.model.nodes.filter((n) => n.listeners.length)) assert.equal(services.get(node.key)?.length, 1, node.key);
    assert.equal(services.get("gateway")?.length, 1);
    assert.equal(nlb.length, 1);
    // The gateway admits the NLB's group on its listener ports and its readiness port, and nothing else.
    const admits = groups.get(services.get("gateway")![0])!.filter((r) => r.direction === "ingress");
    assert.deepEqual([...new Set(admits.map((r) => r.group))], [nlb[0]]);
    const listenerPorts = plan.model.gateway!.listeners.map((l) => l.port);
    assert.deepEqual(admits.map((r) => [r.fromPort, r.toPort]).sort(), [...listenerPorts, GATEWAY_READY_PORT].map((p) => [p, p]).sort());
  });

  it("admits a group's members on the rule's ports only, stateful, with DNS open and everything else dropped", () => {
    const groups = new Map([["a", [
      { direction: "ingress" as const, protocol: "tcp", fromPort: 80, toPort: 80, group: "b", name: "in-a-from-b" },
      { direction: "egress" as const, protocol: "tcp", fromPort: 443, toPort: 443, cidr: "0.0.0.0/0", name: "https" },
      { direction: "egress" as const, protocol: "-1", cidr: "10.0.4.0/24", name: "vpc-part" },
      { direction: "ingress" as const, protocol: "tcp", fromPort: 9000, toPort: 9100, group: "empty", name: "none" },
    ]]]);
    const lines = filterScript(["a"], groups, ctx({ b: ["198.18.0.11", "198.18.0.12"] })).split("\n");
    const body = lines.filter((l) => l.startsWith("-A"));
    assert.deepEqual(body.filter((l) => /-s 198\.18\.0\.1[12] -p tcp --dport 80 /.test(l) && l.includes("FM_SG_IN")).length, 2);
    assert.ok(body.some((l) => l.startsWith("-A FM_SG_OUT -d 0.0.0.0/0 -p tcp --dport 443 ")));
    // A CIDR inside the VPC stands for the rehearsal's subnet; every protocol means no -p.
    assert.ok(body.some((l) => l.startsWith("-A FM_SG_OUT -d 198.18.0.0/24 -m comment")));
    assert.ok(!body.some((l) => l.includes("9000")), "a group with no members admits nobody");
    for (const chain of ["FM_SG_IN", "FM_SG_OUT"]) {
      const own = body.filter((l) => l.startsWith(`-A ${chain} `));
      assert.match(own[0], /ESTABLISHED,RELATED -j RETURN$/);
      assert.equal(own[own.length - 1], `-A ${chain} -j DROP`);
    }
    assert.ok(body.some((l) => /FM_SG_OUT -d 198\.18\.0\.1 -p udp --dport 53/.test(l)));
    // Declaring the chains empties them under --noflush, so a rewrite never stacks rules.
    assert.deepEqual(lines.slice(0, 3), ["*mangle", ":FM_SG_IN - [0:0]", ":FM_SG_OUT - [0:0]"]);
  });
});

describe("judging a split (tools/rehearse/check.ts)", () => {
  const observed = (byService: Record<string, number>) => ({ byService, byTask: {}, byStatus: {}, errors: {}, total: Object.values(byService).reduce((a, b) => a + b, 0), seen: [] }) as any;
  const e = (expect: Record<string, number>) => ({ from: "gateway", request: "GET /", expect });
  it("holds a share within 4.5 standard deviations, and no further", () => {
    // 200 requests at 80/20: one standard deviation is 5.66 requests.
    assert.ok(judgeSplit(e({ green: 80, yellow: 20 }), observed({ green: 160, yellow: 40 })).ok);
    assert.ok(judgeSplit(e({ green: 80, yellow: 20 }), observed({ green: 177, yellow: 23 })).ok, "3 standard deviations off: chance, not a fault");
    assert.ok(!judgeSplit(e({ green: 80, yellow: 20 }), observed({ green: 134, yellow: 66 })).ok, "67/33 is not 80/20");
    assert.ok(!judgeSplit(e({ green: 50, yellow: 50 }), observed({ green: 68, yellow: 132 })).ok, "34/66 is not 50/50");
  });
  it("refuses any request to a weight-0 target, and any other service", () => {
    assert.ok(!judgeSplit(e({ green: 100, yellow: 0 }), observed({ green: 199, yellow: 1 })).ok);
    assert.ok(!judgeSplit(e({ green: 100 }), observed({ green: 199, red: 1 })).ok);
  });
});
