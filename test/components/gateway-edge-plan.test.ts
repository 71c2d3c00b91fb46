/**
 * The gateway's edge as the NLB sees it: an HTTP health check on a readiness listener (never the
 * admin interface), and a task count the autoscaler owns. Plans under the mocks, pure.
 */
import { strict as assert } from "assert";
import { ENVOY_ADMIN_PORT } from "../../model/task-ports";
import { MAX_GATEWAY_TASKS } from "../../model/defaults";
import type { Plan, PlannedResource } from "../../tools/plan-core";
import { at, issues, withChange } from "../helpers";
import { containers, named, ofType, planOf } from "./plan-helpers";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const nlbSgId = "{unknown:mesh-gateway-nlb-sg.id}";
const gatewaySgId = "{unknown:mesh-gateway-sg.id}";
const ports = (rules: PlannedResource[]) => rules.map((r) => [r.inputs.fromPort, r.inputs.toPort]).sort();
const gatewayBootstrap = (p: Plan) => JSON.parse(containers(named(p, "mesh-gateway-task"))[0].command[2]);

describe("the NLB's health check asks the gateway's readiness listener over HTTP", () => {
  for (const plane of ["envoy", "lattice"] as const)
    it(`${plane}: the target group checks HTTP on the readiness port and path, which the gateway's Envoy answers with its health_check filter`, async () => {
      const p = await planOf("dev", plane);
      const hc = p.model.gateway!.nlb.healthCheck;
      assert.equal(hc.protocol, "HTTP");
      const tg = named(p, "mesh-gateway-targets").inputs as any;
      assert.deepEqual([tg.healthCheck.protocol, tg.healthCheck.port, tg.healthCheck.path, tg.healthCheck.matcher], ["HTTP", String(hc.port), hc.path, "200"]);
      assert.notEqual(hc.port, ENVOY_ADMIN_PORT);
      const b = gatewayBootstrap(p);
      const ready = b.static_resources.listeners.find((l: any) => l.address.socket_address.port_value === hc.port);
      assert.ok(ready, "a listener on the readiness port");
      assert.equal(ready.address.socket_address.address, "0.0.0.0", "reachable by the NLB");
      assert.notEqual(ready.traffic_direction, "INBOUND", "not drained away: it answers 503 while the others drain");
      const hcm = ready.filter_chains[0].filters[0].typed_config;
      const filter = hcm.http_filters.find((f: any) => f.name === "envoy.filters.http.health_check").typed_config;
      assert.equal(filter.pass_through_mode, false, "Envoy answers itself: 200 serving, 503 draining");
      assert.deepEqual(filter.headers, [{ name: ":path", string_match: { exact: hc.path } }]);
      assert.deepEqual(hcm.route_config.virtual_hosts, [], "no route to anything behind it");
      assert.equal(b.admin.address.socket_address.address, "127.0.0.1", "the admin interface stays on loopback");
      assert.ok(containers(named(p, "mesh-gateway-task"))[0].portMappings.some((m: any) => m.containerPort === hc.port));
    });

  for (const plane of ["envoy", "lattice"] as const)
    it(`${plane}: security groups admit the NLB to the listener and the readiness port only, never the admin port`, async () => {
      const p = await planOf("dev", plane);
      const g = p.model.gateway!;
      const intoGateway = ofType(p, INGRESS).filter((r) => r.inputs.securityGroupId === gatewaySgId);
      assert.ok(intoGateway.every((r) => r.inputs.referencedSecurityGroupId === nlbSgId), "only the NLB reaches the gateway");
      assert.deepEqual(ports(intoGateway), [[g.nlb.targetPort, g.nlb.targetPort], [g.nlb.healthCheck.port, g.nlb.healthCheck.port]].sort());
      const fromNlb = ofType(p, EGRESS).filter((r) => r.inputs.securityGroupId === nlbSgId);
      assert.ok(fromNlb.every((r) => r.inputs.referencedSecurityGroupId === gatewaySgId));
      assert.deepEqual(ports(fromNlb), ports(intoGateway));
      for (const r of [...intoGateway, ...fromNlb]) assert.ok(!(Number(r.inputs.fromPort) <= ENVOY_ADMIN_PORT && ENVOY_ADMIN_PORT <= Number(r.inputs.toPort)));
    });

  it("appmesh: App Mesh configures that Envoy, so the check stays a TCP connect to the traffic port, with no readiness port opened", async () => {
    const p = await planOf("dev", "appmesh");
    const tg = named(p, "mesh-gateway-targets").inputs as any;
    assert.deepEqual([tg.healthCheck.protocol, tg.healthCheck.port, tg.healthCheck.path], ["TCP", "traffic-port", undefined]);
    assert.deepEqual(ports(ofType(p, INGRESS).filter((r) => r.inputs.securityGroupId === gatewaySgId)), [[p.model.gateway!.nlb.targetPort, p.model.gateway!.nlb.targetPort]]);
  });

  it("a gateway listener on the readiness port is refused with its path", () => {
    for (const plane of ["envoy", "lattice"]) {
      const list = issues(withChange("dev", (t) => { t.dataPlane = plane; t.gateway.listeners[0].port = 15020; }));
      assert.match(at(list, "gateway.listeners[0].port").join(), /readiness listener/, plane);
    }
  });
});

