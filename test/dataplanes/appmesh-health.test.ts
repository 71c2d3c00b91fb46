/**
 * The appmesh data plane's app-health probes, run for real with bash against local servers: the
 * HTTP check counts a status within the healthy range only, sends the path as written, and
 * fails on no answer or a non-HTTP one; tcp (and grpc, http2) checks are a connect; every
 * listener of a task must pass. Then the container as the plan builds it.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as net from "net";
import { AddressInfo } from "net";
import { APP_HEALTH_CONTAINER, appHealthContainer, appHealthScript, appMeshAppHealthCheck, listenerProbe } from "../../components/dataplanes/appmesh/app-health";
import { appMeshSidecar } from "../../components/dataplanes/appmesh/sidecar";
import { IDLE_SCRIPT } from "../../components/dataplanes/envoy/sidecar";
import { defaultHealthCheck } from "../../model/defaults";
import { LIMITS } from "../../model/limits";
import type { ListenerModel, VirtualNodeModel } from "../../model/types";
import { input, model } from "../helpers";
import { envoyLikeServer } from "./lifecycle.test";

const bash = (script: string) => new Promise<number | null>((resolve) => spawn("/bin/bash", ["-c", script]).on("exit", (c) => resolve(c)));
const listen = (server: net.Server) => new Promise<number>((r) => server.listen(0, "127.0.0.1", () => r((server.address() as AddressInfo).port)));
const close = (server: net.Server) => new Promise<void>((r) => server.close(() => r()));
/** A port nothing listens on: one the kernel just gave out and took back. */
const freePort = async () => { const s = net.createServer(); const p = await listen(s); await close(s); return p; };

const listener = (port: number, protocol: ListenerModel["protocol"], hc: Partial<ListenerModel["healthCheck"]> = {}): ListenerModel => ({
  port, protocol, healthCheck: { ...defaultHealthCheck(protocol), ...hc },
  outlierDetection: { maxServerErrors: 5, interval: { value: 10, unit: "s" }, baseEjectionDuration: { value: 30, unit: "s" }, maxEjectionPercent: 50 },
});

/** An HTTP application that answers `status` and records the request targets it saw. */
async function app(status: () => number) {
  const targets: string[] = [];
  const server = envoyLikeServer((req, res) => { targets.push(req.url!); res.statusCode = status(); res.end(); });
  return { port: await listen(server), targets, close: () => close(server) };
}

/** A server that writes `reply` to every connection as it arrives, then closes it. */
async function raw(reply: string) {
  // Reads and drops what the client sends, so that its close is seen and server.close() returns.
  const server = net.createServer((s) => { s.on("error", () => undefined); s.resume(); s.end(reply); });
  return { port: await listen(server), close: () => close(server) };
}

describe("the appmesh app-health probe, run with bash", function () {
  this.timeout(30000);

  it("an http check passes only on a status within the healthy range, and asks its path", async () => {
    let status = 200;
    const a = await app(() => status);
    try {
      const probe = listenerProbe(listener(a.port, "http", { path: "/healthcheck" }));
      const seen: Record<number, number | null> = {};
      for (const s of [200, 204, 302, 399, 400, 404, 500, 503]) { status = s; seen[s] = await bash(probe); }
      for (const s of [200, 204, 302, 399]) assert.equal(seen[s], 0, `${s} is healthy`);
      for (const s of [400, 404, 500, 503]) assert.notEqual(seen[s], 0, `${s} is not`);
      assert.ok(a.targets.every((t) => t === "/healthcheck"));
      // The model's own range: App Mesh's "200 only" written as [200, 201).
      status = 204;
      assert.notEqual(await bash(listenerProbe(listener(a.port, "http", { path: "/healthcheck", healthyStatuses: { start: 200, end: 201 } }))), 0);
      status = 200;
      assert.equal(await bash(listenerProbe(listener(a.port, "http", { path: "/healthcheck", healthyStatuses: { start: 200, end: 201 } }))), 0);
    } finally { await a.close(); }
  });

  it("sends the path exactly as written, printf and shell characters included", async () => {
    const a = await app(() => 200);
    try {
      // Validation lets any non-space, non-control character through; none may change the request.
      const path = "/h%s%%'it's'\\n$(false)`false`$HOME;&|*?{a,b}!!";
      assert.equal(await bash(listenerProbe(listener(a.port, "http", { path }))), 0);
      assert.deepEqual(a.targets, [path]);
    } finally { await a.close(); }
  });

  it("counts a status line without a reason phrase, and refuses what is not HTTP/1.x", async () => {
    const bare = await raw("HTTP/1.1 204\r\nContent-Length: 0\r\n\r\n");
    const garbage = await raw("SSH-2.0-OpenSSH_9.6 200 \r\n");
    const silent = await raw("");
    try {
      assert.equal(await bash(listenerProbe(listener(bare.port, "http"))), 0);
      assert.notEqual(await bash(listenerProbe(listener(garbage.port, "http"))), 0);
      assert.notEqual(await bash(listenerProbe(listener(silent.port, "http"))), 0, "closed without an answer");
    } finally { await Promise.all([bare.close(), garbage.close(), silent.close()]); }
  });

  it("fails when nothing listens (the application exited or never bound its port)", async () => {
    const port = await freePort();
    for (const protocol of ["http", "http2", "grpc", "tcp"] as const)
      assert.notEqual(await bash(listenerProbe(listener(port, protocol))), 0, protocol);
  });

  it("tcp, grpc and http2 checks are a TCP connect only, which a listening process passes whatever it answers", async () => {
    const mute = await raw("");
    try {
      for (const protocol of ["tcp", "grpc", "http2"] as const) {
        const probe = listenerProbe(listener(mute.port, protocol));
        assert.doesNotMatch(probe, /GET/, protocol);
        assert.equal(await bash(probe), 0, protocol);
      }
    } finally { await mute.close(); }
  });

  it("a task of several listeners is healthy only while every one passes", async () => {
    let status = 200;
    const web = await app(() => status);
    const tcp = await raw("");
    try {
      const node = { listeners: [listener(web.port, "http", { path: "/ok" }), listener(tcp.port, "tcp")] } as VirtualNodeModel;
      const script = appHealthScript(node);
      assert.equal(await bash(script), 0);
      status = 500;
      assert.notEqual(await bash(script), 0, "the http listener fails");
      status = 200;
      await tcp.close();
      assert.notEqual(await bash(script), 0, "the tcp listener is gone");
    } finally { await web.close(); }
  });
});

