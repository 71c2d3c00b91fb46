/**
 * gRPC, TCP and proxy interception with traffic: the dev stack changed the way a user would
 * (green and yellow behind a grpc router matched by service and method; the same behind a tcp
 * router with an idle timeout; Envoy in proxy interception mode), each rehearsed. Shares are
 * judged within 4.5 standard deviations of the plan's weights, never of literals.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { clusterName } from "../../components/dataplanes/envoy/clusters";
import { judge } from "../../tools/rehearse/check";
import type { Rehearsal } from "../../tools/rehearse/session";
import { planOf } from "../components/plan-helpers";
import { rehearseAll } from "./helpers";

const IDLE_S = 2;

describe("the mesh carries real requests: gRPC, a TCP route and proxy interception (dev, changed)", function () {
  this.timeout(240_000);
  let grpc: Rehearsal, tcp: Rehearsal, proxy: Rehearsal;

  before(async () => {
    const plans = await Promise.all([
      planOf("dev", (c) => {
        const t = c["fargate-mesh:topology"];
        for (const s of ["green", "yellow"]) t.services[s].listeners[0] = { port: 80, protocol: "grpc" };
        t.routers.colors.listeners[0].protocol = "grpc";
        t.routers.colors.routes["color-route"].match = { serviceName: "colors.Palette", methodName: "Get" };
        delete t.gateway.routes["to-router"];
      }),
      planOf("dev", (c) => {
        const t = c["fargate-mesh:topology"];
        for (const s of ["green", "yellow"]) t.services[s].listeners[0] = { port: 80, protocol: "tcp" };
        t.routers.colors.listeners[0].protocol = "tcp";
        t.routers.colors.routes["color-route"].match = { port: 80 };
        t.routers.colors.routes["color-route"].timeout = { idle: `${IDLE_S}s` };
        // Envoy tells tcp backends apart by port: blue keeps only the router on 80.
        t.services.blue.backends = ["colors"];
        delete t.gateway.routes["to-router"];
      }),
      planOf("dev", (c) => { c["fargate-mesh:topology"].envoy = { ...(c["fargate-mesh:topology"].envoy ?? {}), interception: "proxy" }; }),
    ]);
    [grpc, tcp, proxy] = await rehearseAll(plans);
  });

  after(() => { for (const r of [grpc, tcp, proxy]) r?.destroy(); });

  const routerOf = (r: Rehearsal) => {
    const router = r.plan.model.routers[0];
    const caller = r.plan.model.nodes.find((n) => n.backendKeys.includes(router.key))!;
    const expect = Object.fromEntries(router.routes[0].targets.map((t) => [t.node, t.percent]));
    return { router, caller, expect, host: `${router.serviceName}:${router.listeners[0].port}` };
  };

  it("gRPC: a call by service and method reaches the router's targets by weight; another method reaches none", async () => {
    const { router, caller, expect, host } = routerOf(grpc);
    const m = router.routes[0].match;
    const headers = { "content-type": "application/grpc", te: "trailers" };
    const o = await grpc.request(caller.key, "POST", `http://${host}/${m.serviceName}/${m.methodName}`, 400, headers, { h2: true });
    const verdict = judge({ from: caller.key, request: `POST /${m.serviceName}/${m.methodName}`, expect }, o);
    assert.ok(verdict.ok, `${JSON.stringify(o)}: ${verdict.why}`);
    const other = await grpc.request(caller.key, "POST", `http://${host}/${m.serviceName}/Other`, 20, headers, { h2: true });
    assert.ok(!router.routes[0].targets.some((t) => other.byService[t.node]), `a method the route does not name was routed: ${JSON.stringify(other)}`);
  });

  it("TCP: connections to the router's name reach its targets by weight", async () => {
    const { caller, expect, host } = routerOf(tcp);
    const o = await tcp.request(caller.key, "TCP", `tcp://${host}`, 400);
    const verdict = judge({ from: caller.key, request: `TCP ${host}`, expect }, o);
    assert.ok(verdict.ok, `${JSON.stringify(o)}: ${verdict.why}`);
  });

  it(`TCP: Envoy closes a connection idle longer than the route's idle timeout (${IDLE_S} s), and keeps one that talks`, () => {
    const { caller, host } = routerOf(tcp);
    const [name, port] = host.split(":");
    const script = `
      const net = require("net");
      const idleMs = ${IDLE_S * 1000}, out = {};
      const open = (talk) => new Promise((resolve) => {
        const s = net.connect(${port}, "${name}");
        let t0, timer;
        s.on("connect", () => s.write("hello\\n"));
        s.once("data", () => { t0 = Date.now(); if (talk) timer = setInterval(() => s.write("x\\n"), idleMs / 4); });
        s.on("data", () => {});
        s.on("error", () => {});
        s.on("close", () => { clearInterval(timer); resolve({ closedAfterMs: Date.now() - t0 }); });
        setTimeout(() => { clearInterval(timer); const open = !s.destroyed; s.destroy(); resolve({ openAfterMs: open ? Date.now() - t0 : undefined }); }, idleMs * 2.5);
      });
      Promise.all([open(false), open(true)]).then(([idle, talking]) => process.stdout.write(JSON.stringify({ idle, talking })));`;
    const ns = tcp.mesh.tasksOf(caller.key)[0].host.ns;
    const r = spawnSync("ip", ["netns", "exec", ns, process.execPath, "-e", script], { encoding: "utf8" });
    const { idle, talking } = JSON.parse(r.stdout || "{}");
    assert.ok(idle?.closedAfterMs >= IDLE_S * 1000 * 0.9 && idle.closedAfterMs < IDLE_S * 1000 * 2, `the idle connection: ${JSON.stringify(idle)} ${r.stderr}`);
    assert.ok(talking?.openAfterMs >= IDLE_S * 1000 * 2, `the talking connection was closed: ${JSON.stringify(talking)}`);
  });

  it("proxy interception: an application's calls through HTTP_PROXY go through its Envoy, to a backend and to a router's targets by weight", async () => {
    const { caller, expect, host } = routerOf(proxy);
    assert.equal(proxy.mesh.services.find((s) => s.key === caller.key)!.task.proxyConfiguration, undefined, "proxy mode installs no interception rules");
    const o = await proxy.request(caller.key, "GET", `http://${host}/`, 400);
    const verdict = judge({ from: caller.key, request: `GET http://${host}/`, expect }, o);
    assert.ok(verdict.ok, `${JSON.stringify(o)}: ${verdict.why}`);
    const direct = proxy.plan.model.nodes.find((n) => caller.backendKeys.includes(n.key))!;
    const vs = proxy.plan.model.virtualServices.find((v) => v.key === direct.key)!;
    const counter = `cluster.${clusterName(direct.key, direct.listeners[0].port)}.upstream_rq_total`;
    const task = proxy.mesh.tasksOf(caller.key)[0];
    const before = task.envoyStats(counter.replace(/[.-]/g, "\\$&"))[counter] ?? 0;
    const d = await proxy.request(caller.key, "GET", `http://${vs.name}:${direct.listeners[0].port}/`, 50);
    assert.deepEqual(d.byService, { [direct.key]: 50 }, JSON.stringify(d));
    assert.equal((task.envoyStats(counter.replace(/[.-]/g, "\\$&"))[counter] ?? 0) - before, 50, "the calls did not go through the caller's Envoy");
  });
});
