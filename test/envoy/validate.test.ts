/**
 * Every bootstrap the project generates, loaded by the real Envoy of the pinned release
 * (`envoy --mode validate`, tools/envoy/validate.ts): the reference stacks on each data plane
 * that runs Envoy, the examples, options that add configuration, random meshes; deprecated
 * fields and any warning Envoy logs fail. Then the judge itself, shown to refuse each kind of
 * mistake. The bootstrap is taken from the container definition ECS receives, with the
 * environment ECS gives it (TLS material from the test CA, test/envoy/pki.ts).
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { envoyGateway, envoySidecar } from "../../components/dataplanes/envoy/sidecar";
import { sidecarBootstrap } from "../../components/dataplanes/envoy/bootstrap";
import { discoveryName } from "../../components/dataplanes/envoy/clusters";
import { callerProxy, signsRequests } from "../../components/dataplanes/lattice/caller";
import { latticePlan } from "../../components/dataplanes/lattice/plan";
import type { MeshModel } from "../../model/types";
import { inParallel, validateBootstrap } from "../../tools/envoy/validate";
import { CANARY, input, MTLS, model, withChange } from "../helpers";
import { validateMesh } from "../../model/load";
import { caFile, leaf, secretValues } from "./pki";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROUTES_DIR } from "../../components/dataplanes/envoy/live-routes";

const ENVOY = process.env.FARGATE_MESH_ENVOY!;
const LOG = { group: "g", region: "us-east-1" };
/** Random meshes per run, each with several Envoys; a new sample every run (the seed is printed on failure). */
const RANDOM_MESHES = 20;
const HEADER_CANARY = path.join(path.dirname(CANARY), "header-canary.yaml");

/** Each Envoy of a model as ECS starts it: its name, bootstrap and secret-filled environment. */
export function envoysOf(m: MeshModel): { what: string; bootstrap: unknown; env: Record<string, string> }[] {
  const out: { what: string; bootstrap: unknown; env: Record<string, string> }[] = [];
  const of = (what: string, containers: any[], san: string) => {
    const c = containers.find((x) => x.name === "envoy");
    if (!c) return;
    const env = Object.fromEntries((c.environment ?? []).map((e: any) => [e.name, e.value]));
    out.push({ what, bootstrap: JSON.parse(c.command[2]), env: { ...env, ...secretValues(c.secrets, san) } });
  };
  if (m.dataPlane === "envoy") for (const n of m.nodes) of(n.key, envoySidecar(m, n.key, LOG).containers as any[], discoveryName(n));
  // lattice.auth iam: each caller's signing Envoy.
  if (m.dataPlane === "lattice") for (const n of m.nodes.filter((x) => signsRequests(m, x.key))) of(n.key, callerProxy(m, latticePlan(m), n.key, LOG).containers, discoveryName(n));
  if (m.gateway && m.dataPlane !== "appmesh") of("gateway", envoyGateway(m, LOG).containers as any[], `${m.gateway.name}.${m.namespace}`);
  return out;
}

/** `what: problem` for every Envoy of these models that real Envoy refuses or warns about. */
async function rejected(...models: MeshModel[]): Promise<string[]> {
  const envoys = models.flatMap((m, i) => envoysOf(m).map((e) => ({ ...e, what: models.length > 1 ? `#${i} ${e.what}` : e.what })));
  assert.ok(envoys.length > 0, "there is an Envoy to load");
  const results = await inParallel(envoys.map((e) => () => validateBootstrap(ENVOY, e.bootstrap, e.env)));
  return results.flatMap((r, i) => r.problems.map((p) => `${envoys[i].what}: ${p}`));
}

