/**
 * The gateway's readiness listener with the real Envoy: the NLB's HTTP health check gets 200
 * while Envoy serves and 503 once it drains (admin /healthcheck/fail, which the drain on stop
 * posts first). The gateway's bootstrap as its task carries it, on free ports of this machine.
 * Heavy (starts Envoy): run it under `flock /tmp/heavy.lock`.
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import * as net from "net";
import { gatewayBootstrap } from "../../components/dataplanes/envoy/bootstrap";
import { input, model } from "../helpers";

const freePort = () => new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
});

/** Replaces each port_value in `map` throughout a bootstrap. */
function remap(x: unknown, map: Map<number, number>): unknown {
  if (Array.isArray(x)) return x.map((v) => remap(v, map));
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, k === "port_value" && map.has(v as number) ? map.get(v as number) : remap(v, map)]));
  return x;
}

function request(port: number, path: string, method = "GET"): Promise<[number, string]> {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, path, method, agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve([res.statusCode!, body]));
    });
    req.on("error", (e) => resolve([0, String(e)]));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the gateway's readiness listener, with real Envoy", function () {
  this.timeout(60000);
  let envoy: ChildProcess | undefined;
  let log = "";
  after(() => envoy?.kill("SIGKILL"));

  it("answers the NLB's check with 200 while Envoy serves, 503 once it drains, and nothing but that path", async () => {
    const m = model(input("dev"));
    const g = m.gateway!;
    const hc = g.nlb.healthCheck;
    const b: any = gatewayBootstrap(m);
    const [ready, listener, admin] = [await freePort(), await freePort(), await freePort()];
    const config = remap(b, new Map([[hc.port!, ready], [g.listeners[0].port, listener], [b.admin.address.socket_address.port_value, admin]]));
    envoy = spawn(process.env.FARGATE_MESH_ENVOY!, ["--config-yaml", JSON.stringify(config), "--disable-hot-restart", "--log-level", "warning", "--base-id", String(ready)], { stdio: ["ignore", "pipe", "pipe"] });
    envoy.stdout!.on("data", (d) => (log += d));
    envoy.stderr!.on("data", (d) => (log += d));

    let status = 0;
    for (const t0 = Date.now(); Date.now() - t0 < 30000 && status !== 200; await sleep(200)) [status] = await request(ready, hc.path!);
    assert.equal(status, 200, `Envoy never answered ${hc.path} with 200:\n${log}`);
    assert.equal((await request(ready, "/anything-else"))[0], 404, "only the readiness path answers");
    assert.equal((await request(ready, "/stats"))[0], 404, "the readiness port is not the admin interface");

    // What the drain on stop does first (the wrapper and the lifecycle container post it).
    assert.equal((await request(admin, "/healthcheck/fail", "POST"))[0], 200);
    const [draining] = await request(ready, hc.path!);
    assert.equal(draining, 503, "a draining gateway fails the NLB's check, so the NLB stops sending it connections");
    assert.equal((await request(admin, "/healthcheck/ok", "POST"))[0], 200);
    assert.equal((await request(ready, hc.path!))[0], 200, "and passes again when the drain is called off");
  });
});
