/**
 * The logs-and-operations gaps of issue 20: the app-health container removed, log groups or the
 * gateway's access log removed, retention below the stack's stated minimum. Each case mutates a
 * real plan (envoy or appmesh data plane) into one misconfiguration and asserts that the named
 * policy flags that resource at its level with the expected message; the unmutated plans stay
 * silent.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { APP_HEALTH_CHECK } from "../../components/dataplanes/envoy/health";
import { ENVOY_READY_CHECK } from "../../components/dataplanes/envoy/sidecar";
import { LOG_RETENTION_TAG } from "../../model/log-retention";
import { inlineBootstrap } from "../../policy/helpers";
import { APP_HEALTH_CONTAINERS, LOG_RETENTION_TAG as POLICY_RETENTION_TAG } from "../../policy/operations";
import { policies } from "../../policy/policies";
import { PROJECT_DIR } from "../../stacks/files";
import { checkResources, Finding } from "../../tools/check-core";
import type { Plan, PlannedResource } from "../../tools/plan-core";
import { CANARY, MTLS } from "../helpers";
import { onDataPlane, planOf } from "../components/plan-helpers";

type Resources = PlannedResource[];
type Plane = "envoy" | "appmesh" | "lattice";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const res = (rs: Resources, name: string, type?: string) => {
  const r = rs.find((x) => x.name === name && (!type || x.type === type));
  if (!r) throw new Error(`no resource ${name}`);
  return r;
};
const defs = (r: PlannedResource, edit: (d: any[]) => void) => {
  const d = JSON.parse(r.inputs.containerDefinitions as string);
  edit(d);
  r.inputs.containerDefinitions = JSON.stringify(d);
};
const named = (d: any[], name: string) => d.find((c) => c.name === name);
const without = (d: any[], name: string) => d.splice(d.findIndex((c) => c.name === name), 1);
const bootstrap = (r: PlannedResource, edit: (b: any) => void) => defs(r, (d) => {
  const found = inlineBootstrap({ containerDefinitions: d })!;
  const c = named(d, found.container.name);
  const i = c.command.findIndex((a: string) => a.startsWith("{"));
  edit(found.bootstrap);
  c.command[i] = JSON.stringify(found.bootstrap);
});
const listener = (b: any, name: string) => b.static_resources.listeners.find((l: any) => l.name === name);
const hcmOf = (l: any) => l.filter_chains[0].filters[0].typed_config;
/** The retention the plan's log groups state. */
const stated = (rs: Resources) => Number((rs.find((r) => r.type === LOG_GROUP)!.inputs.tags as any)[LOG_RETENTION_TAG]);

const NO_HEALTH = "no lifecycle or app-health container reports the applications' health to ECS; without it an image that fails its health check keeps running and the deployment circuit breaker never rolls it back";
const MUST = "; it must run the listeners' health check against the application";
const GATEWAY_LOG = "the gateway's Envoy keeps no access log on gateway-8080; keep gateway.accessLog (the edge's only record of who called)";