describe("real Envoy loads every generated bootstrap", function () {
  this.timeout(120000);
  for (const stack of ["dev", "staging", "prod", CANARY, HEADER_CANARY])
    it(`every Envoy of ${stack.endsWith(".yaml") ? path.basename(stack) : stack}, on the envoy and lattice data planes (lattice with iam auth: the signing Envoys)`, async () => {
      const on = (plane: string, auth?: string) => model(withChange(stack, (_t, e) => { e.dataPlane = plane; if (auth) e.lattice = { auth }; }));
      const iam = on("lattice", "iam");
      assert.ok(iam.nodes.some((n) => signsRequests(iam, n.key)), "a caller signs");
      assert.deepEqual(await rejected(model(input(stack)), on("lattice"), iam), []);
    });

  it("mutual TLS everywhere (examples/mtls.yaml), and a PERMISSIVE gateway listener with file certificates and client policy ports", async () => {
    const gw = leaf("gateway.shop.local");
    const m = model(withChange(MTLS, (t) => {
      t.gateway.listeners[0].tls = { mode: "PERMISSIVE", certificate: { file: { certificateChain: gw.chainFile, privateKey: gw.keyFile } } };
      t.services.front.clientTls.ports = [8080];
      t.services.front.clientTls.validation = { trust: { file: { certificateChain: caFile() } } };
    }));
    assert.deepEqual(await rejected(model(input(MTLS)), m), []);
  });

  it("routeUpdates live: every Envoy's bootstrap with its route files, as the relay writes them, on each reference stack and the canary", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-live-routes-"));
    try {
      const jobs: { what: string; bootstrap: unknown; env: Record<string, string> }[] = [];
      for (const stack of ["dev", "staging", "prod", CANARY]) {
        const m = model(withChange(stack, (t) => { t.envoy.routeUpdates = "live"; }));
        const sidecars = [...m.nodes.map((n) => ({ what: n.key, s: envoySidecar(m, n.key, LOG) })), ...(m.gateway ? [{ what: "gateway", s: envoyGateway(m, LOG) }] : [])];
        for (const { what, s } of sidecars) {
          if (!s.routeTables) continue;
          // Each Envoy its own folder: the path in the bootstrap, moved under this test's.
          const own = fs.mkdtempSync(path.join(dir, `${what}-`));
          for (const t of s.routeTables.tables) fs.writeFileSync(path.join(own, `${t.name}.json`), JSON.stringify(t.document));
          const c = (s.containers as any[]).find((x) => x.name === "envoy");
          const env = Object.fromEntries((c.environment ?? []).map((e: any) => [e.name, e.value]));
          const secretEnv = { ...env, ...secretValues(c.secrets, what) };
          jobs.push({ what: `${path.basename(stack)} ${what}`, bootstrap: JSON.parse(c.command[2].split(ROUTES_DIR).join(own)), env: secretEnv });
          // Validation does not read RDS files: each file's table is also loaded in place of its RDS source.
          const inline = JSON.parse(c.command[2]);
          for (const l of inline.static_resources.listeners) for (const ch of l.filter_chains ?? []) for (const f of ch.filters ?? []) {
            const hcm = f.typed_config;
            if (!hcm?.rds) continue;
            const doc = JSON.parse(fs.readFileSync(path.join(own, `${hcm.rds.route_config_name}.json`), "utf8"));
            const { "@type": _type, ...table } = doc.resources[0];
            delete hcm.rds;
            hcm.route_config = table;
          }
          jobs.push({ what: `${path.basename(stack)} ${what} (its route files in place)`, bootstrap: inline, env: secretEnv });
        }
      }
      assert.ok(jobs.length >= 4, "live Envoys to load");
      const results = await inParallel(jobs.map((j) => () => validateBootstrap(ENVOY, j.bootstrap, j.env)));
      assert.deepEqual(results.flatMap((r, i) => r.problems.map((p) => `${jobs[i].what}: ${p}`)), []);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it("the options that add configuration: X-Ray, DogStatsD, stats tags, ALLOW_ALL, TLS, text and JSON logs, timeouts, every match", async () => {
    const red = leaf("red.colors.local");
    const m = model(withChange("dev", (t) => {
      Object.assign(t.envoy, { xray: true, dogStatsd: { port: 8125 }, statsTags: true });
      t.mesh.egressFilter = "ALLOW_ALL";
      t.mesh.ipPreference = "IPv6_PREFERRED";
      t.services.red.listeners[0].tls = { mode: "PERMISSIVE", certificate: { file: { certificateChain: red.chainFile, privateKey: red.keyFile } } };
      t.services.red.accessLog = { path: "/dev/stdout", format: { text: "%START_TIME% %REQ(:METHOD)% %RESPONSE_CODE%\\n" } };
      t.services.blue.accessLog = { path: "/dev/stderr", format: { json: { method: "%REQ(:METHOD)%", status: "%RESPONSE_CODE%" } } };
      t.services.green.listeners[0].outlierDetection = { maxServerErrors: 3, interval: "5s", baseEjectionDuration: "10s", maxEjectionPercent: 100 };
      t.services.red.listeners[0].timeout = { perRequest: "5s", idle: "300s" };
      t.services.red.listeners[0].healthCheck = { path: "/healthcheck", port: 80 };
      const route = t.routers.colors.routes["color-route"];
      route.match.headers = [
        { name: "x-a", exact: "1" }, { name: "x-b", prefix: "p" }, { name: "x-c", suffix: "s" },
        { name: "x-d", regex: "^v[0-9]+$" }, { name: "x-e", range: { start: 1, end: 9 }, invert: true },
      ];
      route.retryPolicy = { maxRetries: 3, perRetryTimeout: "250ms", httpRetryEvents: ["server-error", "client-error", "gateway-error", "stream-error"], tcpRetryEvents: ["connection-error"] };
      route.timeout = { perRequest: "10s", idle: "60s" };
      t.gateway.routes["to-router"].match.hostname = { suffix: ".example.com" };
      t.gateway.routes["to-router"].match.headers = [{ name: "x-beta", exact: "true" }];
    }));
    const dropAll = model(withChange("dev", (t) => { t.mesh.egressFilter = "DROP_ALL"; t.envoy.logLevel = "debug"; }));
    assert.deepEqual(await rejected(m, dropAll), []);
  });

  it("grpc and tcp routers, http2 listeners, tcp idle timeouts and proxy interception", async () => {
    const grpc = model(withChange("dev", (t) => {
      for (const s of ["green", "yellow"]) t.services[s].listeners[0] = { port: 80, protocol: "grpc" };
      t.routers.colors.listeners[0].protocol = "grpc";
      t.routers.colors.routes["color-route"].match = { serviceName: "colors.Palette", methodName: "Get" };
    }));
    const tcp = model(withChange("dev", (t) => {
      for (const s of ["green", "yellow"]) t.services[s].listeners[0] = { port: 80, protocol: "tcp" };
      t.routers.colors.listeners[0].protocol = "tcp";
      t.routers.colors.routes["color-route"].match = { port: 80 };
      t.services.green.listeners[0].timeout = { idle: "120s" };
      t.routers.colors.routes["color-route"].timeout = { idle: "300s" };
      t.services.blue.backends = ["colors"];
      delete t.gateway.routes["to-router"];
    }));
    const proxy = model(withChange("dev", (t) => { t.envoy.interception = "proxy"; t.services.red.listeners[0].protocol = "http2"; }));
    assert.deepEqual(await rejected(grpc, tcp, proxy), []);
  });

  it("random meshes: any protocols, matches, weights, backends and options", async () => {
    const protocols = ["http", "http2", "grpc", "tcp"] as const;
    const arb = fc.record({
      protocols: fc.array(fc.constantFrom(...protocols), { minLength: 2, maxLength: 6 }),
      routerProtocol: fc.constantFrom(...protocols),
      weights: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 6 }),
      backendBits: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      prefix: fc.constantFrom("/", "/api", "/v2/"),
      header: fc.option(fc.constantFrom({ exact: "1" }, { prefix: "a" }, { suffix: "z" }, { regex: "^[a-z]+$" }, { range: { start: 0, end: 5 } })),
      invert: fc.boolean(),
      gatewayPrefix: fc.constantFrom("/", "/shop", "/shop/"),
      keepPrefix: fc.boolean(),
      allowAll: fc.boolean(),
      xray: fc.boolean(),
    });
    const models: MeshModel[] = [];
    const seed = Number(process.env.FARGATE_MESH_SEED ?? Date.now() % 100000);
    fc.assert(fc.property(arb, (g) => {
      const i = withChange("dev", (t, e) => {
        t.services = {};
        g.protocols.forEach((p, k) => {
          t.services[`s${k}`] = { containers: { app: { image: "registry.example.com/app:1", ports: [8000 + k] } }, listeners: [{ port: 8000 + k, protocol: p }] };
        });
        const targets = g.protocols.map((p, k) => [`s${k}`, p] as const).filter(([, p]) => p === g.routerProtocol);
        const routeMatch = g.routerProtocol === "tcp" ? {} : g.routerProtocol === "grpc" ? {}
          : { prefix: g.prefix, ...(g.header ? { headers: [{ name: "x-test", ...g.header, invert: g.invert }] } : {}) };
        t.routers = targets.length ? { r: { dnsName: "r", listeners: [{ port: 9000, protocol: g.routerProtocol }], routes: { main: {
          match: routeMatch, targets: Object.fromEntries(targets.map(([k], j) => [k, j === 0 ? Math.max(1, g.weights[j] ?? 1) : g.weights[j] ?? 0])),
        } } } } : {};
        const callable = [...g.protocols.map((_, k) => `s${k}`).filter((k) => !targets.some(([x]) => x === k)), ...(targets.length ? ["r"] : [])];
        t.services.s0.backends = callable.filter((k, j) => k !== "s0" && g.backendBits[j]);
        const httpTarget = callable.find((k) => k === "r" ? g.routerProtocol !== "tcp" : g.protocols[Number(k.slice(1))] !== "tcp");
        t.gateway.routes = httpTarget ? { main: { match: { prefix: g.gatewayPrefix }, target: httpTarget, keepPrefix: g.keepPrefix } } : {};
        if (!httpTarget) delete t.gateway;
        t.mesh.egressFilter = g.allowAll ? "ALLOW_ALL" : "DROP_ALL";
        t.envoy.xray = g.xray;
        e.routers = {}; e.services = {};
      });
      const r = validateMesh(i);
      fc.pre(r.ok);
      if (r.ok) models.push(r.model);
    }), { numRuns: RANDOM_MESHES, seed });
    assert.equal(models.length, RANDOM_MESHES, "every run made a valid mesh");
    assert.deepEqual(await rejected(...models), [], `FARGATE_MESH_SEED=${seed} repeats these meshes`);
  });
});

