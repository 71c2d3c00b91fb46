/**
 * The mesh carries real requests (tools/rehearse/session.ts): a reference stack's whole data
 * plane with real Envoy, and requests from the internet's side of the NLB and from services'
 * tasks. Nothing here states the stack's weights: the expected shares are read from the plan, so
 * a user's weight edit cannot break it. Thresholds: a share is within 3 standard deviations
 * of its binomial expectation (about 1 run in 370 per target fails by chance).
 */
import { strict as assert } from "assert";
import { Rehearsal } from "../../tools/rehearse/session";
import { checkTraffic, judge } from "../../tools/rehearse/check";
import { rehearsalUnavailable } from "../../tools/rehearse/sys";
import { toDocument } from "../../tools/plan-document";
import { routeRequest } from "../../tools/routing";
import { expectationsFile, readExpectations } from "../../tools/routing/expectations";
import { parseRequest } from "../../tools/routing/request";
import { planOf } from "../components/plan-helpers";
import type { Plan } from "../../tools/plan-core";

/** Starts a rehearsal of each plan, all at once, with the suite's Envoy; fails saying why where it cannot run. */
async function rehearseAll(...plans: Plan[]): Promise<Rehearsal[]> {
  const why = rehearsalUnavailable();
  if (why) throw new Error(`the rehearsal runs Envoy in network namespaces: ${why}`);
  const runs = plans.map((p) => new Rehearsal(p, { envoy: process.env.FARGATE_MESH_ENVOY!, envoyImage: p.model.envoy.image }));
  await Promise.all(runs.map((r) => r.start()));
  return runs;
}

describe("the mesh carries real requests: a rehearsal of the staging stack", function () {
  this.timeout(240_000);
  let staging: Rehearsal;
  let open: Rehearsal;

  before(async () => {
    const plan = await planOf("staging");
    // The same stack with egress ALLOW_ALL, started alongside.
    const allowAll = await planOf("staging", (c) => (c["fargate-mesh:topology"].mesh.egressFilter = "ALLOW_ALL"));
    [staging, open] = await rehearseAll(plan, allowAll);
  });

  after(() => { staging?.destroy(); open?.destroy(); });

  it("the gateway's router route splits as the plan's weights say, in 2000 requests", async () => {
    const gr = staging.plan.model.gateway!.routes.find((r) => staging.plan.model.routers.some((x) => x.serviceName === r.target.virtualService))!;
    const router = staging.plan.model.routers.find((x) => x.serviceName === gr.target.virtualService)!;
    const expect = Object.fromEntries(router.routes[0].targets.map((t) => [t.node, t.percent]));
    const o = await staging.request("gateway", "GET", gr.match.prefix!, 2000);
    assert.equal(o.total, 2000);
    const verdict = judge({ from: "gateway", request: `GET ${gr.match.prefix}`, expect }, o);
    assert.ok(verdict.ok, `${JSON.stringify(o.byService)}: ${verdict.why}`);
  });

  it("every expectation of the stack holds with traffic, and npm run routes predicts what traffic does", async () => {
    const file = expectationsFile({ stack: "staging" });
    const expectations = readExpectations(file);
    const results = await checkTraffic(staging, expectations, 200);
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => r.message), []);
    const doc = toDocument(staging.plan);
    for (const r of results) {
      const predicted = routeRequest(doc, r.expectation.from, parseRequest(r.expectation.request, r.expectation.headers ?? {}));
      const asExpectation = { ...r.expectation, expect: predicted.outcome === "refused" ? "refused" as const : predicted.shares };
      const verdict = judge(asExpectation, r.observed);
      assert.ok(verdict.ok, `${r.expectation.from} ${r.expectation.request}: routes predicts ${JSON.stringify(asExpectation.expect)}, traffic gave ${JSON.stringify(r.observed.byService)} (${verdict.why})`);
    }
  });

  it("a call to a service that is not a backend is refused under DROP_ALL and goes through under ALLOW_ALL", async () => {
    const m = staging.plan.model;
    const caller = m.nodes.find((n) => n.listeners.length && m.nodes.some((x) => x !== n && x.listeners.length && !n.backendKeys.includes(x.key)))!;
    const stranger = m.nodes.find((x) => x !== caller && x.listeners.length && !caller.backendKeys.includes(x.key))!;
    const url = `http://${stranger.discovery.kind === "cloudMap" ? `${stranger.discovery.service}.${stranger.discovery.namespace}` : stranger.discovery.hostname}:${stranger.listeners[0].port}/`;
    const dropped = await staging.request(caller.key, "GET", url, 20);
    assert.ok(judge({ from: caller.key, request: `GET ${url}`, expect: "refused" }, dropped).ok, JSON.stringify(dropped));
    const passed = await open.request(caller.key, "GET", url, 20);
    assert.deepEqual(passed.byService, { [stranger.key]: 20 }, JSON.stringify(passed));
  });
});

describe("the mesh carries real requests: seed 000's canary over HTTP/2", function () {
  this.timeout(240_000);
  const CANARY = require("path").join(__dirname, "../../examples/canary.yaml");
  let canary: Rehearsal;
  let promoted: Rehearsal;

  before(async () => {
    const plan = await planOf(CANARY);
    // The last step of the story: everything to v2, no application or DNS name changed.
    const router = plan.model.routers[0];
    const [first, ...rest] = router.routes[0].targets;
    const all = await planOf(CANARY, (c) => {
      const r = c["fargate-mesh:topology"].routers[router.key];
      r.routes[router.routes[0].key].targets = { [first.node]: 0, ...Object.fromEntries(rest.map((t, i) => [t.node, i === 0 ? 100 : 0])) };
    });
    [canary, promoted] = await rehearseAll(plan, all);
  });

  after(() => { canary?.destroy(); promoted?.destroy(); });

  const callerOf = (r: Rehearsal) => {
    const router = r.plan.model.routers[0];
    const caller = r.plan.model.nodes.find((n) => n.backendKeys.includes(router.key))!;
    return { caller, router, url: `http://${router.serviceName}:${router.listeners[0].port}/` };
  };

  it("the caller's requests split between the versions as the route's weights say (1000 requests, HTTP/2 upstream)", async () => {
    const { caller, router, url } = callerOf(canary);
    assert.equal(router.listeners[0].protocol, "http2");
    const o = await canary.request(caller.key, "GET", url, 1000);
    const expect = Object.fromEntries(router.routes[0].targets.map((t) => [t.node, t.percent]));
    const verdict = judge({ from: caller.key, request: `GET ${url}`, expect }, o);
    assert.ok(verdict.ok, `${JSON.stringify(o.byService)}: ${verdict.why}`);
  });

  it("after the weights move to 0/100 everything reaches v2, and the target with weight 0 receives nothing", async () => {
    const { caller, router, url } = callerOf(promoted);
    const o = await promoted.request(caller.key, "GET", url, 300);
    const zero = router.routes[0].targets.find((t) => t.weight === 0)!;
    const full = router.routes[0].targets.find((t) => t.weight === 100)!;
    assert.deepEqual(o.byService, { [full.node]: 300 }, JSON.stringify(o));
    assert.equal(o.byService[zero.node], undefined);
  });
});