/** [policy, resource flagged, how to break the plan, the message (or a pattern), plane] */
export const OPERATIONS_CASES: [string, string, (rs: Resources) => void, string | RegExp | ((rs: Resources) => string), Plane?][] = [
  // The app-health container removed, or made harmless.
  ["mesh-app-health-reported", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => without(d, "lifecycle")), NO_HEALTH],
  ["mesh-app-health-reported", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => without(d, "app-health")), NO_HEALTH, "appmesh"],
  ["mesh-app-health-reported", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => (named(d, "lifecycle").name = "lifecycle-old")), NO_HEALTH],
  ["mesh-app-health-reported", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => (named(d, "lifecycle").essential = false)),
    "container lifecycle: make it essential, so that its failing health check makes the task UNHEALTHY"],
  ["mesh-app-health-reported", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => delete named(d, "app-health").healthCheck),
    `container app-health: its health check is not a shell probe (CMD /bin/bash -c <script>)${MUST}`, "appmesh"],
  ["mesh-app-health-reported", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => (named(d, "lifecycle").healthCheck.command[3] = ENVOY_READY_CHECK)),
    `container lifecycle: its health check asks no Envoy health_check listener of the bootstrap about the application${MUST}`],
  ["mesh-app-health-reported", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => (named(d, "lifecycle").healthCheck.command[3] = `${APP_HEALTH_CHECK} || true`)),
    `container lifecycle: runs more than one conjunction of commands (;, a newline, || or &), so the probe's failure need not fail the check${MUST}`],
  ["mesh-app-health-reported", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => (named(d, "lifecycle").healthCheck.command[3] = `true && ${APP_HEALTH_CHECK}`)),
    `container lifecycle: contains a command that always succeeds or ends the check (true, :, exit)${MUST}`],
  ["mesh-app-health-reported", "mesh-red-task", (rs) => bootstrap(res(rs, "mesh-red-task"), (b) => {
    listener(b, "app-health").filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.cluster_min_healthy_percentages = {};
  }), `container lifecycle: its health check's Envoy listener does not require the actively checked local cluster of port 80 to be healthy${MUST}`],
  ["mesh-app-health-reported", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => (named(d, "app-health").healthCheck.command[3] = "exec 3<>/dev/tcp/127.0.0.1/9901")),
    `container app-health: its health check does not probe the application on 127.0.0.1 port 80${MUST}`, "appmesh"],
  ["mesh-app-health-reported", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => (named(d, "app-health").dependsOn = [])),
    "container app-health: add dependsOn { containerName: app, condition: START }, so that it starts after (and covers) app", "appmesh"],
  // Log groups removed, or logs sent elsewhere.
  ["logs-awslogs-planned-group", "mesh-red-task", (rs) => rs.splice(rs.indexOf(res(rs, "mesh-red-logs")), 1),
    /^container (app|envoy|lifecycle): logs to \/ecs\/colors-dev\/red, which no log group of this stack creates, so its retention and encryption are nobody's; log to the task's own log group$/],
  ["logs-awslogs-planned-group", "mesh-red-task", (rs) => defs(res(rs, "mesh-red-task"), (d) => (named(d, "app-health").logConfiguration.options["awslogs-group"] = "/somewhere/else")),
    "container app-health: logs to /somewhere/else, which no log group of this stack creates, so its retention and encryption are nobody's; log to the task's own log group", "appmesh"],
  ["logs-awslogs-planned-group", "mesh-gateway-task", (rs) => defs(res(rs, "mesh-gateway-task"), (d) => (named(d, "envoy").logConfiguration = { logDriver: "none" })),
    "container envoy: send its logs with logDriver awslogs (got none) to the task's log group"],
  // The gateway's access log removed.
  ["gateway-access-log", "mesh-gateway-task", (rs) => bootstrap(res(rs, "mesh-gateway-task"), (b) => (hcmOf(listener(b, "gateway-8080")).access_log = [])), GATEWAY_LOG],
  ["gateway-access-log", "mesh-gateway-task", (rs) => {
    // Untagged, it is still known as the gateway: an Envoy alone in its task.
    const r = res(rs, "mesh-gateway-task");
    delete (r.inputs.tags as any)["fargate-mesh:component"];
    bootstrap(r, (b) => delete hcmOf(listener(b, "gateway-8080")).access_log);
  }, GATEWAY_LOG],
  ["gateway-access-log", "mesh-appmesh-gateway", (rs) => delete (res(rs, "mesh-appmesh-gateway").inputs as any).spec.logging,
    "spec.logging.accessLog.file.path is unset, so the gateway keeps no access log; keep gateway.accessLog (the edge's only record of who called)", "appmesh"],
  // Retention below the stack's stated minimum.
  ["logs-retention-stated", "mesh-red-logs", (rs) => (res(rs, "mesh-red-logs").inputs.retentionInDays = 7),
    (rs) => `retentionInDays is 7, below the ${stated(rs)} days the stack states (logs.retentionDays); set logs.retentionDays rather than editing a log group`],
  ["logs-retention-stated", "mesh-red-logs", (rs) => delete res(rs, "mesh-red-logs").inputs.retentionInDays,
    (rs) => `retentionInDays is unset; the stack states ${stated(rs)} days (logs.retentionDays)`, "appmesh"],
  ["logs-retention-stated", "mesh-network-flow-logs", (rs) => {
    // Its own statement removed with it: the other groups still state the minimum.
    const r = res(rs, "mesh-network-flow-logs", LOG_GROUP);
    r.inputs.retentionInDays = 1;
    delete (r.inputs.tags as any)[LOG_RETENTION_TAG];
  }, /^retentionInDays is 1, below the \d+ days the stack states/],
  ["logs-retention-stated", "mesh-lattice-access-logs", (rs) => (res(rs, "mesh-lattice-access-logs", LOG_GROUP).inputs.retentionInDays = 3),
    /^retentionInDays is 3, below the \d+ days the stack states/, "lattice"],
];

const OPERATIONS_POLICIES = [...new Set(OPERATIONS_CASES.map((c) => c[0]))];
const only = (f: Finding[], policy: string, resource: string) => f.filter((x) => x.policy === policy && x.resource?.name === resource);

