import { TESTED_ENVOY_VERSION } from "../../model/envoy-release";
/** Plans on the Envoy data plane (the reference stacks' default): what the tasks carry. */
import { strict as assert } from "assert";
import { renderingIssues } from "../../components/dataplanes";
import { FargateMesh } from "../../components/fargate-mesh";
import { ConfigError } from "../../model/errors";
import { ACCOUNT, recordedResources, resetRecording } from "../../tools/mocks";
import { ENVOY_READY_CHECK, ENVOY_WRAPPER } from "../../components/dataplanes/envoy/sidecar";
import { bootstrapOf } from "../../tools/envoy-config-core";
import { checkPlan } from "../../tools/check-core";
import { APP_HEALTH_CHECK } from "../../components/dataplanes/envoy/health";
import { planText } from "../../tools/plan-format";
import type { Plan } from "../../tools/plan-core";
import { CANARY, MTLS, model, withChange } from "../helpers";
import { containers, named, ofType, planOf, policy } from "./plan-helpers";

const NODES = ["red", "blue", "green", "yellow"];

describe("plan of the dev stack on the Envoy data plane", () => {
  let plan: Plan;
  before(async () => { plan = await planOf("dev"); });

  it("has no App Mesh resource, only types that exist in AWS today, and no task policy where nothing calls AWS", () => {
    assert.deepEqual(plan.resources.filter((r) => r.type.startsWith("aws:appmesh")), []);
    const types = new Set(plan.resources.map((r) => r.type.split(":")[0] === "aws" ? r.type.split(":")[1].split("/")[0] : r.type.split(":")[0]));
    assert.deepEqual([...types].sort(), ["appautoscaling", "awsx", "cloudwatch", "ec2", "ecs", "fargate-mesh", "iam", "lb", "servicediscovery", "vpc"]);
    // Only the flow-log writer and the execution roles (their own logs; images come from Docker Hub, no ECR).
    assert.deepEqual(ofType(plan, "aws:iam/rolePolicy:RolePolicy").map((r) => r.name).sort(), [
      "mesh-blue-execution-policy", "mesh-gateway-execution-policy", "mesh-green-execution-policy", "mesh-network-flow-logs-policy", "mesh-red-execution-policy", "mesh-yellow-execution-policy",
    ]);
    assert.deepEqual(policy(named(plan, "mesh-red-execution-policy")).Statement.map((s: any) => s.Sid), ["WriteOwnLogs"]);
    assert.deepEqual(ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"), [], "no managed policy with * resources");
    assert.equal(plan.outputs.meshName, "colors-dev");
  });

  for (const node of NODES)
    it(`${node}: upstream Envoy runs its inline bootstrap as the IgnoredUID, and the app waits for it`, () => {
      const task = named(plan, `mesh-${node}-task`).inputs as any;
      assert.deepEqual(task.proxyConfiguration.properties, { IgnoredUID: "1337", ProxyIngressPort: "15000", ProxyEgressPort: "15001", AppPorts: "80", EgressIgnoredIPs: "169.254.170.2,169.254.169.254" });
      assert.equal(task.volumes, undefined, "Envoy writes nothing: no volume");
      const [app, envoy] = containers(named(plan, `mesh-${node}-task`));
      assert.deepEqual(app.dependsOn, [{ containerName: "envoy", condition: "HEALTHY" }]);
      assert.deepEqual([envoy.image, envoy.user, envoy.essential, envoy.readonlyRootFilesystem], [`envoyproxy/envoy:${TESTED_ENVOY_VERSION}`, "1337", true, true]);
      assert.deepEqual(envoy.entryPoint, ["/bin/bash", "-c"]);
      assert.deepEqual(envoy.command.slice(0, 2), [ENVOY_WRAPPER, "envoy"]);
      assert.match(ENVOY_WRAPPER, /--config-yaml "\$1" --disable-hot-restart/);
      assert.deepEqual(JSON.parse(envoy.command[2]), bootstrapOf(plan, { service: node }).ok && (bootstrapOf(plan, { service: node }) as any).bootstrap);
      // Ready, not merely alive, and without curl (the upstream image has none).
      assert.deepEqual(envoy.healthCheck.command, ["CMD", "/bin/bash", "-c", ENVOY_READY_CHECK]);
      assert.match(ENVOY_READY_CHECK, /GET \/ready/);
      assert.doesNotMatch(JSON.stringify(envoy), /curl/);
      const env = Object.fromEntries(envoy.environment.map((e: any) => [e.name, e.value]));
      assert.deepEqual(env, { ENVOY_LOG_LEVEL: "debug", LISTENER_DRAIN_WAIT_TIME_S: "20" });
      assert.ok(Number(env.LISTENER_DRAIN_WAIT_TIME_S) < envoy.stopTimeout);
      assert.deepEqual(envoy.portMappings, [], "the admin port is never mapped");
      assert.equal(named(plan, `mesh-${node}-task-role`).inputs.description, `Task of service ${node}: no AWS permissions`);
    });

  for (const node of NODES)
    it(`${node}: an essential lifecycle container carries the application's health, so a failing image fails its tasks and the deployment rolls back`, () => {
      const defs = containers(named(plan, `mesh-${node}-task`));
      assert.deepEqual(defs.map((c) => c.name), ["app", "envoy", "lifecycle"]);
      const lifecycle = defs[2];
      assert.deepEqual([lifecycle.essential, lifecycle.image, lifecycle.user, lifecycle.readonlyRootFilesystem], [true, `envoyproxy/envoy:${TESTED_ENVOY_VERSION}`, "1337", true]);
      // It asks Envoy (which checks the application on /healthcheck every 5 s) whether the app passes.
      assert.deepEqual(lifecycle.healthCheck, { command: ["CMD", "/bin/bash", "-c", APP_HEALTH_CHECK], interval: 5, timeout: 2, retries: 2, startPeriod: 60 });
      assert.deepEqual(lifecycle.dependsOn, [{ containerName: "app", condition: "START" }], "starts after the app: no deadlock with Envoy's own readiness");
      const bootstrap = JSON.parse(defs[1].command[2]);
      const local = bootstrap.static_resources.clusters.find((c: any) => c.name === "local-80");
      assert.equal(local.health_checks[0].http_health_check.path, "/healthcheck");
      assert.ok(bootstrap.static_resources.listeners.some((l: any) => l.name === "app-health"));
      const svc = named(plan, `mesh-${node}-service`, "aws:ecs/service:Service").inputs as any;
      assert.deepEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
    });

  it("a service's startPeriod and its listener's check pace set the health check ECS runs", async () => {
    const slow = await planOf("dev", (c) => {
      c["fargate-mesh:topology"].services.red.startPeriod = 180;
      c["fargate-mesh:topology"].services.red.listeners[0].healthCheck = { path: "/healthcheck", intervalMillis: 30000, unhealthyThreshold: 5 };
    });
    const lifecycle = containers(named(slow, "mesh-red-task")).find((c) => c.name === "lifecycle");
    assert.deepEqual([lifecycle.healthCheck.interval, lifecycle.healthCheck.retries, lifecycle.healthCheck.startPeriod], [30, 5, 180]);
  });

  it("reads as a preview: every resource marked + to create, the data plane named, settings it leaves aside listed", () => {
    const text = planText(plan);
    assert.match(text, /^Plan for stack dev: mesh colors-dev in us-east-1 on the envoy data plane, \d+ resources to create/);
    const tree = text.split("\n").filter((l) => /^\s*[-+] /.test(l));
    assert.equal(tree.length, plan.resources.length);
    assert.ok(tree.every((l) => l.trimStart().startsWith("+ ")), "no line reads as a deletion");
    assert.ok(text.includes("\nSettings the envoy data plane does not use\n  envoy.appMeshVersion: v1.29.12.1 is read by the appmesh data plane only\n"));
  });

  it("runs the tested Envoy release unless the description pins another, which plans with a note", async () => {
    assert.ok(!plan.model.notes.some((n) => n.path.startsWith("envoy.")), "the default release needs no note");
    const other = await planOf("dev", (c) => (c["fargate-mesh:topology"].envoy.version = "v1.36.4"));
    const envoy = containers(named(other, "mesh-red-task")).find((c) => c.name === "envoy");
    assert.equal(envoy.image, "envoyproxy/envoy:v1.36.4");
    assert.match(planText(other), new RegExp(`\nNotes\n  envoy.version: v1.36.4 differs from ${TESTED_ENVOY_VERSION}, the release fargate-mesh's tests load`));
    const mirror = await planOf("dev", (c) => (c["fargate-mesh:topology"].envoy.image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/envoy:${TESTED_ENVOY_VERSION}`));
    assert.deepEqual(mirror.model.notes.filter((n) => n.path.startsWith("envoy.")), [], "a mirror of the tested tag is the tested release");
  });

  it("drains inbound listeners through the admin interface on SIGTERM, then stops Envoy", () => {
    assert.match(ENVOY_WRAPPER, /trap drain TERM INT/);
    assert.match(ENVOY_WRAPPER, /POST \/drain_listeners\?graceful&inboundonly/);
    assert.match(ENVOY_WRAPPER, /sleep "\$LISTENER_DRAIN_WAIT_TIME_S"; else [^;]*; fi; kill -TERM "\$pid"/);
  });

  it("runs the gateway's Envoy alone, on its listener port, with the gateway bootstrap", () => {
    const task = named(plan, "mesh-gateway-task").inputs as any;
    assert.equal(task.proxyConfiguration, undefined);
    const [envoy, ...rest] = containers(named(plan, "mesh-gateway-task"));
    assert.deepEqual(rest, []);
    // The listener, and the readiness port the NLB's health check asks.
    assert.deepEqual(envoy.portMappings, [{ containerPort: 8080, protocol: "tcp" }, { containerPort: 15020, protocol: "tcp" }]);
    assert.equal(envoy.user, "1337", "an unprivileged port needs no root");
    const b = JSON.parse(envoy.command[2]);
    assert.deepEqual(b.static_resources.listeners.map((l: any) => l.name), ["gateway-8080", "gateway-ready"]);
    const svc = named(plan, "mesh-gateway-service", "aws:ecs/service:Service").inputs as any;
    assert.equal(svc.loadBalancers[0].containerName, "envoy");
  });

  it("still opens each node's port only to its callers", () => {
    const edges = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.parent!.name === "mesh")
      .map((r) => `${r.inputs.referencedSecurityGroupId} -> ${r.inputs.securityGroupId}`).sort();
    const sg = (n: string) => `{unknown:mesh-${n}-sg.id}`;
    assert.deepEqual(edges, [`${sg("blue")} -> ${sg("green")}`, `${sg("blue")} -> ${sg("red")}`, `${sg("blue")} -> ${sg("yellow")}`,
      `${sg("gateway")} -> ${sg("blue")}`, `${sg("gateway")} -> ${sg("green")}`, `${sg("gateway")} -> ${sg("yellow")}`].sort());
  });
});

describe("Envoy data plane options in a plan", () => {
  it("a gateway listening below 1024 keeps the image's user (root, the only one that may bind it) and the policy says so", async () => {
    const plan = await planOf("dev", (c) => { c["fargate-mesh:topology"].gateway.listeners[0].port = 80; });
    const [envoy] = containers(named(plan, "mesh-gateway-task"));
    assert.equal(envoy.user, undefined);
    assert.deepEqual(envoy.portMappings, [{ containerPort: 80, protocol: "tcp" }, { containerPort: 15020, protocol: "tcp" }]);
    const { findings } = await checkPlan(plan);
    assert.ok(findings.some((f) => f.policy === "ecs-non-root-user" && f.resource?.name === "mesh-gateway-task"));
  });

  it("an application container may name its user, which then satisfies ecs-non-root-user", async () => {
    const plan = await planOf("dev", (c) => { c["fargate-mesh:topology"].services.red.containers.app.user = "1000:1000"; });
    const [app] = containers(named(plan, "mesh-red-task"));
    assert.equal(app.user, "1000:1000");
    const { findings } = await checkPlan(plan);
    assert.ok(!findings.some((f) => f.policy === "ecs-non-root-user" && f.resource?.name === "mesh-red-task"));
    assert.ok(findings.some((f) => f.policy === "ecs-non-root-user" && f.resource?.name === "mesh-blue-task"), "blue still runs as its image's user");
  });

  it("the reference gateway (8080 behind the NLB's 80) passes ecs-non-root-user; only the colorapp containers remain", async () => {
    const plan = await planOf("dev");
    const { findings } = await checkPlan(plan);
    const nonRoot = findings.filter((f) => f.policy === "ecs-non-root-user");
    assert.ok(nonRoot.length > 0 && nonRoot.every((f) => f.resource?.name !== "mesh-gateway-task" && /\bapp\b/.test(f.message)), JSON.stringify(nonRoot));
  });

  it("X-Ray adds the daemon, tracing in each bootstrap, and a task policy with only the X-Ray actions", async () => {
    const plan = await planOf("dev", (c) => { c["fargate-mesh:topology"].envoy.xray = true; });
    const defs = containers(named(plan, "mesh-red-task"));
    assert.deepEqual(defs.map((c) => c.name), ["app", "envoy", "lifecycle", "xray-daemon"]);
    const b = JSON.parse(defs[1].command[2]);
    assert.equal(b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.tracing.provider.name, "envoy.tracers.xray");
    assert.deepEqual(policy(named(plan, "mesh-red-task-policy")).Statement.map((s: any) => s.Action), [["xray:PutTraceSegments", "xray:PutTelemetryRecords"]]);
  });

  it("proxy interception: no proxyConfiguration, and the apps' proxy variables point at the sidecar", async () => {
    const plan = await planOf("dev", (c) => { c["fargate-mesh:topology"].envoy.interception = "proxy"; });
    assert.equal((named(plan, "mesh-blue-task").inputs as any).proxyConfiguration, undefined);
    const [app, envoy] = containers(named(plan, "mesh-blue-task"));
    const env = Object.fromEntries(app.environment.map((e: any) => [e.name, e.value]));
    assert.deepEqual([env.COLOR, env.HTTP_PROXY, env.http_proxy], ["blue", "http://127.0.0.1:15001", "http://127.0.0.1:15001"]);
    assert.equal(env.NO_PROXY, "localhost,127.0.0.1,169.254.170.2,169.254.169.254,.amazonaws.com");
    assert.equal(envoy.user, "1337");
  });

  it("the App Mesh data plane names the settings it leaves aside", async () => {
    const text = planText(await planOf("dev", (c) => {
      c["fargate-mesh:environment"].dataPlane = "appmesh"; c["fargate-mesh:topology"].envoy.interception = "transparent"; c["fargate-mesh:topology"].services.red.startPeriod = 90;
    }));
    assert.match(text, /on the appmesh data plane/);
    const said = text.slice(text.indexOf("Settings the appmesh data plane does not use\n")).split("\n").slice(1);
    for (const line of ["  envoy.interception: App Mesh always intercepts transparently",
      "  (default) POST and PATCH retried only where the target never saw them: not applied: App Mesh's Envoy retries every method alike (retryPolicy.retryNonIdempotent is how App Mesh always behaves)"])
      assert.ok(said.includes(line), `${line}\n${text}`);
    assert.ok(said.some((l) => l.startsWith("  (default) retry budgets and circuit breakers: not applied")), text);
    // The app-health container's ECS health check waits it out there too.
    assert.ok(!said.some((l) => l.includes("startPeriod")), text);
  });

  it("the canary plans on the Envoy data plane too, with no App Mesh resource", async () => {
    const plan = await planOf(CANARY);
    assert.deepEqual(plan.resources.filter((r) => r.type.startsWith("aws:appmesh")), []);
    const found = bootstrapOf(plan, { service: "serviceA" });
    assert.ok(found.ok);
  });

  it("a task definition over ECS's 64 KiB stops the plan with the service's path, before anything is registered", () => {
    const m = model(withChange("dev", (t) => {
      for (let i = 0; i < 120; i++) t.services[`s${i}`] = { ...JSON.parse(JSON.stringify(t.services.green)), discovery: { cloudMap: { service: `s${i}` } } };
      t.services.blue.backends = [...t.services.blue.backends, ...Array.from({ length: 120 }, (_, i) => `s${i}`)];
    }));
    const issues = renderingIssues(m);
    // 122 backends also pass the security group quota: both are said at once.
    assert.deepEqual(issues.map((i) => i.path), ["services.blue", "services.blue.backends"]);
    assert.match(issues[0].message, /^service blue's task definition would be \d+\.\d KiB with its Envoy bootstrap inline; ECS accepts at most 64 KiB/);
    resetRecording();
    assert.throws(() => new FargateMesh("mesh", { model: m }), (e: Error) => e instanceof ConfigError && e.issues[0].path === "services.blue");
    assert.deepEqual(recordedResources(), []);
    assert.deepEqual(renderingIssues(model(withChange("dev", () => undefined))), []);
  });
});

describe("ECS Exec in a plan (finding 11)", () => {
  let plan: Plan;
  before(async () => { plan = await planOf("dev", (c) => { c["fargate-mesh:topology"].services.red.ecsExec = true; }); });
  const AGENT_PATHS = ["/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"];

  it("keeps the app's root filesystem read-only and gives the exec agent writable task volumes of its own", () => {
    const task = named(plan, "mesh-red-task").inputs as any;
    const app = containers(named(plan, "mesh-red-task")).find((c) => c.name === "app");
    assert.equal(app.readonlyRootFilesystem, true);
    assert.deepEqual(app.mountPoints.map((m: any) => m.containerPath), AGENT_PATHS);
    assert.ok(app.mountPoints.every((m: any) => m.readOnly === false));
    // Every mount names a volume of the task, which is ephemeral (no host path, no EFS).
    const volumes = new Map(task.volumes.map((v: any) => [v.name, v]));
    for (const m of app.mountPoints) assert.deepEqual(volumes.get(m.sourceVolume), { name: m.sourceVolume });
    assert.equal(new Set(app.mountPoints.map((m: any) => m.sourceVolume)).size, AGENT_PATHS.length);
    // A service without ECS Exec is unchanged.
    assert.equal((named(plan, "mesh-blue-task").inputs as any).volumes, undefined);
    assert.equal(containers(named(plan, "mesh-blue-task"))[0].mountPoints, undefined);
  });

  it("logs every session to a log group of its own, kept like the mesh's other logs, and lets only exec tasks write there", () => {
    const group = ofType(plan, "aws:cloudwatch/logGroup:LogGroup").find((g) => g.name === "mesh-exec-logs")!;
    assert.ok(group, "an exec log group");
    const others = ofType(plan, "aws:cloudwatch/logGroup:LogGroup").filter((g) => g !== group);
    assert.ok(others.every((g) => g.inputs.retentionInDays === group.inputs.retentionInDays && g.inputs.kmsKeyId === group.inputs.kmsKeyId));
    const exec = (named(plan, "mesh-cluster").inputs as any).configuration.executeCommandConfiguration;
    assert.equal(exec.logging, "OVERRIDE");
    assert.equal(exec.logConfiguration.cloudWatchLogGroupName, group.inputs.name);
    // The task role of red, and of red only, may find the group and write its streams.
    const arn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${group.inputs.name}`;
    assert.deepEqual(policy(named(plan, "mesh-red-exec-session-logs")).Statement, [
      { Sid: "FindExecLogGroup", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: ["*"] },
      { Sid: "WriteExecSessions", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], Resource: [arn, `${arn}:*`] },
    ]);
    assert.match(String(named(plan, "mesh-red-exec-session-logs").inputs.role), /mesh-red-task-role/, "on the task role, not the execution role");
    assert.deepEqual(plan.resources.filter((r) => r.name.endsWith("-exec-session-logs")).map((r) => r.name), ["mesh-red-exec-session-logs"]);
  });

  it("passes the policy pack's mandatory rules (DescribeLogGroups has no resource-level permission)", async () => {
    const { findings } = await checkPlan(plan);
    assert.deepEqual(findings.filter((f) => f.level === "mandatory"), []);
  });

  it("without ECS Exec the cluster logs no sessions and no exec log group exists", async () => {
    const dev = await planOf("dev");
    assert.equal((named(dev, "mesh-cluster").inputs as any).configuration, undefined);
    assert.ok(!dev.resources.some((r) => r.name === "mesh-exec-logs"));
  });
});

describe("mutual TLS in a plan (examples/mtls.yaml)", () => {
  let plan: Plan;
  before(async () => { plan = await planOf(MTLS); });

  it("passes mesh-listener-tls and mesh-client-tls with no exception, and no mandatory policy fails", async () => {
    const { findings } = await checkPlan(plan);
    assert.deepEqual(findings.filter((f) => f.policy === "mesh-listener-tls" || f.policy === "mesh-client-tls"), []);
    assert.deepEqual(findings.filter((f) => f.level === "mandatory" && !f.exception), []);
  });

  it("lets each execution role read exactly its Envoy's TLS secrets, and the URL says https", () => {
    const read = policy(named(plan, "mesh-back-execution-secrets"));
    assert.deepEqual(read.Statement, [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [
      "arn:aws:secretsmanager:us-east-1:111122223333:secret:shop/back-tls-AbCdEf", "arn:aws:secretsmanager:us-east-1:111122223333:secret:shop/mesh-ca-AbCdEf"] }]);
    assert.equal(named(plan, "mesh-back-execution-secrets").inputs.role, "{unknown:mesh-back-execution-role.name}");
    assert.match(String(plan.outputs.url), /^https:\/\/\{unknown:mesh-gateway-nlb\.dnsName\}$/);
    const [envoy] = containers(named(plan, "mesh-gateway-task"));
    assert.deepEqual([envoy.user, envoy.portMappings], ["1337", [{ containerPort: 8443, protocol: "tcp" }, { containerPort: 15020, protocol: "tcp" }]]);
  });
});

describe("quotas a plan can break", () => {
  it("a node called by more callers than a security group holds rules is rejected with its path", () => {
    const m = model(withChange("dev", (t) => {
      for (let i = 0; i < 61; i++) t.services[`c${i}`] = { containers: { app: { image: "registry.example.com/c:1" } }, backends: ["red"] };
    }));
    const found = renderingIssues(m).filter((i) => i.path === "services.red");
    assert.deepEqual(found.map((i) => i.message), ["would need 62 inbound security group rules (one per caller and port); a security group holds 60 by default: put a router in front, reduce its callers, or raise the EC2 quota first"]);
  });

  it("a caller of more backend ports than a security group holds rules is rejected with its path", () => {
    const m = model(withChange("dev", (t) => {
      for (let i = 0; i < 60; i++) t.services[`b${i}`] = { ...JSON.parse(JSON.stringify(t.services.red)), discovery: { cloudMap: { service: `b${i}` } } };
      t.services.blue.backends = [...t.services.blue.backends, ...Array.from({ length: 60 }, (_, i) => `b${i}`)];
    }));
    assert.ok(renderingIssues(m).some((i) => i.path === "services.blue.backends" && i.message.startsWith("would need 64 outbound security group rules")));
  });
});

describe("npm run envoy-config", () => {
  it("prints the bootstrap of every service and the gateway of every reference stack, as its task definition carries it", async () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const plan = await planOf(stack);
      for (const target of [...plan.model.nodes.map((n) => ({ service: n.key })), { gateway: true as const }]) {
        const found = bootstrapOf(plan, target);
        assert.ok(found.ok && (found.bootstrap as any).static_resources, `${stack} ${JSON.stringify(target)}`);
      }
    }
  });

  it("says why there is nothing to print", async () => {
    assert.deepEqual(bootstrapOf(await planOf("dev"), { service: "purple" }), { ok: false, message: "stack dev has no service purple; known: red, blue, green, yellow" });
    assert.deepEqual(bootstrapOf(await planOf("dev", "appmesh"), { service: "red" }),
      { ok: false, message: "stack dev runs the appmesh data plane: its Envoys stream their configuration from App Mesh, so no bootstrap is generated" });
  });
});
