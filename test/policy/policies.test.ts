import { strict as assert } from "assert";
import { policies } from "../../policy/policies";
import { checkExceptions, checkPlan, checkResources, Finding } from "../../tools/check-core";
import type { Plan, PlannedResource } from "../../tools/plan-core";
import { ACCOUNT } from "../../tools/mocks";
import { onDataPlane, planOf } from "../components/plan-helpers";
import { GAP_CASES } from "./gaps.test";
import { PRODUCTION_CASES } from "./production.test";
import { OPERATIONS_CASES } from "./operations.test";

type Resources = PlannedResource[];
const res = (rs: Resources, name: string, type?: string) => rs.find((r) => r.name === name && (!type || r.type === type))!;
const defs = (r: PlannedResource, edit: (d: any[]) => void) => {
  const d = JSON.parse(r.inputs.containerDefinitions as string);
  edit(d);
  r.inputs.containerDefinitions = JSON.stringify(d);
};
const doc = (r: PlannedResource, edit: (d: any) => void) => {
  const d = JSON.parse(r.inputs.policy as string);
  edit(d);
  r.inputs.policy = JSON.stringify(d);
};
const RED_ARN = `arn:aws:appmesh:us-east-1:${ACCOUNT}:mesh/colors-dev/virtualNode/red`;

/** The bootstrap a task's Envoy carries inline, edited in place. */
const bootstrap = (r: PlannedResource, edit: (b: any) => void) => defs(r, (d) => {
  const envoy = d.find((c: any) => c.name === "envoy");
  const b = JSON.parse(envoy.command[2]);
  edit(b);
  envoy.command[2] = JSON.stringify(b);
});
const cluster = (b: any, name: string) => b.static_resources.clusters.find((c: any) => c.name === name);
const outbound = (b: any) => b.static_resources.listeners.find((l: any) => l.name === "outbound");