describe("the gateway service scales on CPU", () => {
  it("by default from its desired count to four times that at 60% CPU, with a target and a target-tracking policy on the service", async () => {
    const p = await planOf("dev");
    const g = p.model.gateway!;
    assert.deepEqual(g.autoscaling && [g.autoscaling.min, g.autoscaling.max, g.autoscaling.cpuTarget], [g.task.desiredCount, 4 * g.task.desiredCount, 60]);
    const [target] = ofType(p, "aws:appautoscaling/target:Target");
    const svc = named(p, "mesh-gateway-service", "aws:ecs/service:Service");
    const t = target.inputs as any;
    assert.deepEqual([t.serviceNamespace, t.scalableDimension, t.resourceId], ["ecs", "ecs:service:DesiredCount", `service/${p.model.clusterName}/${svc.inputs.name}`]);
    assert.deepEqual([t.minCapacity, t.maxCapacity], [g.autoscaling!.min, g.autoscaling!.max]);
    assert.ok(t.maxCapacity > t.minCapacity, "defaults that scale");
    const [policy] = ofType(p, "aws:appautoscaling/policy:Policy");
    const c = (policy.inputs as any).targetTrackingScalingPolicyConfiguration;
    assert.equal(policy.inputs.policyType, "TargetTrackingScaling");
    assert.equal(policy.inputs.resourceId, t.resourceId);
    assert.deepEqual([c.predefinedMetricSpecification.predefinedMetricType, c.targetValue], ["ECSServiceAverageCPUUtilization", 60]);
    assert.ok(c.scaleOutCooldown < c.scaleInCooldown, "out fast, in slowly");
  });

  it("the ECS service leaves its desired count to the autoscaler (ignoreChanges), so pulumi up does not fight it; meshed services keep theirs", async () => {
    const p = await planOf("dev");
    assert.deepEqual(named(p, "mesh-gateway-service", "aws:ecs/service:Service").ignoreChanges, ["desiredCount"]);
    assert.equal(named(p, "mesh-gateway-service", "aws:ecs/service:Service").inputs.desiredCount, p.model.gateway!.task.desiredCount);
    for (const n of p.model.nodes) assert.equal(named(p, `mesh-${n.key}-service`, "aws:ecs/service:Service").ignoreChanges, undefined);
  });

  it("min, max and cpuTarget come from gateway.autoscaling; desiredCount then starts at min", async () => {
    const p = await planOf("dev", (c) => {
      const g = c["fargate-mesh:topology"].gateway;
      delete g.desiredCount;
      g.autoscaling = { min: 3, max: 12, cpuTarget: 45 };
    });
    const t = ofType(p, "aws:appautoscaling/target:Target")[0].inputs as any;
    assert.deepEqual([t.minCapacity, t.maxCapacity], [3, 12]);
    assert.equal((ofType(p, "aws:appautoscaling/policy:Policy")[0].inputs as any).targetTrackingScalingPolicyConfiguration.targetValue, 45);
    assert.equal(named(p, "mesh-gateway-service", "aws:ecs/service:Service").inputs.desiredCount, 3);
  });

  it("a gateway with no task (desiredCount 0) has no autoscaling and keeps its count", async () => {
    const p = await planOf("dev", (c) => { c["fargate-mesh:topology"].gateway.desiredCount = 0; delete (c["fargate-mesh:environment"]?.gateway ?? {}).desiredCount; });
    assert.deepEqual(ofType(p, "aws:appautoscaling/target:Target"), []);
    assert.equal(named(p, "mesh-gateway-service", "aws:ecs/service:Service").ignoreChanges, undefined);
  });

  it("bad bounds are refused with their config paths, all at once", () => {
    const scaled = (a: unknown, desired?: number) => issues(withChange("dev", (t, e) => {
      t.gateway.autoscaling = a;
      if (e?.gateway) delete e.gateway.desiredCount;
      if (desired === undefined) delete t.gateway.desiredCount; else t.gateway.desiredCount = desired;
    }));
    assert.match(at(scaled({ min: 5, max: 3 }), "gateway.autoscaling.max").join(), /at least autoscaling\.min \(5\), got 3/);
    assert.match(at(scaled({ max: MAX_GATEWAY_TASKS + 1 }), "gateway.autoscaling.max").join(), /between 1 and 100/);
    assert.match(at(scaled({ max: 1 }), "gateway.autoscaling.max").join(), /desiredCount \(2, its default\)/);
    assert.match(at(scaled({ min: 0 }), "gateway.autoscaling.min").join(), /between 1 and 100/);
    for (const bad of [0, -5, 101, "high"]) assert.match(at(scaled({ cpuTarget: bad }), "gateway.autoscaling.cpuTarget").join(), /above 0 and at most 100/, String(bad));
    assert.deepEqual(at(scaled({ cpuTarget: 100 }), "gateway.autoscaling.cpuTarget"), []);
    assert.match(at(scaled({ min: 3, max: 6 }, 2), "gateway.desiredCount").join(), /within autoscaling\.min and max \(3 to 6\), got 2/);
    assert.match(at(scaled({ min: 3, max: 6 }, 9), "gateway.desiredCount").join(), /within autoscaling\.min and max \(3 to 6\), got 9/);
    assert.match(at(scaled({ cpuTarget: 50 }, 0), "gateway.desiredCount").join(), /runs no gateway task/);
    assert.match(at(scaled({ min: 2 }, 9), "gateway.desiredCount").join(), /\(2 to 8\), got 9/, "the default max is 4 × min");
    const over = scaled({ max: 3 }, 5);
    assert.deepEqual([at(over, "gateway.autoscaling.max").length, at(over, "gateway.desiredCount").length], [1, 0], "one problem, said once");
    assert.match(at(scaled({ mni: 2 }), "gateway.autoscaling.mni").join(), /unknown setting/);
    const all = scaled({ min: 5, max: 3, cpuTarget: 0 });
    assert.equal(at(all, "gateway.autoscaling.max").length + at(all, "gateway.autoscaling.cpuTarget").length, 2, "both at once");
  });
});