describe("the appmesh app-health container", () => {
  const m = model(input("dev"));
  const red = m.nodes.find((n) => n.key === "red")!;
  const log = { group: "g", region: "us-east-1" };

  it("is essential, starts after the applications, idles in Envoy's image, and its ECS check is the listener's", async () => {
    const c = appHealthContainer(m.envoy, red, log);
    assert.deepEqual([c.name, c.essential, c.image, c.user, c.readonlyRootFilesystem], [APP_HEALTH_CONTAINER, true, m.envoy.image, String(m.envoy.uid), true]);
    assert.deepEqual(c.dependsOn, red.containers.map((a) => ({ containerName: a.name, condition: "START" })));
    assert.deepEqual([c.entryPoint, c.command], [["/bin/bash", "-c"], [IDLE_SCRIPT]]);
    assert.deepEqual(c.healthCheck.command, ["CMD", "/bin/bash", "-c", appHealthScript(red)]);
    assert.doesNotMatch(JSON.stringify(c), /curl/);
    // The fixture's listener checks its path on HTTP: the script asks it, on the listener's port.
    const l = red.listeners[0];
    assert.equal(l.healthCheck.protocol, "http");
    assert.ok(appHealthScript(red).includes(`/dev/tcp/127.0.0.1/${l.port}`));
    assert.ok(appHealthScript(red).includes(`'${l.healthCheck.path}'`));
    // Run as ECS would (with the listener's port moved to a free one): healthy while the app answers in range.
    let status = 200;
    const a = await app(() => status);
    try {
      const script = appHealthScript({ ...red, listeners: red.listeners.map((x) => ({ ...x, port: a.port })) });
      assert.equal(await bash(script), 0);
      status = 503;
      assert.notEqual(await bash(script), 0);
      assert.deepEqual(a.targets, [l.healthCheck.path, l.healthCheck.path]);
    } finally { await a.close(); }
  });

  it("paces its check by the listeners' interval, unhealthy threshold, timeouts and the service's startPeriod, within ECS's limits", () => {
    const slow: VirtualNodeModel = { ...red, task: { ...red.task, startPeriod: 180 },
      listeners: [listener(80, "http", { intervalMillis: 30000, unhealthyThreshold: 5, timeoutMillis: 3000 }), listener(81, "tcp", { timeoutMillis: 2500 })] };
    const hc = appMeshAppHealthCheck(slow);
    assert.deepEqual([hc.interval, hc.retries, hc.startPeriod, hc.timeout], [30, 5, 180, 6], "the probes run in turn: 3 s + 2.5 s");
    const extreme: VirtualNodeModel = { ...red, listeners: [listener(80, "http", { intervalMillis: 1000, unhealthyThreshold: 50, timeoutMillis: 500 })] };
    const e = appMeshAppHealthCheck(extreme);
    assert.deepEqual([e.interval, e.retries, e.timeout], [LIMITS.containerHealthInterval.min, LIMITS.containerHealthRetries.max, LIMITS.containerHealthTimeout.min]);
  });

  it("is in every sidecar that takes traffic, before the X-Ray daemon, and not in a client-only one", async () => {
    const names = (node: VirtualNodeModel, envoy = m.envoy) =>
      new Promise<string[]>((r) => (appMeshSidecar(node, envoy, "arn:aws:appmesh:us-east-1:111122223333:mesh/m/virtualNode/n", log).containers as any).apply((cs: any[]) => r(cs.map((c) => c.name))));
    assert.deepEqual(await names(red), ["envoy", APP_HEALTH_CONTAINER]);
    assert.deepEqual(await names(red, { ...m.envoy, xray: true }), ["envoy", APP_HEALTH_CONTAINER, "xray-daemon"]);
    assert.deepEqual(await names({ ...red, listeners: [] }), ["envoy"]);
  });
});