/** [policy, resource that breaks it, how, the message it must report, data plane (default envoy)] */
const cases: [string, string, (rs: Resources) => void, string, ("appmesh" | "envoy" | "lattice")?][] = [
  ["lattice-auth-iam", "mesh-lattice-service-red", (rs) => (res(rs, "mesh-lattice-service-red").inputs.authType = "NONE"), "authType is NONE; set lattice.auth: iam so that only declared callers' task roles may invoke it (callers then sign with SigV4)", "lattice"],
  ["lattice-access-logs", "mesh-lattice-service-red", (rs) => rs.splice(rs.indexOf(res(rs, "mesh-lattice-service-red-access-logs")), 1), "add an access log subscription (aws.vpclattice.AccessLogSubscription) for this service", "lattice"],
  ["lattice-no-public-exposure", "shared-to-all", (rs) => rs.push({ type: "aws:vpclattice/resourcePolicy:ResourcePolicy", name: "shared-to-all", parent: null,
    inputs: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "vpc-lattice:*" }] }) } }), "allows Principal *; name the accounts or roles", "lattice"],
  ["mesh-egress-drop-all", "mesh-blue-task", (rs) => bootstrap(res(rs, "mesh-blue-task"), (b) => { outbound(b).default_filter_chain = { filters: [] }; }), "the Envoy bootstrap passes unknown destinations through (ORIGINAL_DST); set mesh.egressFilter: DROP_ALL in the description"],
  ["mesh-listener-health-and-outlier", "mesh-blue-task", (rs) => bootstrap(res(rs, "mesh-blue-task"), (b) => { delete cluster(b, "node-red-80").outlier_detection; }), "cluster node-red-80: add outlier detection (the target listener's outlierDetection)"],
  ["mesh-route-retry-policy", "mesh-gateway-task", (rs) => bootstrap(res(rs, "mesh-gateway-task"), (b) => {
    delete b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.retry_policy;
  }), "Envoy route to-router/color-route on gateway-8080: add a retryPolicy with maxRetries of at least 1 (2 recommended)"],
  ["envoy-bootstrap-inline", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => (d[1].command = ["/usr/local/bin/envoy", "-c", "/etc/envoy/envoy.yaml"])), "container envoy: start Envoy with --config-yaml and the generated bootstrap, so each revision pins its configuration"],
  ["envoy-admin-local", "mesh-red-task", (rs) => bootstrap(res(rs, "mesh-red-task"), (b) => (b.admin.address.socket_address.address = "0.0.0.0")), "admin listens on 0.0.0.0; bind it to 127.0.0.1 (it can stop and reconfigure Envoy)"],
  ["envoy-no-appmesh-access", "mesh-red-streams", (rs) => rs.push({ type: "aws:iam/rolePolicy:RolePolicy", name: "mesh-red-streams", parent: { type: "fargate-mesh:index:MeshedService", name: "mesh-red" },
    inputs: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["appmesh:StreamAggregatedResources"], Resource: [RED_ARN] }] }) } }),
    "remove appmesh:StreamAggregatedResources: this Envoy reads its configuration from its task definition"],
  ["mesh-egress-drop-all", "mesh-appmesh-mesh", (rs) => ((res(rs, "mesh-appmesh-mesh").inputs as any).spec.egressFilter.type = "ALLOW_ALL"), "set spec.egressFilter.type: DROP_ALL (mesh.egressFilter in the description)", "appmesh"],
  ["mesh-listener-health-and-outlier", "mesh-appmesh-node-red", (rs) => delete (res(rs, "mesh-appmesh-node-red").inputs as any).spec.listeners[0].outlierDetection, "listener 80: add outlier detection", "appmesh"],
  ["mesh-retries-bounded", "mesh-blue-task", (rs) => bootstrap(res(rs, "mesh-blue-task"), (b) => { delete cluster(b, "node-red-80").circuit_breakers; }), "cluster node-red-80: add circuit_breakers with a retry_budget, so that retries stay a bounded share of the requests in flight"],
  ["mesh-retries-bounded", "mesh-gateway-task", (rs) => bootstrap(res(rs, "mesh-gateway-task"), (b) => {
    const r = b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes.find((x: any) => x.name === "to-blue");
    r.route.retry_policy.num_retries = 50;
  }), "Envoy route to-blue on gateway-8080: num_retries 50 exceeds 5; each hop multiplies the load on a failing backend"],
  ["mesh-route-retry-policy", "mesh-appmesh-route-colors-color-route", (rs) => delete (res(rs, "mesh-appmesh-route-colors-color-route").inputs as any).spec.httpRoute.retryPolicy, "httpRoute: add a retryPolicy with maxRetries of at least 1 (2 recommended)", "appmesh"],
  ["mesh-app-ports-match-node", "mesh-red-task", (rs) => ((res(rs, "mesh-red-task").inputs as any).proxyConfiguration.properties.AppPorts = "8080"), "AppPorts 8080 differ from the listener ports 80 of virtual node red; set AppPorts to the listener ports", "appmesh"],
  ["mesh-envoy-own-config-only", "mesh-red-task-policy", (rs) => doc(res(rs, "mesh-red-task-policy"), (d) => (d.Statement[0].Resource = [RED_ARN.replace("/red", "/blue")])),
    `grants StreamAggregatedResources on ${RED_ARN.replace("/red", "/blue")}; scope it to ${RED_ARN} (the AWSAppMeshEnvoyAccess managed policy grants it on *)`, "appmesh"],
  ["mesh-envoy-sidecar", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => (d[1].user = "0")), "container envoy: user 0 differs from IgnoredUID 1337; Envoy's own traffic would loop back into Envoy"],
  ["mesh-app-waits-for-envoy", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => delete d[0].dependsOn), "container app: add dependsOn [{ containerName: envoy, condition: HEALTHY }] so it never starts without its proxy"],
  ["ecs-readonly-root-filesystem", "mesh-blue-task", (rs) => defs(res(rs, "mesh-blue-task"), (d) => (d[0].readonlyRootFilesystem = false)), "container app: set readonlyRootFilesystem: true (give the container a volume for the paths it writes)"],
  ["ecs-no-privileged", "mesh-blue-task", (rs) => defs(res(rs, "mesh-blue-task"), (d) => (d[0].privileged = true)), "container app: remove privileged: true"],
  ["ecs-no-host-pid", "mesh-blue-task", (rs) => (res(rs, "mesh-blue-task").inputs.pidMode = "host"), "remove pidMode: host"],
  ["ecs-separate-execution-role", "mesh-blue-task", (rs) => { const t = res(rs, "mesh-blue-task").inputs; t.taskRoleArn = t.executionRoleArn; }, "use different roles for executionRoleArn and taskRoleArn"],
  ["ecs-log-configuration", "mesh-blue-task", (rs) => defs(res(rs, "mesh-blue-task"), (d) => delete d[1].logConfiguration), "container envoy: add a logConfiguration (awslogs)"],
  ["ecs-no-environment-secrets", "mesh-blue-task", (rs) => defs(res(rs, "mesh-blue-task"), (d) => d[0].environment.push({ name: "API_TOKEN", value: "x" })), "container app: move API_TOKEN from environment to secrets (a Secrets Manager or SSM ARN)"],
  ["ecs-memory-and-awsvpc", "mesh-blue-task", (rs) => (res(rs, "mesh-blue-task").inputs.networkMode = "bridge"), "set networkMode: awsvpc (got bridge)"],
  ["mesh-envoy-drain", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => (d[1].stopTimeout = 20)), "container envoy: drains for 20s but is stopped after 20s; lower the drain or raise stopTimeout (at most 120)"],
  ["ecs-deployment-percent", "mesh-red-service", (rs) => (res(rs, "mesh-red-service", "aws:ecs/service:Service").inputs.deploymentMinimumHealthyPercent = 50), "deploymentMinimumHealthyPercent is 50; keep 100 so capacity never drops during a deployment"],
  ["ecs-lb-grace-period", "mesh-gateway-service", (rs) => delete res(rs, "mesh-gateway-service", "aws:ecs/service:Service").inputs.healthCheckGracePeriodSeconds, "set healthCheckGracePeriodSeconds of at least 30 so Envoy can load its configuration first"],
  ["subnet-no-public-ip-on-launch", "hand-made-subnet", (rs) => rs.push({ type: "aws:ec2/subnet:Subnet", name: "hand-made-subnet", parent: null, inputs: { mapPublicIpOnLaunch: true } }), "set mapPublicIpOnLaunch: false; only load balancers belong in public subnets"],
  ["ecs-no-public-ip", "mesh-red-service", (rs) => ((res(rs, "mesh-red-service", "aws:ecs/service:Service").inputs as any).networkConfiguration.assignPublicIp = true), "set networkConfiguration.assignPublicIp: false and run tasks in private subnets"],
  ["ecs-platform-version", "mesh-red-service", (rs) => (res(rs, "mesh-red-service", "aws:ecs/service:Service").inputs.platformVersion = "1.3.0"), "set platformVersion: LATEST (got 1.3.0)"],
  ["ecs-circuit-breaker", "mesh-red-service", (rs) => ((res(rs, "mesh-red-service", "aws:ecs/service:Service").inputs as any).deploymentCircuitBreaker.rollback = false), "set deploymentCircuitBreaker: { enable: true, rollback: true }"],
  ["ecs-container-insights", "mesh-cluster", (rs) => (res(rs, "mesh-cluster").inputs.settings = []), "add settings [{ name: containerInsights, value: enabled }]"],
  ["lb-cross-zone", "mesh-gateway-nlb", (rs) => (res(rs, "mesh-gateway-nlb").inputs.enableCrossZoneLoadBalancing = false), "set enableCrossZoneLoadBalancing: true (gateway.nlb.crossZone)"],
  ["sg-rule-description", "mesh-in-red-from-blue-80", (rs) => delete res(rs, "mesh-in-red-from-blue-80").inputs.description, "add a description saying who may connect and why"],
  ["sg-no-world-ingress", "mesh-in-red-from-blue-80", (rs) => { const r = res(rs, "mesh-in-red-from-blue-80").inputs; delete r.referencedSecurityGroupId; r.cidrIpv4 = "0.0.0.0/0"; }, "admits 0.0.0.0/0 on 80-80; admit a security group or the VPC range instead"],
  ["mesh-nlb-only-gateway-port", "mesh-gateway-nlb-to-gateway", (rs) => Object.assign(res(rs, "mesh-gateway-nlb-to-gateway").inputs, { fromPort: 0, toPort: 65535 }), "NLB egress on 0-65535; allow only the gateway port"],
  ["vpc-flow-logs", "mesh-network-vpc", (rs) => rs.splice(rs.indexOf(res(rs, "mesh-network-flow-log")), 1), "add an aws.ec2.FlowLog for this VPC"],
  ["iam-no-wildcards", "mesh-red-task-policy", (rs) => doc(res(rs, "mesh-red-task-policy"), (d) => (d.Statement[0].Action = ["appmesh:*"])), "action appmesh:*: name the actions needed", "appmesh"],
  ["iam-no-wildcards", "mesh-red-admin", (rs) => rs.push({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "mesh-red-admin", parent: { type: "fargate-mesh:index:MeshedService", name: "mesh-red" },
    inputs: { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" } }), "attaches arn:aws:iam::aws:policy/AdministratorAccess, which allows * actions; attach a policy that names the actions needed"],
  ["iam-no-wildcards", "mesh-network-flow-logs-policy", (rs) => doc(res(rs, "mesh-network-flow-logs-policy"), (d) => { d.Statement[0].NotAction = ["iam:*"]; delete d.Statement[0].Action; }), "NotAction iam:*: allows every other action; list the actions needed"],
  ["mesh-envoy-own-config-only", "mesh-red-envoy-access", (rs) => rs.push({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "mesh-red-envoy-access", parent: { type: "fargate-mesh:index:MeshedService", name: "mesh-red" },
    inputs: { role: "r", policyArn: "arn:aws:iam::aws:policy/AWSAppMeshEnvoyAccess" } }), `attaches AWSAppMeshEnvoyAccess, which grants StreamAggregatedResources on *; grant it on ${RED_ARN} only`, "appmesh"],
  ["ecs-non-root-user", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => { d[0].user = "1000"; d[1].user = "0:0"; }), "container envoy: set user to a non-root UID (the image's default user may be root)"],
  ["sg-no-world-ingress", "mesh-red-sg", (rs) => (res(rs, "mesh-red-sg").inputs.ingress = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "all" }]), "inline ingress admits 0.0.0.0/0 on every port (protocol -1); admit a security group or the VPC range instead"],
  ["sg-no-world-ingress", "mesh-in-red-from-blue-80", (rs) => { const r = res(rs, "mesh-in-red-from-blue-80").inputs; delete r.referencedSecurityGroupId; r.cidrIpv4 = "0.0.0.0/0"; r.ipProtocol = "-1"; }, "admits 0.0.0.0/0 on every port (protocol -1); admit a security group or the VPC range instead"],
  ["lb-listener-tls", "mesh-gateway-listener", (rs) => Object.assign(res(rs, "mesh-gateway-listener").inputs, { protocol: "TLS", sslPolicy: "ELBSecurityPolicy-2016-08" }), "sslPolicy ELBSecurityPolicy-2016-08 allows TLS before 1.2; use a TLS 1.2+ policy such as ELBSecurityPolicy-TLS13-1-2-2021-06"],
  ["logs-retention", "mesh-red-logs", (rs) => delete res(rs, "mesh-red-logs").inputs.retentionInDays, "set retentionInDays"],
];

