/**
 * `lattice.auth: iam` on the lattice data plane: every caller's Envoy and the gateway sign their
 * requests to Lattice services with SigV4 (service vpc-lattice-svcs, unsigned payload), for
 * exactly the services they call. The renderer is checked as data, then a caller's bootstrap runs
 * in the real Envoy against a stand-in for Lattice on this machine, which recomputes each
 * signature from the secret the stand-in ECS credentials endpoint handed out.
 * Heavy (starts Envoy): run it under `flock /tmp/heavy.lock`.
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { gatewayBootstrap } from "../../components/dataplanes/envoy/bootstrap";
import { LATTICE_SIGNING_SERVICE } from "../../components/dataplanes/envoy/signing";
import { callerBootstrap, signsRequests } from "../../components/dataplanes/lattice/caller";
import { latticePlan } from "../../components/dataplanes/lattice/plan";
import type { MeshModel } from "../../model/types";
import { model, withChange } from "../helpers";

const onLattice = (stack: string, auth: "iam" | "none") => model(withChange(stack, (_t, e) => { e.dataPlane = "lattice"; e.lattice = { auth }; }));
const HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

/** The signing filter of a cluster, if any. */
const signing = (c: any) => c.typed_extension_protocol_options?.[HTTP_OPTIONS]?.http_filters?.find((f: any) => f.name === "envoy.filters.http.aws_request_signing")?.typed_config;
/** The Lattice services a caller may reach, by their names, as the model declares them. */
const backendNames = (m: MeshModel, key: string) => m.nodes.find((n) => n.key === key)!.backendKeys.map((k) => m.virtualServices.find((v) => v.key === k)!.name).sort();

describe("lattice.auth iam: the callers' and the gateway's Envoy sign their requests", () => {
  for (const stack of ["dev", "staging", "prod"])
    it(`${stack}: each caller reaches exactly its backends' Lattice services, every one signed for ${LATTICE_SIGNING_SERVICE} in the mesh's region`, () => {
      const m = onLattice(stack, "iam");
      const plan = latticePlan(m);
      const callers = m.nodes.filter((n) => n.backendKeys.length);
      assert.ok(callers.length > 0, "the stack has a caller");
      for (const n of m.nodes) assert.equal(signsRequests(m, n.key), n.backendKeys.length > 0, `${n.key} signs only if it calls something`);
      for (const n of callers) {
        const b: any = callerBootstrap(m, plan, n.key);
        const clusters = b.static_resources.clusters;
        assert.deepEqual([...new Set(clusters.map((c: any) => c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address))].sort(), backendNames(m, n.key));
        for (const c of clusters) assert.deepEqual(signing(c), {
          "@type": "type.googleapis.com/envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigning",
          service_name: LATTICE_SIGNING_SERVICE, region: m.region, use_unsigned_payload: true,
        }, `${n.key} → ${c.name}`);
        // Only the task's own containers may use the proxy.
        assert.deepEqual(b.static_resources.listeners.map((l: any) => l.address.socket_address.address), ["127.0.0.1"]);
        const domains = b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts.flatMap((h: any) => h.domains);
        assert.deepEqual([...new Set(domains.map((d: string) => d.replace(/:\d+$/, "")))].sort(), backendNames(m, n.key));
      }
      const gw: any = gatewayBootstrap(m);
      assert.ok(gw.static_resources.clusters.length > 0);
      for (const c of gw.static_resources.clusters) assert.equal(signing(c)?.service_name, LATTICE_SIGNING_SERVICE, `gateway → ${c.name}`);
    });

  it("the plan says that applications must use HTTP_PROXY for their calls to be signed, naming every caller", () => {
    const m = onLattice("staging", "iam");
    const note = m.notes.find((n) => n.reason.includes("HTTP_PROXY"));
    assert.ok(note, "a note on the signing proxy");
    for (const n of m.nodes) assert.equal(note.path.includes(n.key), n.backendKeys.length > 0, note.path);
    assert.ok(!onLattice("staging", "none").notes.some((n) => n.reason.includes("HTTP_PROXY")));
  });

  it("with auth none nothing is signed and no caller runs an Envoy", () => {
    const m = onLattice("staging", "none");
    assert.ok(m.nodes.every((n) => !signsRequests(m, n.key)));
    for (const c of (gatewayBootstrap(m) as any).static_resources.clusters) assert.equal(signing(c), undefined);
  });
});

// ---- the real Envoy, a stand-in for Lattice and for the ECS credentials endpoint ----

const freePort = () => new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every upstream address becomes the stand-in's, every port in `ports` its mapped port. */
function redirect(x: unknown, ports: Map<number, number>): unknown {
  if (Array.isArray(x)) return x.map((v) => redirect(v, ports));
  if (x && typeof x === "object")
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, k === "port_value" && ports.has(v as number) ? ports.get(v as number) : redirect(v, ports)]));
  return x;
}

const hmac = (key: crypto.BinaryLike, data: string) => crypto.createHmac("sha256", key).update(data).digest();

