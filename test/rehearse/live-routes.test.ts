/**
 * envoy.routeUpdates: live with traffic: the staging stack's data plane with real Envoy, each
 * caller's AppConfig Agent played by a stand-in that serves what the rehearsal "deploys"
 * (tools/rehearse/standin-agent.js), and the relay, the routes volume and its init container as
 * the task definitions say. A new version of the gateway's route tables (weights turned around,
 * rendered by the same code as the plan) changes the split within the relay interval plus 5 s,
 * under load with no failed request, without restarting Envoy; a malformed version is refused
 * and the routes stay; a task whose tables are not in AppConfig never becomes HEALTHY.
 * Expected shares come from the plans, never from the stack's literal weights.
 */
import { strict as assert } from "assert";
import { RELAY_INTERVAL_SECONDS } from "../../components/dataplanes/envoy/route-relay";
import { judge } from "../../tools/rehearse/check";
import { appConfigVersions } from "../../tools/rehearse/mesh";
import type { Rehearsal } from "../../tools/rehearse/session";
import type { Plan } from "../../tools/plan-core";
import { planOf } from "../components/plan-helpers";
import { turnWeights } from "../../tools/bench-routes";
import { rehearseAll } from "./helpers";

const TOPO = "fargate-mesh:topology";
const live = (c: any) => { c[TOPO].envoy.routeUpdates = "live"; };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The gateway route that targets a router, and the shares its plan gives that router's first route. */
function routerRoute(plan: Plan) {
  const m = plan.model;
  const gr = m.gateway!.routes.find((r) => m.routers.some((x) => x.serviceName === r.target.virtualService))!;
  const router = m.routers.find((x) => x.serviceName === gr.target.virtualService)!;
  return { prefix: gr.match.prefix!, expect: Object.fromEntries(router.routes[0].targets.map((t) => [t.node, t.percent])) };
}

describe("the mesh carries real requests: route tables updated live from AppConfig", function () {
  this.timeout(240_000);
  let r: Rehearsal;
  let next: Plan;

  before(async () => {
    const plan = await planOf("staging", live);
    next = await planOf("staging", (c) => { live(c); turnWeights(c); });
    [r] = await rehearseAll([plan]);
  });
  after(() => r?.destroy());

  const gatewayEnvoy = () => r.mesh.tasksOf("gateway")[0];
  const gatewayStat = (name: string) => r.mesh.tasksOf("gateway").reduce((n, t) => n + (t.envoyStats(name.replace(/\./g, "\\."))[name] ?? 0), 0);

  it("starts on the deployed version, then takes a new one within the relay interval + 5 s, under load, with no failed request and no restart", async () => {
    const { prefix, expect } = routerRoute(r.plan);
    const first = await r.request("gateway", "GET", prefix, 400);
    assert.ok(judge({ from: "gateway", request: `GET ${prefix}`, expect }, first).ok, `before: ${JSON.stringify(first.byService)} vs ${JSON.stringify(expect)}`);
    const uptime = Math.min(...r.mesh.tasksOf("gateway").map((t) => t.envoyStats("server\\.uptime")["server.uptime"]));

    const target = routerRoute(next).expect;
    assert.notDeepEqual(target, expect, "the new version changes the split");
    // Load throughout the switch: 50 requests a second for 14 s.
    const load = r.request("gateway", "GET", prefix, 700, {}, { rps: 50 });
    await sleep(1000);
    const published = Date.now();
    for (const v of appConfigVersions(next)) r.mesh.publish(v.path, v.content);
    let took = -1;
    while (Date.now() - published < (RELAY_INTERVAL_SECONDS + 5) * 1000) {
      const o = await r.request("gateway", "GET", prefix, 200);
      if (judge({ from: "gateway", request: `GET ${prefix}`, expect: target }, o).ok) { took = Date.now() - published; break; }
    }
    assert.ok(took >= 0, `the split did not change within ${RELAY_INTERVAL_SECONDS + 5} s`);
    const during = await load;
    assert.deepEqual(Object.keys(during.byStatus), ["200"], `requests failed during the switch: ${JSON.stringify(during.byStatus)}`);
    for (const t of r.mesh.tasksOf("gateway")) {
      assert.ok(t.envoyStats("server\\.uptime")["server.uptime"] >= uptime, "Envoy was not restarted (its uptime carries on)");
      assert.match(t.container("envoy").log, /route table gateway-\d+: new version from AppConfig/);
    }
    process.stderr.write(`      (new split observed ${took} ms after publishing)\n`);
  });

  it("a malformed version is refused: the routes stay, and Envoy says so in its log and its stats", async () => {
    const { prefix, expect } = routerRoute(next);
    const path = appConfigVersions(next).find((v) => v.path.includes("/environments/gateway-"))!.path;
    const table = /configurations\/(.+)$/.exec(path)![1];
    const failures = gatewayStat(`http.${table}.rds.${table}.update_failure`);
    r.mesh.publish(path, "{ not json");
    await sleep((RELAY_INTERVAL_SECONDS + 2) * 1000);
    assert.ok(gatewayStat(`http.${table}.rds.${table}.update_failure`) > failures, "Envoy counted the refused file");
    assert.match(gatewayEnvoy().container("envoy").log, /Filesystem config update failure/);
    const o = await r.request("gateway", "GET", prefix, 400);
    assert.ok(judge({ from: "gateway", request: `GET ${prefix}`, expect }, o).ok, `the previous routes stay: ${JSON.stringify(o.byService)}`);
  });

  it("a task whose route tables are not in AppConfig never becomes HEALTHY, and its application never starts; it does once they are", async () => {
    const caller = r.plan.model.nodes.find((n) => appConfigVersions(r.plan).some((v) => v.path.includes(`/environments/${n.key}-`)))!;
    const versions = appConfigVersions(r.plan).filter((v) => v.path.includes(`/environments/${caller.key}-`));
    for (const v of versions) r.mesh.unpublish(v.path);
    const svc = r.mesh.services.find((s) => s.key === caller.key)!;
    const task = r.mesh.addTask(svc);
    await sleep(12_000);
    assert.notEqual(task.container("envoy").status, "HEALTHY");
    for (const c of caller.containers) assert.equal(task.container(c.name).state, "PENDING", `${c.name} waits for a ready Envoy`);
    for (const v of versions) r.mesh.publish(v.path, v.content);
    for (const t0 = Date.now(); Date.now() - t0 < 30_000 && task.health !== "HEALTHY"; ) await sleep(500);
    assert.equal(task.health, "HEALTHY", task.container("envoy").log.slice(-2000));
  });
});
