/**
 * Mutual TLS with traffic: the mutual-TLS example rehearsed with certificates from a test CA,
 * delivered as ECS delivers secrets (each service's certificate names `<service>.<namespace>`,
 * which is what the example's subjectAlternativeNames allow). Calls through the mesh succeed;
 * a connection straight to a listener, past the caller's Envoy (as Envoy's UID, which
 * interception lets through, from a task the security groups admit), is refused without a
 * certificate, with a certificate whose SAN the listener does not allow, and in plain text.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import type { Rehearsal } from "../../tools/rehearse/session";
import { caFile, caPem, leaf, secretValues } from "../envoy/pki";
import { planOf } from "../components/plan-helpers";
import { rehearseAll } from "./helpers";

const MTLS = path.join(__dirname, "../../examples/mtls.yaml");

/** One HTTPS (or plain, with no servername) GET from namespace `ns` as `uid`: the status, or the error that ended it. */
function probe(ns: string, uid: string, ip: string, port: number, opts: { servername?: string; cert?: { chain: string; key: string } }): { status?: number; error?: string } {
  const script = `
    const net = require("net"), tls = require("tls");
    const [ip, port, servername] = process.argv.slice(1);
    const { PROBE_CA: ca, PROBE_CERT: cert, PROBE_KEY: key } = process.env;
    const done = (o) => { process.stdout.write(JSON.stringify(o)); process.exit(0); };
    const s = servername
      ? tls.connect({ host: ip, port: +port, servername, ca, ...(cert ? { cert, key } : {}) })
      : net.connect(+port, ip);
    s.on(servername ? "secureConnect" : "connect", () => s.write("GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n"));
    let out = "";
    s.on("data", (d) => (out += d));
    s.on("end", () => done(/^HTTP\\/1\\.1 (\\d+)/.test(out) ? { status: +RegExp.$1 } : { error: "closed without an answer" }));
    s.on("error", (e) => done({ error: e.code || e.message }));
    setTimeout(() => done({ error: "timeout" }), 3000);`;
  // The PEMs travel in the environment: the test's key files are readable by root only.
  const env = { ...process.env, PROBE_CA: caPem(), ...(opts.cert ? { PROBE_CERT: opts.cert.chain, PROBE_KEY: opts.cert.key } : {}) };
  const r = spawnSync("ip", ["netns", "exec", ns, "setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--", process.execPath, "-e", script, ip, String(port), opts.servername ?? ""], { encoding: "utf8", env });
  if (!r.stdout) throw new Error(`the probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe("the mesh carries real requests: mutual TLS (examples/mtls.yaml, test certificates)", function () {
  this.timeout(240_000);
  let r: Rehearsal;
  let namespace: string;

  before(async () => {
    const plan = await planOf(MTLS);
    namespace = plan.model.namespace;
    const san = (service: string) => `${service}.${namespace}`;
    [r] = await rehearseAll([plan], { secretValues: (c, service) => secretValues(c.secrets, san(service)) });
  });

  after(() => r?.destroy());

  /** A caller and a backend whose listener validates its clients' SANs. */
  const pair = () => {
    const m = r.plan.model;
    const caller = m.nodes.find((n) => n.backendKeys.some((k) => m.nodes.find((x) => x.key === k)?.listeners[0]?.tls?.validation))!;
    const backend = m.nodes.find((x) => caller.backendKeys.includes(x.key) && x.listeners[0].tls?.validation)!;
    return { caller, backend, allowed: backend.listeners[0].tls!.validation!.subjectAlternativeNames ?? [] };
  };

  it("calls succeed: from the internet through the gateway's TLS listener, and between services over mutual TLS", async () => {
    const gw = r.plan.model.gateway!;
    const o = await r.request("gateway", "GET", gw.routes[0].match.prefix ?? "/", 20, {}, { caFile: caFile(), servername: `gateway.${namespace}` });
    assert.deepEqual(o.byStatus, { 200: 20 }, JSON.stringify(o));
    const { caller, backend } = pair();
    const url = `http://${r.plan.model.virtualServices.find((v) => v.key === backend.key)!.name}:${backend.listeners[0].port}/`;
    const east = await r.request(caller.key, "GET", url, 20);
    assert.deepEqual(east.byService, { [backend.key]: 20 }, JSON.stringify(east));
  });

  it("a client with no certificate, with a certificate whose SAN is not allowed, or in plain text is refused", () => {
    const { caller, backend, allowed } = pair();
    const task = r.mesh.tasksOf(caller.key)[0];
    const uid = r.mesh.services.find((s) => s.key === caller.key)!.task.proxyConfiguration!.properties.IgnoredUID;
    const target = r.mesh.tasksOf(backend.key)[0];
    const port = backend.listeners[0].port;
    const servername = `${backend.key}.${namespace}`;
    const stranger = [...r.mesh.services.map((s) => `${s.key}.${namespace}`)].find((n) => !allowed.includes(n))!;
    // The probe itself works: with an allowed certificate the listener answers.
    const good = probe(task.host.ns, uid, target.ip, port, { servername, cert: leaf(allowed[0]) });
    assert.equal(good.status, 200, JSON.stringify(good));
    for (const [what, opts] of [["no certificate", { servername }], [`a certificate for ${stranger}`, { servername, cert: leaf(stranger) }], ["plain text", {}]] as const) {
      const o = probe(task.host.ns, uid, target.ip, port, opts);
      assert.ok(o.status === undefined, `${what}: the listener answered ${o.status}`);
    }
  });
});
