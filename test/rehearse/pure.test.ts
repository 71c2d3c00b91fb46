/**
 * The rehearsal's models of ECS, as pure functions: the interception rules the aws-appmesh CNI
 * plugin installs, and how Docker and ECS turn health-check results into a container's health.
 */
import { strict as assert } from "assert";
import { interceptionRules } from "../../tools/rehearse/interception";
import { HealthState, healthArgv } from "../../tools/rehearse/ecs-health";

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
