/**
 * The internet-facing edge, with traffic through the NLB into the gateway's real Envoy (the
 * staging stack): what a client sends that it must not control, and paths written to slip past
 * a route. What counts is what the application behind the gateway receives (the stand-ins echo
 * path and headers) and the status the client gets.
 */
import { strict as assert } from "assert";
import { EDGE } from "../../components/dataplanes/envoy/edge";
import { loopbackRequest } from "../../components/dataplanes/envoy/probes";
import { ENVOY_ADMIN_PORT as ADMIN } from "../../model/task-ports";
import type { Rehearsal } from "../../tools/rehearse/session";
import { planOf } from "../components/plan-helpers";
import { rehearseAll } from "./helpers";

describe("the mesh carries real requests: the gateway as an internet-facing edge (staging)", function () {
  this.timeout(180_000);
  let r: Rehearsal;
  /** A gateway route with a prefix of its own, and where its requests go. */
  let prefix: string;
  let targets: Set<string>;

  before(async () => {
    const plan = await planOf("staging");
    const m = plan.model;
    const gr = m.gateway!.routes.find((g) => g.match.prefix && g.match.prefix !== "/" && !g.keepPrefix && !g.match.headers && !g.match.hostname)!;
    prefix = gr.match.prefix!.replace(/\/$/, "");
    const router = m.routers.find((x) => x.key === gr.target.key);
    targets = new Set(router ? router.routes.flatMap((x) => x.targets.map((t) => t.node)) : [gr.target.key]);
    [r] = await rehearseAll([plan]);
  });
  after(() => r?.destroy());

  const get = (path: string, headers: Record<string, string> = {}, count = 1) => r.request("gateway", "GET", path, count, headers);

  it("a client cannot steer the mesh with x-envoy-* headers or pose as internal; x-forwarded-for ends with the address the gateway saw", async () => {
    const steer = { "x-envoy-upstream-rq-timeout-ms": "1", "x-envoy-max-retries": "9", "x-envoy-retry-on": "5xx", "x-envoy-internal": "true" };
    const o = await get(`${prefix}/x`, { ...steer, "x-envoy-external-address": "10.9.9.9", "x-forwarded-for": "1.2.3.4" }, 5);
    assert.deepEqual(o.byStatus, { 200: 5 }, JSON.stringify(o));
    for (const s of o.seen) {
      const h = s.headers ?? {};
      assert.deepEqual(Object.keys(h).filter((k) => k in steer), [], JSON.stringify(h));
      // The gateway's own request timeout, not the client's 1 ms.
      assert.notEqual(h["x-envoy-expected-rq-timeout-ms"], "1", JSON.stringify(h));
      assert.notEqual(h["x-envoy-external-address"], "10.9.9.9", JSON.stringify(h));
      assert.equal(h["x-forwarded-for"]?.split(",").at(-1)?.trim(), r.client!.ip, JSON.stringify(h));
    }
  });

  it("dot segments and repeated slashes are resolved before routing; an escaped slash is refused", async () => {
    for (const path of [`${prefix}/x`, `/${prefix}//x`, `/elsewhere/..${prefix}/x`, `${prefix}/./x`]) {
      const o = await get(path, {}, 4);
      assert.deepEqual(o.byStatus, { 200: 4 }, `${path}: ${JSON.stringify(o)}`);
      for (const s of o.seen) {
        assert.ok(targets.has(s.service!), `${path} reached ${s.service}, not the route's targets ${[...targets]}`);
        assert.equal(s.path, "/x", `${path} arrived as ${s.path}`);
      }
    }
    for (const path of [`${prefix}%2Fx`, `/elsewhere%2F..${prefix}/x`, `${prefix}%5Cx`]) {
      const o = await get(path);
      assert.deepEqual(o.byStatus, { 400: 1 }, `${path}: ${JSON.stringify(o)}`);
    }
  });

  it("a header name with an underscore is dropped; headers past the size limit are refused", async () => {
    const o = await get(`${prefix}/x`, { x_user: "admin", "x-user": "guest" });
    assert.deepEqual(o.byStatus, { 200: 1 }, JSON.stringify(o));
    assert.equal(o.seen[0].headers?.x_user, undefined, JSON.stringify(o.seen[0].headers));
    assert.equal(o.seen[0].headers?.["x-user"], "guest");
    const big = await get(`${prefix}/x`, { "x-big": "a".repeat((EDGE.maxRequestHeadersKb + 4) * 1024) });
    assert.deepEqual(big.byStatus, { 431: 1 }, JSON.stringify(big));
  });

  it("the NLB's health check reaches each gateway task's readiness listener through the security groups: 200, 503 once it drains; never the admin port", async () => {
    const hc = r.plan.model.gateway!.nlb.healthCheck;
    assert.equal(hc.protocol, "HTTP");
    for (const t of r.mesh.tasksOf("gateway")) {
      const ready = await r.request("gateway", "GET", `http://${t.ip}:${hc.port}${hc.path}`, 1);
      assert.deepEqual(ready.byStatus, { 200: 1 }, JSON.stringify(ready));
    }
    const [t] = r.mesh.tasksOf("gateway");
    // Dropped by the security groups (the request waits for its timeout), and bound to loopback anyway.
    const admin = await r.request("gateway", "GET", `http://${t.ip}:${ADMIN}/ready`, 1);
    assert.equal(admin.byStatus["200"], undefined, `the NLB reached the admin interface: ${JSON.stringify(admin)}`);
    // What the drain on stop posts first; called off again after, for whatever runs next.
    t.exec("bash", ["-c", loopbackRequest("POST", ADMIN, "/healthcheck/fail")]);
    try {
      const draining = await r.request("gateway", "GET", `http://${t.ip}:${hc.port}${hc.path}`, 1);
      assert.deepEqual(draining.byStatus, { 503: 1 }, JSON.stringify(draining));
    } finally { t.exec("bash", ["-c", loopbackRequest("POST", ADMIN, "/healthcheck/ok")]); }
  });
});
