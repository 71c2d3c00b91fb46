/**
 * Retries, outlier detection, health checks and draining, with traffic: the staging stack
 * rehearsed with two tasks of a directly called backend (red, in seed 002), whose stand-ins are
 * told to fail on paths of the test's own, so that health checks never see the failure unless a
 * test says so. What counts is what the caller's application receives, and Envoy's own
 * counters in the caller's task, read from its admin interface.
 */
import { strict as assert } from "assert";
import { clusterName } from "../../components/dataplanes/envoy/clusters";
import { CIRCUIT_BREAKERS, defaultRetryPolicy } from "../../model/defaults";
import type { Rehearsal } from "../../tools/rehearse/session";
import type { TaskRun } from "../../tools/rehearse/task";
import { planOf } from "../components/plan-helpers";
import { rehearseAll } from "./helpers";

const millis = (d: { value: number; unit: string }) => d.value * (d.unit === "s" ? 1000 : d.unit === "ms" ? 1 : 60000);

/** Resolves once `test` holds, checked every 250 ms; fails after `ms` saying what did not happen. */
async function until(what: string, test: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

describe("the mesh carries real requests: retries, outlier detection and draining (staging, two tasks of a backend)", function () {
  this.timeout(240_000);
  let r: Rehearsal;
  let caller: string, backend: string, url: string, cluster: string;
  let perTry: number;
  /** The target task that took the traffic last. */
  let serving: string | undefined;

  before(async () => {
    const plan = await planOf("staging");
    // A caller and a backend it calls directly, with no router between them.
    const m = plan.model;
    const node = m.nodes.find((n) => n.backendKeys.some((k) => m.nodes.some((x) => x.key === k && x.listeners[0]?.protocol === "http")))!;
    const target = m.nodes.find((x) => node.backendKeys.includes(x.key) && x.listeners[0]?.protocol === "http")!;
    [caller, backend] = [node.key, target.key];
    const vs = m.virtualServices.find((v) => v.key === backend)!;
    url = `http://${vs.name}:${target.listeners[0].port}`;
    cluster = clusterName(backend, target.listeners[0].port);
    perTry = millis(defaultRetryPolicy("http")!.perRetryTimeout);
    [r] = await rehearseAll([plan], { count: (s) => (s.key === backend ? Math.max(2, s.desiredCount) : s.desiredCount) });
    // The caller resolves the backend's name again at its records' TTL: it may have resolved it
    // while only one of the two tasks was registered. Wait until requests reach both.
    const reached = new Set<string>();
    const deadline = Date.now() + 60_000;
    while (reached.size < targets().length) {
      if (Date.now() > deadline) throw new Error(`the caller's requests reach only ${[...reached]}`);
      Object.keys((await r.request(caller, "GET", `${url}/`, 10)).byTask).forEach((t) => reached.add(t));
      if (reached.size < targets().length) await new Promise((res) => setTimeout(res, 1000));
    }
  });

  after(() => r?.destroy());

  const callerTask = () => r.mesh.tasksOf(caller).find((t) => !t.isStopping)!;
  const stat = (name: string) => callerTask().envoyStats(`^cluster\\.${cluster.replace(/[.-]/g, "\\$&")}\\.${name}$`)[`cluster.${cluster}.${name}`] ?? 0;
  const targets = () => r.mesh.tasksOf(backend).filter((t) => !t.isStopping);
  const tellAll = (msg: Record<string, unknown>) => targets().forEach((t) => t.tellApps(msg));
  /** The change in a counter of the caller's Envoy while `f` runs. */
  async function delta<T>(names: string[], f: () => Promise<T>): Promise<{ result: T; d: Record<string, number> }> {
    const before = names.map(stat);
    const result = await f();
    return { result, d: Object.fromEntries(names.map((n, i) => [n, stat(n) - before[i]])) };
  }

  // First: the retry tests' failures count against consecutive 5xx and would eject a task early.
  it("of two target tasks, the one answering 5xx is ejected (outlier detection) and traffic moves to the other, though its health path passes", async () => {
    const [bad, good] = targets();
    bad.tellApps({ status: 500, path: "/outlier" });
    const { result: first, d } = await delta(["outlier_detection.ejections_enforced_total"], () => r.request(caller, "GET", `${url}/outlier`, 40));
    assert.ok((first.byStatus["500"] ?? 0) > 0, `the failing task answered nothing: ${JSON.stringify(first)}`);
    assert.ok(d["outlier_detection.ejections_enforced_total"] >= 1, JSON.stringify(d));
    // Past the next active health checks, which the ejected task's health path passes: it stays out.
    await new Promise((res) => setTimeout(res, r.plan.model.nodes.find((n) => n.key === backend)!.listeners[0].healthCheck.intervalMillis * 1.5));
    const after = await r.request(caller, "GET", `${url}/outlier`, 30);
    assert.deepEqual(after.byTask, { [good.name]: 30 }, JSON.stringify(after));
    bad.tellApps({});
    serving = good.name;
  });
  it("a target that fails the first try with 503 still gives the caller 200, and the retry shows in Envoy's stats", async () => {
    tellAll({ status: 503, times: 1, path: "/first-try-fails" });
    const { result, d } = await delta(["upstream_rq_retry"], () => r.request(caller, "GET", `${url}/first-try-fails`, 1));
    assert.deepEqual(result.byStatus, { 200: 1 }, JSON.stringify(result));
    assert.ok(d.upstream_rq_retry >= 1, `no retry counted: ${JSON.stringify(d)}`);
  });

  it("a request slower than the per-try timeout is retried, and answered within the request timeout", async () => {
    tellAll({ delayMs: perTry + 1500, times: 1, path: "/slow-once" });
    const t0 = Date.now();
    const { result, d } = await delta(["upstream_rq_per_try_timeout", "upstream_rq_retry"], () => r.request(caller, "GET", `${url}/slow-once`, 1));
    assert.deepEqual(result.byStatus, { 200: 1 }, JSON.stringify(result));
    assert.ok(d.upstream_rq_per_try_timeout >= 1 && d.upstream_rq_retry >= 1, JSON.stringify(d));
    assert.ok(Date.now() - t0 >= perTry, "answered before the per-try timeout: the slow try was not waited for");
  });

  it("a reset after the request was sent is retried for GET, and never for POST (the application saw it once)", async () => {
    tellAll({ reset: true, times: 1, path: "/reset-once" });
    const get = await delta(["upstream_rq_retry"], () => r.request(caller, "GET", `${url}/reset-once`, 1));
    assert.deepEqual(get.result.byStatus, { 200: 1 }, JSON.stringify(get.result));
    assert.ok(get.d.upstream_rq_retry >= 1);
    tellAll({ reset: true, times: 1, path: "/reset-once" });
    const post = await delta(["upstream_rq_retry", "upstream_rq_total"], () => r.request(caller, "POST", `${url}/reset-once`, 1));
    assert.equal(post.result.byService[backend], undefined, `the POST was answered after a retry: ${JSON.stringify(post.result)}`);
    assert.equal(post.d.upstream_rq_retry, 0, "the POST was retried");
    assert.equal(post.d.upstream_rq_total, 1, "the POST reached the backend more than once");
    tellAll({});
  });

  it("a rolling replacement under continuous load drains without a failed request (30 s at 20 requests/s)", async () => {
    const service = r.mesh.services.find((s) => s.key === backend)!;
    // The task that serves (the other may still be ejected by the test before).
    const old = targets().find((t) => t.name === serving) ?? targets()[0];
    const load = r.request(caller, "GET", `${url}/`, 600, {}, { rps: 20 });
    // ECS starts the new task, waits for it to be HEALTHY, then stops the old one.
    await new Promise((res) => setTimeout(res, 3000));
    const fresh: TaskRun = r.mesh.addTask(service);
    const deadline = Date.now() + 60_000;
    while (fresh.health !== "HEALTHY") { if (Date.now() > deadline) throw new Error("the new task is not HEALTHY within 60 s"); await new Promise((res) => setTimeout(res, 250)); }
    await old.stop();
    const o = await load;
    assert.equal(o.total, 600);
    assert.deepEqual(o.errors, {}, JSON.stringify(o));
    assert.deepEqual(o.byStatus, { 200: 600 }, JSON.stringify(o));
    assert.ok(o.byTask[fresh.name] > 0, `the new task took no request: ${JSON.stringify(o.byTask)}`);
  });

  it("a task whose application stops leaves its callers through their active health checks, and through DNS; the other takes every request", async () => {
    const [gone, stays] = targets();
    gone.tellApps({ stop: true });
    // The listener's health check (or the default) fails its unhealthy threshold in the caller's Envoy.
    const failures = stat("health_check.failure");
    await until("the caller's Envoy health checks fail", () => stat("health_check.failure") - failures >= 2, 30_000);
    await until("Cloud Map stops answering with the task", () => !r.mesh.fabric.records(`${r.mesh.services.find((s) => s.key === backend)!.dnsName}`).includes(gone.ip), 60_000);
    const o = await r.request(caller, "GET", `${url}/`, 40);
    const hosts = ["membership_total", "membership_healthy"].map((n) => `${n} ${stat(n)}`).join(", ");
    assert.deepEqual(o.byTask, { [stays.name]: 40 }, `${JSON.stringify(o)} (caller's Envoy: ${hosts})`);
    await gone.stop();
  });


  it("callers' health checks count a 204 as healthy and a 404 as down (200-399)", async () => {
    const node = r.plan.model.nodes.find((n) => n.key === backend)!;
    const path = node.listeners[0].healthCheck.path ?? "/";
    const interval = node.listeners[0].healthCheck.intervalMillis;
    const [successes, failures] = [stat("health_check.success"), stat("health_check.failure")];
    tellAll({ status: 204, path });
    // Two rounds of checks answered 204: every one a success.
    await until("two rounds of checks", () => stat("health_check.success") - successes >= 2, interval * 4);
    assert.equal(stat("health_check.failure") - failures, 0, "a 204 failed the check");
    tellAll({ status: 404, path });
    await until("a 404 fails the check", () => stat("health_check.failure") - failures >= 1, interval * 4);
    tellAll({});
  });

  it("a backend that fails every request under load sees a bounded number of retries (the retry budget), not the retry policy's multiple", async () => {
    const [n, rps, delayMs] = [300, 100, 300];
    const policy = defaultRetryPolicy("http")!;
    const budget = CIRCUIT_BREAKERS.retryBudget;
    tellAll({ status: 503, delayMs, path: "/overload" });
    const { result, d } = await delta(["upstream_rq_total", "upstream_rq_retry", "upstream_rq_retry_overflow"],
      () => r.request(caller, "GET", `${url}/overload`, n, {}, { rps }));
    tellAll({});
    assert.equal(result.total, n);
    // Retries may be budgetPercent of the requests in flight (retries included), or minConcurrency
    // at once, whichever is more; each lasts one failed try. 30% slack for a loaded machine.
    const inFlight = (rps * delayMs) / 1000;
    const concurrent = Math.max(budget.minConcurrency, (inFlight * budget.budgetPercent) / (100 - budget.budgetPercent));
    const allowed = concurrent * (n / rps) * (1000 / delayMs) * 1.3;
    const tries = d.upstream_rq_total;
    assert.ok(tries - n <= allowed, `${tries} tries of ${n} requests: more than ${Math.round(allowed)} retries (${JSON.stringify(d)})`);
    assert.ok(tries < n * (1 + policy.maxRetries) * 0.6, `${tries} tries: near the retry policy's ${n * (1 + policy.maxRetries)}`);
    assert.ok(d.upstream_rq_retry > 0, "nothing was retried");
    assert.ok(d.upstream_rq_retry_overflow > 0, `the budget never stopped a retry: ${JSON.stringify(d)}`);
    // And the budget grows with the load: Envoy's fixed default (3 retries at a time) would allow fewer.
    const fixed = budget.minConcurrency * (n / rps) * (1000 / delayMs);
    assert.ok(d.upstream_rq_retry > fixed * 1.2, `${d.upstream_rq_retry} retries: no more than a fixed ${budget.minConcurrency} at a time would allow (${Math.round(fixed)})`);
  });
});