/** Policies the reference stacks break on purpose, each excepted with a reason in the stack config. */
const ADVISORY_ON_REFERENCE: [string, string, string][] = [
  ["mesh-listener-tls", "mesh-red-task", "Envoy listener inbound port 80: add tls with mode STRICT (a certificate from a secret or a file)"],
  ["mesh-client-tls", "mesh-blue-task", "cluster node-red-80: originate TLS and verify the backend against a trusted CA"],
  ["ecs-non-root-user", "mesh-red-task", "container app: set user to a non-root UID (the image's default user may be root)"],
  ["lb-internet-facing", "mesh-gateway-nlb", "the load balancer is internet-facing; keep it only for a public entry point, with a written reason"],
  ["lb-access-logs", "mesh-gateway-nlb", "enable accessLogs to an S3 bucket (an NLB logs TLS listeners only)"],
  ["lb-listener-tls", "mesh-gateway-listener", "listener 80 uses TCP; use TLS with a certificate and a current sslPolicy"],
  ["lb-deletion-protection", "mesh-gateway-nlb", "set enableDeletionProtection: true (gateway.nlb.deletionProtection)"],
  ["sg-no-world-egress", "mesh-red-egress-https", "egress 443-443 to 0.0.0.0/0; VPC endpoints for ECR, CloudWatch Logs (and X-Ray or App Mesh where used) would remove the need"],
  ["logs-retention-365-kms", "mesh-red-logs", "retention is 30 days; the strict rule wants 365"],
];

