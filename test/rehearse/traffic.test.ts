/**
 * The mesh carries real requests (tools/rehearse/session.ts): a reference stack's whole data
 * plane with real Envoy, and requests from the internet's side of the NLB and from services'
 * tasks. Nothing here states the stack's weights: the expected shares are read from the plan, so
 * a user's weight edit cannot break it. Thresholds: a share is within 4.5 standard deviations
 * of its binomial expectation (about 1 in 150,000 per target fails by chance).
 */
import { strict as assert } from "assert";
import { Rehearsal } from "../../tools/rehearse/session";
import { connects, reachOf, rehearseAll } from "./helpers";
import { checkTraffic, judge } from "../../tools/rehearse/check";
import { PROXY_EGRESS_PORT, PROXY_INGRESS_PORT } from "../../model/task-ports";
import { toDocument } from "../../tools/plan-document";
import { routeRequest } from "../../tools/routing";
import { expectationsFile, readExpectations } from "../../tools/routing/expectations";
import { parseRequest } from "../../tools/routing/request";
import { planOf } from "../components/plan-helpers";
import { FIXTURE } from "../helpers";

describe("the mesh carries real requests: a rehearsal of the staging stack", function () {
  this.timeout(240_000);
  let staging: Rehearsal;
  let open: Rehearsal;
  /** DROP_ALL, with every service's port 443 let past Envoy (services.<s>.egressIgnoredPorts). */
  let bypass: Rehearsal;

  before(async () => {
    const plan = await planOf("staging");
    // The same stack with egress ALLOW_ALL, started alongside.
    const allowAll = await planOf("staging", (c) => (c["fargate-mesh:topology"].mesh.egressFilter = "ALLOW_ALL"));
    const ignored = await planOf("staging", (c) => { for (const svc of Object.values<any>(c["fargate-mesh:topology"].services)) svc.egressIgnoredPorts = [443]; });
    [staging, open, bypass] = await rehearseAll([plan, allowAll, ignored]);
  });

  after(() => { staging?.destroy(); open?.destroy(); bypass?.destroy(); });

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
    const file = expectationsFile({ stack: "staging", project: FIXTURE });
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

  it("a call to a service that is not a backend is refused under DROP_ALL; under ALLOW_ALL Envoy passes it on and the security groups drop it", async () => {
    const m = staging.plan.model;
    const reach = reachOf(m);
    const caller = m.nodes.find((n) => n.listeners.length && m.nodes.some((x) => x !== n && x.listeners.length && !reach(n.key).includes(x.key)))!;
    const stranger = m.nodes.find((x) => x !== caller && x.listeners.length && !reach(caller.key).includes(x.key))!;
    const url = `http://${stranger.discovery.kind === "cloudMap" ? `${stranger.discovery.service}.${stranger.discovery.namespace}` : stranger.discovery.hostname}:${stranger.listeners[0].port}/`;
    const dropped = await staging.request(caller.key, "GET", url, 20);
    assert.ok(judge({ from: caller.key, request: `GET ${url}`, expect: "refused" }, dropped).ok, JSON.stringify(dropped));
    const task = open.mesh.tasksOf(caller.key)[0];
    const before = task.envoyStats("cluster\\.passthrough\\.upstream_cx_total")["cluster.passthrough.upstream_cx_total"] ?? 0;
    const passed = await open.request(caller.key, "GET", url, 4);
    assert.deepEqual(passed.byService, {}, `the security groups let ${caller.key} reach ${stranger.key}: ${JSON.stringify(passed)}`);
    const after = task.envoyStats("cluster\\.passthrough\\.upstream_cx_total")["cluster.passthrough.upstream_cx_total"];
    assert.ok(after > before, `ALLOW_ALL: Envoy did not pass the connection on (passthrough upstream_cx_total ${before} → ${after})`);
  });

  it("the security groups: a task reaches its backends' application port and nothing else of theirs, never a stranger, and from outside only the NLB reaches the gateway", () => {
    const m = staging.plan.model;
    const reach = reachOf(m);
    const caller = m.nodes.find((n) => reach(n.key).length)!;
    const backend = m.nodes.find((x) => reach(caller.key).includes(x.key))!;
    // Any service and one it may not reach (in seed 002: a colour that calls nobody, and another).
    const lonely = m.nodes.find((n) => n.listeners.length && m.nodes.some((x) => x !== n && x.listeners.length && !reach(n.key).includes(x.key)))!;
    const stranger = m.nodes.find((x) => x !== lonely && x.listeners.length && !reach(lonely.key).includes(x.key))!;
    const from = staging.mesh.tasksOf(caller.key)[0].host.ns;
    const uid = staging.mesh.services.find((x) => x.key === caller.key)!.task.proxyConfiguration!.properties.IgnoredUID;
    const ipOf = (key: string) => staging.mesh.tasksOf(key)[0].ip;
    assert.ok(connects(from, ipOf(backend.key), backend.listeners[0].port, uid), `${caller.key} cannot reach its backend ${backend.key}`);
    assert.ok(!connects(from, ipOf(backend.key), PROXY_INGRESS_PORT, uid), `${caller.key} reaches ${backend.key}'s Envoy ingress port directly`);
    const lonelyNs = staging.mesh.tasksOf(lonely.key)[0].host.ns;
    assert.ok(!connects(lonelyNs, ipOf(stranger.key), stranger.listeners[0].port, uid), `${lonely.key} reaches ${stranger.key}, which is not its backend`);
    const client = staging.client!.ns;
    assert.ok(connects(client, ipOf("gateway"), staging.nlb!.targetPort), "the NLB cannot reach the gateway");
    assert.ok(!connects(client, ipOf(backend.key), backend.listeners[0].port), `the NLB's side reaches ${backend.key} directly`);
  });

  it("a call out of the mesh on a port the security groups open goes through under ALLOW_ALL and is refused under DROP_ALL", async () => {
    const egress = [...staging.mesh.securityGroups.groups.values()].flat().find((r) => r.direction === "egress" && r.cidr === "0.0.0.0/0" && r.fromPort !== undefined)!;
    const caller = staging.plan.model.nodes.find((n) => n.listeners.length)!;
    const outside = [staging, open].map((r) => r.outside("api", egress.fromPort!));
    const url = (h: { ip: string }) => `http://${h.ip}:${egress.fromPort}/`;
    const dropped = await staging.request(caller.key, "GET", url(outside[0]), 10);
    assert.ok(judge({ from: caller.key, request: `GET ${url(outside[0])}`, expect: "refused" }, dropped).ok, JSON.stringify(dropped));
    const passed = await open.request(caller.key, "GET", url(outside[1]), 10);
    assert.deepEqual(passed.byService, { api: 10 }, JSON.stringify(passed));
  });

  it("under DROP_ALL, a service with egressIgnoredPorts [443] reaches out of the mesh on 443 past its Envoy", async () => {
    const caller = bypass.plan.model.nodes.find((n) => n.listeners.length && reachOf(bypass.plan.model)(n.key).length)!;
    const api = bypass.outside("api", 443);
    const task = bypass.mesh.tasksOf(caller.key)[0];
    // Connections the outbound listener (where interception sends an application's calls) accepted.
    const outbound = `listener.0.0.0.0_${PROXY_EGRESS_PORT}.downstream_cx_total`;
    const cx = () => task.envoyStats(`^${outbound.replace(/[.]/g, "\\.")}$`)[outbound] ?? 0;
    const before = cx();
    const o = await bypass.request(caller.key, "GET", `http://${api.ip}:443/`, 10);
    assert.deepEqual(o.byService, { api: 10 }, JSON.stringify(o));
    assert.equal(cx() - before, 0, "the connections went through the caller's Envoy");
    // The counter does count what interception sends to Envoy: a call to a backend.
    const backend = bypass.plan.model.nodes.find((n) => reachOf(bypass.plan.model)(caller.key).includes(n.key));
    if (backend) {
      const vs = bypass.plan.model.virtualServices.find((v) => v.key === backend.key)!;
      await bypass.request(caller.key, "GET", `http://${vs.name}:${backend.listeners[0].port}/`, 2);
      assert.ok(cx() > before, "the outbound listener's counter did not count an intercepted call");
    }
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
    [canary, promoted] = await rehearseAll([plan, all]);
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

describe("the mesh carries real requests: the header canary example", function () {
  this.timeout(240_000);
  const FILE = require("path").join(__dirname, "../../examples/header-canary.yaml");
  let canary: Rehearsal;

  before(async () => { [canary] = await rehearseAll([await planOf(FILE)]); });
  after(() => canary?.destroy());

  it("every expectation of the example holds with traffic (a header sends all to the canary, the rest split by weight)", async () => {
    const expectations = readExpectations(expectationsFile({ configFile: FILE }));
    assert.ok(expectations.some((e) => e.headers && Object.keys(e.headers).length), "the example's expectations include a header match");
    const results = await checkTraffic(canary, expectations, 300);
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => r.message), []);
  });
});