describe("the judge itself: real Envoy refuses each kind of mistake", function () {
  this.timeout(60000);
  const base = () => JSON.parse(JSON.stringify(sidecarBootstrap(model(input("dev")), "blue")));
  const outboundRoute = (b: any) => b.static_resources.listeners[1].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0];
  const appHealthFilter = (b: any) => b.static_resources.listeners[2].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config;
  const cases: [string, (b: any) => void, RegExp][] = [
    ["an unknown field", (b) => (b.static_resources.clusters[1].conect_timeout = "5s"), /conect_timeout/],
    ["a misspelled enum", (b) => (b.static_resources.clusters[0].type = "STATICC"), /STATICC/],
    ["a malformed duration", (b) => (b.static_resources.clusters[1].connect_timeout = "5 seconds"), /5 seconds|Duration/],
    ["an unknown @type", (b) => (b.static_resources.listeners[1].filter_chains[0].filters[0].typed_config["@type"] = "type.googleapis.com/envoy.Nope"), /envoy\.Nope/],
    ["a port out of range", (b) => (b.static_resources.clusters[1].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value = 70000), /PortValue: value must be less than or equal to 65535/],
    ["an empty required name", (b) => (b.static_resources.clusters[1].name = ""), /[Nn]ame/],
    ["a virtual host without domains", (b) => (outboundRoute(b).domains = []), /[Dd]omains/],
    ["a route without a path match", (b) => delete outboundRoute(b).routes[0].match.prefix, /PathSpecifier|path_specifier|match/],
    ["a deprecated cluster field (Envoy only warns: the warning fails it)", (b) => (b.static_resources.clusters[1].dns_refresh_rate = "5s"), /Deprecated field.*dns_refresh_rate/],
    ["a deprecated field inside an extension (fatal under the runtime layer)", (b) => (appHealthFilter(b).headers = [{ name: ":path", exact_match: "/app-health" }]), /exact_match/],
    ["a health check interval of zero", (b) => (b.static_resources.clusters[1].health_checks[0].interval = "0s"), /[Ii]nterval/],
    ["a route to an unknown cluster", (b) => (outboundRoute(b).routes[0].route.cluster = "node-nobody-80"), /node-nobody-80/],
    ["a cluster name used twice", (b) => b.static_resources.clusters.push(b.static_resources.clusters[1]), /node-red-80/],
    ["a TLS secret ECS did not fill", (b) => (b.static_resources.clusters[1].transport_socket = { name: "envoy.transport_sockets.tls", typed_config: {
      "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
      common_tls_context: { validation_context: { trusted_ca: { environment_variable: "TLS_CLIENT_TRUSTED_CA" } } } } }), /TLS_CLIENT_TRUSTED_CA/],
  ];
  it("loads the unedited bootstrap", async () => assert.deepEqual((await validateBootstrap(ENVOY, base())).problems, []));
  const results = new Map<string, Promise<string[]>>();
  before(() => { for (const [what, edit] of cases) { const b = base(); edit(b); results.set(what, validateBootstrap(ENVOY, b).then((r) => r.problems)); } });
  for (const [what, , expected] of cases)
    it(`refuses ${what}`, async () => {
      const problems = await results.get(what)!;
      assert.ok(problems.some((p) => expected.test(p)), problems.join("\n") || "accepted");
    });
});
