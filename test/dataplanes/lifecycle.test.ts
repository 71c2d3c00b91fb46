/**
 * The Envoy container's shell pieces, run for real with bash against a stand-in for Envoy's
 * admin interface: the readiness check, the drain before the application stops, and the
 * wrapper that drains (unless already drained) and then stops Envoy.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { DRAIN_SCRIPT, ENVOY_BINARY, ENVOY_READY_CHECK, ENVOY_WRAPPER, IDLE_SCRIPT, LIFECYCLE_CONTAINER } from "../../components/dataplanes/envoy/sidecar";
import { APP_HEALTH_CHECK } from "../../components/dataplanes/envoy/health";
import { input, model, withChange } from "../helpers";
import { envoySidecar } from "../../components/dataplanes/envoy/sidecar";

/**
 * A stand-in for Envoy's admin interface that refuses what Envoy refuses: HTTP/1.0 gets 426 and
 * HTTP/1.1 without Host 400 (as Envoy's HTTP/1 codec). /ready answers 200 until
 * /healthcheck/fail, then 503 DRAINING; drain_listeners alone leaves it LIVE, as in Envoy.
 * (test/envoy/task.test.ts runs the same pieces against the real Envoy.)
 */
export function envoyLikeServer(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): http.Server {
  return http.createServer((req, res) => {
    if (req.httpVersion === "1.0") { res.statusCode = 426; res.end("Upgrade Required"); return; }
    if (!req.headers.host) { res.statusCode = 400; res.end(); return; }
    handle(req, res);
  });
}

function fakeAdmin(): Promise<{ port: number; requests: string[]; drained: () => boolean; close: () => void }> {
  const requests: string[] = [];
  let failed = false;
  const server = envoyLikeServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.method === "POST" && req.url === "/healthcheck/fail") failed = true;
    res.statusCode = req.url === "/ready" && failed ? 503 : 200;
    res.end(req.url === "/ready" ? (failed ? "DRAINING" : "LIVE") : "OK");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    port: (server.address() as AddressInfo).port, requests, drained: () => failed, close: () => server.close(),
  })));
}

