import { strict as assert } from "assert";
import type { Plan } from "../../tools/plan-core";
import { CANARY } from "../helpers";
import { containers, named, ofType, planOf, typeCounts } from "./plan-helpers";

describe("plan of the seed 000 canary on the App Mesh data plane", () => {
  let plan: Plan;
  before(async () => { plan = await planOf(CANARY, "appmesh"); });

  it("creates three meshed services, one router and no gateway", () => {
    const counts = typeCounts(plan);
    assert.equal(counts["fargate-mesh:index:MeshedService"], 3);
    assert.equal(counts["fargate-mesh:index:MeshGateway"], undefined);
    assert.equal(counts["aws:lb/loadBalancer:LoadBalancer"], undefined);
    assert.equal(counts["aws:appmesh/virtualRouter:VirtualRouter"], 1);
    assert.equal(counts["aws:appmesh/route:Route"], 1);
    assert.equal(counts["aws:appmesh/virtualService:VirtualService"], 2);
    assert.equal(counts["aws:ecs/service:Service"], 3);
    assert.equal(counts["aws:ecs/taskDefinition:TaskDefinition"], 3);
    // serviceB's tasks answer serviceb.apps.local, so the router needs no placeholder instance.
    assert.equal(counts["aws:servicediscovery/instance:Instance"], undefined);
    assert.deepEqual(ofType(plan, "aws:servicediscovery/service:Service").map((s) => s.inputs.name).sort(), ["servicea", "serviceb", "servicebv2"]);
  });

  it("routes 75/25 over HTTP/2 between serviceB and serviceBv2", () => {
    const route = named(plan, "mesh-appmesh-route-serviceB-router-serviceB").inputs as any;
    assert.deepEqual(route.spec.http2Route.action.weightedTargets, [{ virtualNode: "serviceB", weight: 75 }, { virtualNode: "serviceBv2", weight: 25 }]);
    assert.equal(route.spec.http2Route.match.prefix, "/");
    assert.ok(route.spec.http2Route.retryPolicy);
    const svc = named(plan, "mesh-appmesh-service-serviceB-router").inputs as any;
    assert.deepEqual([svc.name, svc.spec], ["serviceb.apps.local", { provider: { virtualRouter: { virtualRouterName: "serviceB-router" } } }]);
  });

  it("discovers nodes by DNS hostname and lets only serviceA call serviceB", () => {
    const a = (named(plan, "mesh-appmesh-node-serviceA").inputs as any).spec;
    assert.deepEqual(a.serviceDiscovery, { dns: { hostname: "servicea.apps.local" } });
    assert.deepEqual(a.backends, [{ virtualService: { virtualServiceName: "serviceb.apps.local" } }]);
    const rules = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.securityGroupId]);
    assert.deepEqual(rules.sort(), [
      ["{unknown:mesh-serviceA-sg.id}", "{unknown:mesh-serviceB-sg.id}"],
      ["{unknown:mesh-serviceA-sg.id}", "{unknown:mesh-serviceBv2-sg.id}"],
    ]);
  });

  it("runs serviceBv2's own image behind Envoy, in eu-west-1", () => {
    const [app, envoy] = containers(named(plan, "mesh-serviceBv2-task"));
    assert.equal(app.image, "registry.example.com/serviceb:2.0");
    assert.equal(envoy.image, "840364872350.dkr.ecr.eu-west-1.amazonaws.com/aws-appmesh-envoy:v1.29.12.1-prod");
  });
});