describe("policy gaps: logs and operations", () => {
  const plans: Record<string, Plan> = {};
  before(async () => {
    for (const s of ["dev", "staging", "prod"]) plans[s] = await planOf(s);
    plans.appmesh = await planOf("dev", "appmesh");
    plans["prod-appmesh"] = await planOf("prod", "appmesh");
    plans.lattice = await planOf("dev", "lattice");
    plans.proxy = await planOf("dev", (c) => (c["fargate-mesh:topology"].envoy.interception = "proxy"));
    plans.xray = await planOf("dev", (c) => { onDataPlane("appmesh")(c); c["fargate-mesh:topology"].envoy.xray = true; });
    plans.mtls = await planOf(MTLS);
    plans.canary = await planOf(CANARY);
    plans["canary-appmesh"] = await planOf(CANARY, "appmesh");
    plans["header-canary"] = await planOf(path.join(PROJECT_DIR, "examples", "header-canary.yaml"));
    plans["header-canary-appmesh"] = await planOf(path.join(PROJECT_DIR, "examples", "header-canary.yaml"), (c) => {
      onDataPlane("appmesh")(c);
      c["fargate-mesh:topology"].envoy = { ...(c["fargate-mesh:topology"].envoy ?? {}), appMeshVersion: "v1.29.12.1" };
    });
  });
  const fresh = (plane: Plane = "envoy"): Resources => JSON.parse(JSON.stringify(plans[plane === "envoy" ? "dev" : plane].resources));

  it("the pack and the plan name the same containers and tag", () => {
    assert.equal(POLICY_RETENTION_TAG, LOG_RETENTION_TAG);
    assert.deepEqual(APP_HEALTH_CONTAINERS, [require("../../components/dataplanes/envoy/sidecar").LIFECYCLE_CONTAINER, require("../../components/dataplanes/appmesh/app-health").APP_HEALTH_CONTAINER]);
  });

  for (const [policy, resource, breakIt, message, plane] of OPERATIONS_CASES) {
    const shown = typeof message === "function" ? "(from the plan)" : String(message);
    it(`${policy} flags ${resource} (${plane ?? "envoy"}): ${shown.slice(0, 90)}`, async () => {
      const rs = fresh(plane);
      const level = policies.find((p) => p.name === policy)!.enforcementLevel;
      const before = only(await checkResources("dev", rs), policy, resource);
      assert.deepEqual(before, []);
      breakIt(rs);
      const after = only(await checkResources("dev", rs), policy, resource);
      assert.ok(after.length > 0, "silent");
      for (const f of after) {
        assert.equal(f.level, level);
        if (message instanceof RegExp) assert.match(f.message, message);
        else assert.equal(f.message, typeof message === "function" ? message(rs) : message);
      }
    });
  }

  for (const stack of ["dev", "staging", "prod", "appmesh", "prod-appmesh", "lattice", "proxy", "xray", "mtls", "canary", "canary-appmesh", "header-canary", "header-canary-appmesh"]) {
    it(`the unmutated ${stack} plan breaks none of these policies`, async () => {
      const f = (await checkResources(stack, plans[stack].resources)).filter((x) => OPERATIONS_POLICIES.includes(x.policy));
      assert.deepEqual(f.map((x) => `${x.policy} ${x.resource?.name}: ${x.message}`), []);
    });
  }

  it("every log group of a plan states the stack's retention, and keeps it", () => {
    for (const stack of ["dev", "prod", "lattice"]) {
      const groups = plans[stack].resources.filter((r) => r.type === LOG_GROUP);
      assert.ok(groups.length > 1, stack);
      for (const g of groups) {
        assert.equal((g.inputs.tags as any)[LOG_RETENTION_TAG], String(plans[stack].model.logs.retentionDays), `${stack} ${g.name}`);
        assert.equal(g.inputs.retentionInDays, plans[stack].model.logs.retentionDays, `${stack} ${g.name}`);
      }
    }
  });

  it("a gateway whose description names no access log still logs, to stdout", () => {
    // The examples' gateways set none; the edge logs anyway (model default), so the policy holds there.
    const hc = plans["header-canary"];
    assert.equal(hc.model.gateway!.accessLog?.path, "/dev/stdout");
    const gw = inlineBootstrap(hc.resources.find((r) => r.name === "mesh-gateway-task")!.inputs)!.bootstrap;
    const traffic = gw.static_resources.listeners.filter((l: any) => l.name.startsWith("gateway-") && l.name !== "gateway-ready");
    assert.ok(traffic.length > 0);
    for (const l of traffic) assert.equal(hcmOf(l).access_log[0].name, "envoy.access_loggers.stdout", l.name);
    const vg = plans["header-canary-appmesh"].resources.find((r) => r.type === "aws:appmesh/virtualGateway:VirtualGateway")!;
    assert.equal((vg.inputs as any).spec.logging.accessLog.file.path, "/dev/stdout");
  });
});