const of = (f: Finding[], policy: string, resource: string) => f.filter((x) => x.policy === policy && x.resource?.name === resource).map((x) => x.message);

describe("policy pack", () => {
  const plans: Record<string, Plan> = {};
  before(async () => {
    for (const s of ["dev", "staging", "prod"]) plans[s] = await planOf(s);
    plans.appmesh = await planOf("dev", "appmesh");
    // Lattice with IAM auth, so that every Lattice rule holds before a case breaks one.
    plans.lattice = await planOf("dev", (c) => { onDataPlane("lattice")(c); c["fargate-mesh:environment"].lattice = { auth: "iam" }; });
  });
  const fresh = (plane = "envoy"): Resources => JSON.parse(JSON.stringify((plane === "appmesh" ? plans.appmesh : plane === "lattice" ? plans.lattice : plans.dev).resources));

  it("every policy is tested here, names its upstream rule and has an enforcement level", () => {
    const tested = new Set([...cases.map((c) => c[0]), ...ADVISORY_ON_REFERENCE.map((c) => c[0]), ...GAP_CASES.map((c) => c[0]), ...PRODUCTION_CASES.map((c) => c[0]), ...OPERATIONS_CASES.map((c) => c[0])]);
    assert.deepEqual(policies.map((p) => p.name).filter((n) => !tested.has(n)), []);
    for (const p of policies) {
      assert.ok(p.info.upstream.length > 3, p.name);
      assert.ok(["mandatory", "advisory"].includes(p.info.enforcementLevel), p.name);
      assert.equal(p.enforcementLevel, p.info.enforcementLevel);
    }
  });

  for (const [policy, resource, breakIt, message, plane] of cases) {
    it(`${policy} fires on a plan that breaks it (${plane ?? "envoy"} data plane)`, async () => {
      const rs = fresh(plane);
      const before = of(await checkResources("dev", rs), policy, resource);
      assert.ok(!before.includes(message), "silent before");
      breakIt(rs);
      const after = of(await checkResources("dev", rs), policy, resource);
      assert.ok(after.includes(message), JSON.stringify(after));
      // Policies the reference stacks break on purpose already fire; the case adds exactly its message.
      assert.deepEqual(after.filter((m) => !before.includes(m)), [message]);
    });
  }

  for (const [policy, resource, message] of ADVISORY_ON_REFERENCE) {
    it(`${policy} fires where the reference stacks break it on purpose, and reports their reason`, async () => {
      const found = (await checkResources("dev", plans.dev.resources, plans.dev.model.exceptions)).filter((f) => f.policy === policy && f.resource?.name === resource);
      assert.ok(found.some((f) => f.message === message), JSON.stringify(found));
      assert.ok(found.every((f) => f.exception === plans.dev.model.exceptions[policy].reason && f.exception!.length > 20));
    });
  }

  it("appmesh: exceptions scoped to the envoy plan's resources do not carry over to App Mesh's", async () => {
    const { findings, issues } = await checkPlan(plans.appmesh);
    assert.deepEqual(issues, []);
    assert.deepEqual(findings.filter((f) => f.level === "mandatory"), []);
    const open = findings.filter((f) => !f.exception);
    assert.ok(open.length > 0);
    // Each is a policy the stack excepts elsewhere, now on a resource no exception names.
    for (const f of open) {
      assert.ok(plans.appmesh.model.exceptions[f.policy], f.policy);
      assert.ok(!plans.appmesh.model.exceptions[f.policy].resources.includes(f.resource?.name ?? "(stack)"));
    }
  });

  for (const stack of ["dev", "staging", "prod"]) {
    it(`${stack}: no mandatory violation, and every advisory one is excepted with a reason`, async () => {
      const { findings, issues } = await checkPlan(plans[stack]);
      assert.deepEqual(issues, []);
      assert.deepEqual(findings.filter((f) => f.level === "mandatory"), []);
      assert.deepEqual(findings.filter((f) => !f.exception).map((f) => `${f.policy} ${f.resource?.name}`), []);
    });
  }

  it("fires on bad configurations too: ALLOW_ALL egress, no retries, an internal NLB is silent", async () => {
    const plan = await planOf("prod", (c) => {
      const t = c["fargate-mesh:topology"];
      t.mesh.egressFilter = "ALLOW_ALL";
      t.routers.colors.routes["color-route"].retryPolicy = { maxRetries: 0, perRetryTimeout: "1s", httpRetryEvents: ["server-error"] };
      t.gateway.nlb.internetFacing = false;
    });
    const { findings } = await checkPlan(plan);
    // Every sidecar now passes traffic through (not the gateway: it has no egress), and both callers of the route lack retries.
    const mandatory = findings.filter((f) => f.level === "mandatory").map((f) => `${f.policy} ${f.resource?.name}`).sort();
    assert.deepEqual(mandatory, [
      ...["blue", "green", "red", "yellow"].map((n) => `mesh-egress-drop-all mesh-${n}-task`),
      "mesh-route-retry-policy mesh-blue-task", "mesh-route-retry-policy mesh-gateway-task",
    ].sort());
    assert.equal(findings.filter((f) => f.policy === "lb-internet-facing").length, 0);
  });

  it("rejects exceptions for unknown or mandatory policies", () => {
    assert.deepEqual(checkExceptions({ "lb-internet-facing": { reason: "ok", resources: ["x"] }, "ecs-no-public-ip": { reason: "why not", resources: ["x"] }, typo: { reason: "x", resources: ["x"] } }), [
      { path: "exceptions.ecs-no-public-ip", message: "is a mandatory policy and cannot be excepted; change the stack instead" },
      { path: "exceptions.typo", message: `no policy has this name; known: ${policies.map((p) => p.name).join(", ")}` },
    ]);
  });

  it("accepts TLS 1.2+ listener policies, the forward-secret FS-1-2 ones included", async () => {
    for (const sslPolicy of ["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06"]) {
      const rs = fresh();
      Object.assign(res(rs, "mesh-gateway-listener").inputs, { protocol: "TLS", sslPolicy });
      assert.deepEqual(of(await checkResources("dev", rs), "lb-listener-tls", "mesh-gateway-listener"), [], sslPolicy);
    }
  });

  it("a sidecar Envoy running as 1337 is not flagged as root", async () => {
    const f = await checkResources("dev", plans.dev.resources);
    assert.deepEqual(of(f, "ecs-non-root-user", "mesh-red-task"), ["container app: set user to a non-root UID (the image's default user may be root)"]);
  });
});