/** Recomputes a SigV4 signature from what the stand-in received; the reason when it does not match. */
function checkSignature(req: http.IncomingMessage, secret: string, region: string): string | undefined {
  const auth = String(req.headers.authorization ?? "");
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return `no SigV4 Authorization header: ${JSON.stringify(auth)}`;
  const [, , date, reg, service, signed, signature] = m;
  if (reg !== region || service !== LATTICE_SIGNING_SERVICE) return `signed for ${service} in ${reg}`;
  if (req.headers["x-amz-content-sha256"] !== "UNSIGNED-PAYLOAD") return `x-amz-content-sha256 is ${req.headers["x-amz-content-sha256"]}`;
  const names = signed.split(";");
  for (const must of ["host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"]) if (!names.includes(must)) return `${must} is not signed (${signed})`;
  const [p, q = ""] = req.url!.split("?");
  const query = q ? q.split("&").sort().join("&") : "";
  const canonical = [req.method, p, query, ...names.map((n) => `${n}:${String(req.headers[n]).trim()}`), "", signed, "UNSIGNED-PAYLOAD"].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", req.headers["x-amz-date"], scope, crypto.createHash("sha256").update(canonical).digest("hex")].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
  const expected = hmac(key, toSign).toString("hex");
  return expected === signature ? undefined : "the signature does not match the request";
}

describe("lattice.auth iam, with real Envoy: a caller's requests arrive signed with its task role's credentials", function () {
  this.timeout(60000);
  let envoy: ChildProcess | undefined;
  const servers: http.Server[] = [];
  let home = "";
  after(() => {
    envoy?.kill("SIGKILL");
    for (const s of servers) s.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it("signs what the application sends to HTTP_PROXY, with the credentials ECS's endpoint hands out; the stand-in verifies each signature", async () => {
    const m = onLattice("staging", "iam");
    const caller = m.nodes.find((n) => n.backendKeys.length)!;
    const b: any = callerBootstrap(m, latticePlan(m), caller.key);
    const creds = { AccessKeyId: "ASIATESTTESTTESTTEST", SecretAccessKey: crypto.randomBytes(20).toString("base64"), Token: crypto.randomBytes(32).toString("base64"), Expiration: new Date(Date.now() + 3600e3).toISOString() };
    const token = crypto.randomBytes(8).toString("hex");
    const seen: { host: string; problem?: string; token?: string }[] = [];
    const start = (handler: http.RequestListener) => new Promise<number>((resolve) => {
      const s = http.createServer(handler).listen(0, "127.0.0.1", () => resolve((s.address() as net.AddressInfo).port));
      servers.push(s);
    });
    // ECS's credentials endpoint (as AWS_CONTAINER_CREDENTIALS_FULL_URI, the loopback form the SDKs accept too).
    const credPort = await start((req, res) => {
      if (req.headers.authorization !== token) { res.writeHead(401).end(); return; }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(creds));
    });
    const lattice = await start((req, res) => {
      seen.push({ host: String(req.headers.host), problem: checkSignature(req, creds.SecretAccessKey, m.region), token: req.headers["x-amz-security-token"] as string });
      res.writeHead(200).end("ok");
    });
    const [proxy, admin] = [await freePort(), await freePort()];
    const backendPorts = b.static_resources.clusters.map((c: any) => c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value);
    const config: any = redirect(b, new Map([[b.static_resources.listeners[0].address.socket_address.port_value, proxy], [b.admin.address.socket_address.port_value, admin], ...backendPorts.map((p: number) => [p, lattice] as [number, number])]));
    for (const c of config.static_resources.clusters) c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address = "127.0.0.1";
    home = fs.mkdtempSync(path.join(os.tmpdir(), "fm-lattice-iam-"));
    // Only the stand-in endpoint: no credentials file, no instance metadata, no variables of this machine.
    const env = { PATH: process.env.PATH!, HOME: home, AWS_EC2_METADATA_DISABLED: "true", AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${credPort}/v2/credentials/test`, AWS_CONTAINER_AUTHORIZATION_TOKEN: token };
    let log = "";
    envoy = spawn(process.env.FARGATE_MESH_ENVOY!, ["--config-yaml", JSON.stringify(config), "--disable-hot-restart", "--log-level", "warning", "--base-id", String(proxy)], { env, stdio: ["ignore", "pipe", "pipe"] });
    envoy.stdout!.on("data", (d) => (log += d));
    envoy.stderr!.on("data", (d) => (log += d));

    const names = backendNames(m, caller.key);
    const viaProxy = (host: string) => new Promise<number>((resolve) => {
      const req = http.request({ host: "127.0.0.1", port: proxy, path: `http://${host}/color?x=1&a=2`, headers: { host }, agent: false }, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode!)); });
      req.on("error", () => resolve(0));
      req.end();
    });
    let status = 0;
    for (const t0 = Date.now(); Date.now() - t0 < 30000 && status !== 200; await sleep(300)) status = await viaProxy(names[0]);
    assert.equal(status, 200, `the proxy never answered 200:\n${log}`);
    for (const n of names) assert.equal(await viaProxy(n), 200, n);
    assert.equal(await viaProxy("not-a-backend.example"), 404, "a name that is not a backend has no route");
    const last = seen.slice(-names.length);
    assert.deepEqual(last.map((s) => s.host).sort(), names, "each backend was reached under its own name");
    for (const s of seen) {
      assert.equal(s.problem, undefined, `${s.host}: ${s.problem}`);
      assert.equal(s.token, creds.Token, "the session token of the task role's credentials is sent");
    }
  });
});
