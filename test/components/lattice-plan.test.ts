/** Plans on the VPC Lattice data plane: the reference stacks switched by one line. */
import { strict as assert } from "assert";
import { isDeepStrictEqual } from "util";
import { checkPlan } from "../../tools/check-core";
import { diffPlans, summaryLine } from "../../tools/diff";
import type { Plan } from "../../tools/plan-core";
import { toDocument } from "../../tools/plan-document";
import { CANARY } from "../helpers";
import { containers, named, ofType, onDataPlane, planOf, policy } from "./plan-helpers";

const ENV = "fargate-mesh:environment";

describe("plans on the lattice data plane", () => {
  let prod: Plan;
  before(async () => { prod = await planOf("prod", "lattice"); });

  for (const stack of ["dev", "staging", CANARY])
    it(`${stack.endsWith(".yaml") ? "the canary" : stack}: no App Mesh resource, no sidecar in meshed tasks, tasks registered in Lattice`, async () => {
      const plan = await planOf(stack, "lattice");
      assert.deepEqual(plan.resources.filter((r) => r.type.startsWith("aws:appmesh")), []);
      for (const task of ofType(plan, "aws:ecs/taskDefinition:TaskDefinition").filter((t) => t.parent!.type === "fargate-mesh:index:MeshedService")) {
        assert.ok(!containers(task).some((c) => c.name === "envoy"), task.name);
        assert.equal((task.inputs as any).proxyConfiguration, undefined);
      }
      assert.ok(ofType(plan, "aws:vpclattice/service:Service").length >= 2);
      assert.deepEqual(ofType(plan, "aws:servicediscovery/service:Service"), [], "names resolve to Lattice, not to Cloud Map");
    });

  it("registers each service's tasks in its target groups through ECS, with named ports and the infrastructure role", () => {
    const svc = named(prod, "mesh-green-service", "aws:ecs/service:Service").inputs as any;
    assert.deepEqual(svc.vpcLatticeConfigurations, [{
      portName: "port-80",
      targetGroupArn: "arn:aws:vpc-lattice:us-west-2:{unknown:account}:targetgroup/{unknown:mesh-lattice-targets-green-colors-80.id}",
      roleArn: "arn:aws:iam::{unknown:account}:role/{unknown:mesh-lattice-ecs-infrastructure-role.name}",
    }]);
    assert.equal(svc.serviceRegistries, undefined);
    const [app] = containers(named(prod, "mesh-green-task"));
    assert.deepEqual(app.portMappings, [{ containerPort: 80, protocol: "tcp", name: "port-80" }]);
    assert.equal(app.dependsOn, undefined, "no proxy to wait for");
    assert.equal(named(prod, "mesh-lattice-ecs-infrastructure-policy").inputs.policyArn, "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForVpcLattice");
  });

  it("the application's health: each target group checks it as the listener says, and ECS waits startPeriod before acting on it", () => {
    const svc = named(prod, "mesh-green-service", "aws:ecs/service:Service").inputs as any;
    assert.equal(svc.healthCheckGracePeriodSeconds, 60);
    assert.deepEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
    const tg = named(prod, "mesh-lattice-targets-green-colors-80").inputs as any;
    assert.deepEqual([tg.config.healthCheck.enabled, tg.config.healthCheck.path, tg.config.healthCheck.protocol], [true, "/healthcheck", "HTTP"]);
  });

  it("keeps a weight of 0 in the listener rule, and the names callers use resolve to each Lattice service", () => {
    const rule = named(prod, "mesh-lattice-rule-colors-80-color-route").inputs as any;
    assert.deepEqual(rule.action.forward.targetGroups.map((t: any) => t.weight), [100, 0]);
    assert.equal(rule.priority, 2);
    const dns = named(prod, "mesh-lattice-service-colors-dns").inputs as any;
    assert.deepEqual([dns.name, dns.type, dns.zoneId, dns.records], ["router.colors.local", "CNAME", "{unknown:mesh-namespace-namespace.hostedZone}", ["{unknown:mesh-lattice-service-colors.dnsEntries[0].domainName}"]]);
    assert.equal((named(prod, "mesh-lattice-service-colors").inputs as any).customDomainName, "router.colors.local");
  });

  it("admits callers to the service network only on their backends' ports, and tasks only from VPC Lattice", () => {
    const rules = ofType(prod, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.parent!.name === "mesh");
    const desc = rules.map((r) => `${r.name}: ${r.inputs.referencedSecurityGroupId ?? r.inputs.prefixListId} -> ${r.inputs.securityGroupId} :${r.inputs.fromPort}`).sort();
    assert.deepEqual(desc, [
      "mesh-in-blue-from-lattice-80: {unknown:prefix-list com.amazonaws.us-west-2.vpc-lattice.id} -> {unknown:mesh-blue-sg.id} :80",
      "mesh-in-green-from-lattice-80: {unknown:prefix-list com.amazonaws.us-west-2.vpc-lattice.id} -> {unknown:mesh-green-sg.id} :80",
      "mesh-in-red-from-lattice-80: {unknown:prefix-list com.amazonaws.us-west-2.vpc-lattice.id} -> {unknown:mesh-red-sg.id} :80",
      "mesh-in-yellow-from-lattice-80: {unknown:prefix-list com.amazonaws.us-west-2.vpc-lattice.id} -> {unknown:mesh-yellow-sg.id} :80",
      "mesh-lattice-from-blue-80: {unknown:mesh-blue-sg.id} -> {unknown:mesh-lattice-association-sg.id} :80",
      "mesh-lattice-from-gateway-80: {unknown:mesh-gateway-sg.id} -> {unknown:mesh-lattice-association-sg.id} :80",
    ]);
  });

  it("a weight change changes exactly one resource, the listener rule, in place", async () => {
    const next = await planOf("prod", (c) => { onDataPlane("lattice")(c); c[ENV].routers.colors.routes["color-route"].targets = { green: 90, yellow: 10 }; });
    const before = new Map(prod.resources.map((r) => [`${r.type}::${r.name}`, r.inputs]));
    assert.deepEqual(next.resources.filter((r) => !isDeepStrictEqual(before.get(`${r.type}::${r.name}`), r.inputs)).map((r) => r.name), ["mesh-lattice-rule-colors-80-color-route"]);
    const d = diffPlans(toDocument(prod), toDocument(next));
    assert.deepEqual(d.summary, ["route colors/color-route: green 100% → 90%, yellow 0% → 10% (applies in place, no restart)"]);
    assert.equal(summaryLine(d), "Stack prod: 0 to add, 1 to change, 0 to remove");
    assert.equal(d.changed[0].action, "update");
  });

  it("passes the policy pack: no mandatory violation; only the auth advisory, which lattice.auth: iam answers", async () => {
    const { findings } = await checkPlan(prod);
    assert.deepEqual(findings.filter((f) => f.level === "mandatory"), []);
    const iam = await planOf("prod", (c) => { onDataPlane("lattice")(c); c[ENV].lattice = { auth: "iam" }; });
    assert.deepEqual((await checkPlan(iam)).findings.filter((f) => f.policy === "lattice-auth-iam"), []);
    // Only declared callers' task roles may invoke: blue and the gateway call the router.
    const auth = policy(named(iam, "mesh-lattice-service-colors-auth"));
    assert.deepEqual(auth.Statement[0].Principal.AWS, [
      "arn:aws:iam::{unknown:account}:role/{unknown:mesh-blue-task-role.name}", "arn:aws:iam::{unknown:account}:role/{unknown:mesh-gateway-task-role.name}",
    ]);
    assert.equal(auth.Statement[0].Action, "vpc-lattice-svcs:Invoke");
    assert.deepEqual(policy(named(iam, "mesh-lattice-service-blue-auth")).Statement[0].Principal.AWS, ["arn:aws:iam::{unknown:account}:role/{unknown:mesh-gateway-task-role.name}"]);
  });

  it("lattice.auth iam: the network admits and each task role may invoke exactly the Lattice services its Envoy calls, and only callers run one", async () => {
    const iam = await planOf("prod", (c) => { onDataPlane("lattice")(c); c[ENV].lattice = { auth: "iam" }; });
    const m = iam.model;
    const role = (key: string) => `arn:aws:iam::{unknown:account}:role/{unknown:mesh-${key}-task-role.name}`;
    const service = (key: string) => `arn:aws:vpc-lattice:${m.region}:{unknown:account}:service/{unknown:mesh-lattice-service-${key}.id}/*`;
    // Who calls what, from the model: each node's backends, and the gateway's route targets.
    const calls = new Map<string, string[]>(m.nodes.filter((n) => n.backendKeys.length).map((n) => [n.key, [...n.backendKeys].sort()]));
    calls.set("gateway", [...new Set(m.gateway!.routes.map((r) => r.target.key))].sort());
    const invokes = (p: any) => p.Statement.filter((st: any) => [st.Action].flat().includes("vpc-lattice-svcs:Invoke"));
    for (const [caller, backends] of calls) {
      const own = invokes(policy(named(iam, `mesh-${caller}-task-policy`)));
      assert.deepEqual(own.flatMap((st: any) => st.Resource).sort(), backends.map(service).sort(), `${caller}'s task role invokes its backends only`);
    }
    for (const n of m.nodes.filter((x) => !calls.has(x.key))) {
      const p = iam.resources.find((r) => r.name === `mesh-${n.key}-task-policy`);
      assert.ok(!p || invokes(policy(p)).length === 0, `${n.key} calls nothing and may invoke nothing`);
    }
    const network = policy(named(iam, "mesh-lattice-network-auth"));
    assert.deepEqual(network.Statement.map((st: any) => [st.Effect, st.Principal.AWS.join(), st.Resource.join()]).sort(),
      [...calls].map(([c, b]) => ["Allow", role(c), b.map(service).sort().join()]).sort(), "the network admits each caller on its backends");
    assert.match(String(named(iam, "mesh-lattice-network-auth").inputs.resourceIdentifier), /:servicenetwork\/\{unknown:mesh-lattice-network.id\}$/);
    for (const task of ofType(iam, "aws:ecs/taskDefinition:TaskDefinition").filter((t) => t.parent!.type === "fargate-mesh:index:MeshedService")) {
      const key = /^mesh-(.+)-task$/.exec(task.name)![1];
      const cs = containers(task);
      assert.equal(cs.some((c) => c.name === "envoy"), calls.has(key), `${key}: an Envoy only where it calls`);
      for (const app of cs.filter((c) => c.name !== "envoy"))
        assert.equal(app.environment.some((e: any) => e.name === "HTTP_PROXY"), calls.has(key), `${key}: applications use the signing proxy`);
    }
    assert.deepEqual((await checkPlan(iam)).findings.filter((f) => f.level === "mandatory"), []);
  });

  it("access logs go to CloudWatch Logs for every Lattice service", () => {
    const subs = ofType(prod, "aws:vpclattice/accessLogSubscription:AccessLogSubscription");
    assert.equal(subs.length, ofType(prod, "aws:vpclattice/service:Service").length);
    assert.ok(subs.every((s) => String(s.inputs.destinationArn).includes("log-group:/aws/vpclattice/colors-prod")));
  });
});