const onPort = (script: string, port: number) => script.replace(/127\.0\.0\.1\/9901/g, `127.0.0.1/${port}`);
const exited = (p: ReturnType<typeof spawn>) => new Promise<number | null>((r) => p.on("exit", (c) => r(c)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once the script has installed its SIGTERM trap (Linux: signal 15's bit in the
 * SigCgt mask of /proc/<pid>/status). A SIGTERM sent before that kills bash outright, exit null:
 * a fixed sleep before the signal lost that race on a loaded machine.
 */
async function trapsTerm(p: ReturnType<typeof spawn>, withinMs = 15000): Promise<void> {
  const sigterm = 1n << 14n;
  for (const t0 = Date.now(); Date.now() - t0 < withinMs; await sleep(10)) {
    const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(fs.readFileSync(`/proc/${p.pid}/status`, "utf8"))?.[1];
    if (mask && (BigInt(`0x${mask}`) & sigterm) !== 0n) return;
  }
  throw new Error(`the script set no SIGTERM trap within ${withinMs} ms`);
}

describe("the Envoy container's lifecycle, run with bash", function () {
  this.timeout(20000);

  it("is healthy only while Envoy's admin /ready answers 200", async () => {
    const admin = await fakeAdmin();
    try {
      // Asynchronously: the stand-in answers from this same process.
      const check = () => exited(spawn("/bin/bash", ["-c", onPort(ENVOY_READY_CHECK, admin.port)]));
      assert.equal(await check(), 0);
      await new Promise<void>((r) => http.request({ port: admin.port, method: "POST", path: "/healthcheck/fail" }, () => r()).end());
      assert.notEqual(await check(), 0);
    } finally { admin.close(); }
  });

  it("the lifecycle container's health check passes only while Envoy's /app-health answers 200", async () => {
    let status = 200;
    const paths: string[] = [];
    const server = envoyLikeServer((req, res) => { paths.push(req.url!); res.statusCode = status; res.end(); });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const check = () => exited(spawn("/bin/bash", ["-c", APP_HEALTH_CHECK.replace("127.0.0.1/15021", `127.0.0.1/${port}`)]));
      assert.equal(await check(), 0);
      status = 503; // what Envoy's health_check filter answers when a local cluster is unhealthy
      assert.notEqual(await check(), 0);
      assert.deepEqual(paths, ["/app-health", "/app-health"]);
    } finally { server.close(); }
    // Nothing listening (Envoy gone): unhealthy too.
    assert.notEqual(await exited(spawn("/bin/bash", ["-c", APP_HEALTH_CHECK.replace("127.0.0.1/15021", "127.0.0.1/1")])), 0);
  });

  it("the lifecycle container drains Envoy on SIGTERM and waits out the drain before it exits", async () => {
    const admin = await fakeAdmin();
    try {
      const p = spawn("/bin/bash", ["-c", onPort(DRAIN_SCRIPT, admin.port)], { env: { ...process.env, LISTENER_DRAIN_WAIT_TIME_S: "1" } });
      await trapsTerm(p);
      const t0 = Date.now();
      p.kill("SIGTERM");
      assert.equal(await exited(p), 0);
      assert.ok(Date.now() - t0 >= 900, "waited for the drain");
      assert.deepEqual(admin.requests, ["POST /healthcheck/fail", "POST /drain_listeners?graceful&inboundonly", "POST /drain_listeners?inboundonly"]);
    } finally { admin.close(); }
  });

  for (const already of [false, true])
    it(`the wrapper ${already ? "stops Envoy at once when it was drained already" : "drains, waits, then stops Envoy"}`, async () => {
      const admin = await fakeAdmin();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-envoy-"));
      const fake = path.join(dir, "envoy");
      // Sleeps in the background and waits, so that its trap runs as soon as TERM arrives (a
      // foreground sleep would hold the trap back for up to a second).
      fs.writeFileSync(fake, "#!/bin/bash\ntrap 'kill $! 2>/dev/null; exit 0' TERM\nwhile :; do sleep 3600 & wait $!; done\n", { mode: 0o755 });
      // Drained already, it must not wait the drain: a drain time far above what stopping takes
      // under any load tells the two apart without a tight bound.
      const drainSeconds = already ? 60 : 1;
      try {
        if (already) await new Promise<void>((r) => http.request({ port: admin.port, method: "POST", path: "/healthcheck/fail" }, () => r()).end());
        const script = onPort(ENVOY_WRAPPER, admin.port).replace(ENVOY_BINARY, fake);
        const p = spawn("/bin/bash", ["-c", script, "envoy", "{}"], { env: { ...process.env, LISTENER_DRAIN_WAIT_TIME_S: String(drainSeconds), ENVOY_LOG_LEVEL: "info" } });
        await trapsTerm(p);
        const t0 = Date.now();
        p.kill("SIGTERM");
        assert.equal(await exited(p), 0);
        const took = Date.now() - t0;
        if (already) { assert.ok(took < 10000, `stopped in ${took} ms`); assert.deepEqual(admin.requests, ["POST /healthcheck/fail", "GET /ready"], "drained once, by the lifecycle container"); }
        else { assert.ok(took >= 1000, `stopped in ${took} ms`); assert.deepEqual(admin.requests, ["GET /ready", "POST /healthcheck/fail", "POST /drain_listeners?graceful&inboundonly"]); }
      } finally { admin.close(); fs.rmSync(dir, { recursive: true, force: true }); }
    });

  it("the wrapper exits with Envoy's own status, also when Envoy stops at once (20 stops)", async () => {
    const admin = await fakeAdmin();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-envoy-"));
    const fake = path.join(dir, "envoy");
    // Exits 3 the moment TERM arrives: often before the wrapper's trap has returned.
    fs.writeFileSync(fake, "#!/bin/bash\ntrap 'kill $! 2>/dev/null; exit 3' TERM\nwhile :; do sleep 3600 & wait $!; done\n", { mode: 0o755 });
    try {
      await new Promise<void>((r) => http.request({ port: admin.port, method: "POST", path: "/healthcheck/fail" }, () => r()).end());
      const script = onPort(ENVOY_WRAPPER, admin.port).replace(ENVOY_BINARY, fake);
      const codes: (number | null)[] = [];
      for (let i = 0; i < 20; i++) {
        const p = spawn("/bin/bash", ["-c", script, "envoy", "{}"], { env: { ...process.env, LISTENER_DRAIN_WAIT_TIME_S: "60", ENVOY_LOG_LEVEL: "info" } });
        await trapsTerm(p);
        p.kill("SIGTERM");
        codes.push(await exited(p));
      }
      assert.deepEqual(codes, Array(20).fill(3));
    } finally { admin.close(); fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it("puts the lifecycle container after the applications, so ECS stops it (and drains) before them", () => {
    const m = model(input("dev"));
    const [envoy, lifecycle] = envoySidecar(m, "blue", { group: "g", region: "us-east-1" }).containers as any[];
    assert.equal(lifecycle.name, LIFECYCLE_CONTAINER);
    assert.deepEqual(lifecycle.dependsOn, [{ containerName: "app", condition: "START" }]);
    assert.deepEqual(lifecycle.command, [DRAIN_SCRIPT]);
    // Essential: its health check is the application's, and it must count for the task.
    assert.equal(lifecycle.essential, true);
    assert.equal(lifecycle.user, "1337");
    assert.ok(m.envoy.drainSeconds < lifecycle.stopTimeout && m.envoy.drainSeconds < envoy.stopTimeout);
    // A client-only service takes no traffic: no health to report, nothing to drain.
    const client = model(input("dev"));
    client.nodes.find((n) => n.key === "blue")!.listeners = [];
    assert.ok(!(envoySidecar(client, "blue", { group: "g", region: "us-east-1" }).containers as any[]).some((c) => c.name === LIFECYCLE_CONTAINER));
  });

  it("with proxy interception the lifecycle container reports health but has nothing to drain, and exits at once on SIGTERM", async () => {
    const m = model(withChange("dev", (t) => (t.envoy.interception = "proxy")));
    const lifecycle = (envoySidecar(m, "red", { group: "g", region: "us-east-1" }).containers as any[]).find((c) => c.name === LIFECYCLE_CONTAINER);
    assert.deepEqual(lifecycle.command, [IDLE_SCRIPT]);
    assert.ok(lifecycle.healthCheck);
    const p = spawn("/bin/bash", ["-c", IDLE_SCRIPT]);
    await trapsTerm(p);
    const t0 = Date.now();
    p.kill("SIGTERM");
    assert.equal(await exited(p), 0);
    // Its idle loop sleeps an hour at a time: exiting within seconds means the trap ended it.
    assert.ok(Date.now() - t0 < 10000);
  });
});
