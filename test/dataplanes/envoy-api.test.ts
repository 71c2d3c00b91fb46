/**
 * Every generated bootstrap checked against Envoy's own API definitions (tools/envoy-api.ts):
 * the reference stacks, the canary, options that add configuration, random meshes; and the
 * checker itself, shown to reject each kind of mistake.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { gatewayBootstrap, sidecarBootstrap } from "../../components/dataplanes/envoy/bootstrap";
import type { MeshModel } from "../../model/types";
import { checkEnvoyBootstrap } from "../../tools/envoy-api";
import { CANARY, input, MTLS, model, withChange } from "../helpers";
import { validateMesh } from "../../model/load";

/** `what: problems` for every Envoy of a model that the API check rejects. */
function rejected(m: MeshModel): string[] {
  const out: string[] = [];
  for (const n of m.nodes) for (const p of checkEnvoyBootstrap(sidecarBootstrap(m, n.key))) out.push(`${n.key}: ${p}`);
  if (m.gateway) for (const p of checkEnvoyBootstrap(gatewayBootstrap(m))) out.push(`gateway: ${p}`);
  return out;
}

describe("Envoy API check of generated bootstraps", () => {
  for (const stack of ["dev", "staging", "prod", CANARY])
    it(`accepts every Envoy of ${stack.endsWith(".yaml") ? "the canary" : stack}`, () => {
      assert.deepEqual(rejected(model(input(stack))), []);
    });

  it("accepts mutual TLS everywhere (examples/mtls.yaml) and a PERMISSIVE gateway listener with file certificates and client policy ports", () => {
    assert.deepEqual(rejected(model(input(MTLS))), []);
    const m = model(withChange(MTLS, (t) => {
      t.gateway.listeners[0].tls = { mode: "PERMISSIVE", certificate: { file: { certificateChain: "/certs/gw.pem", privateKey: "/certs/gw.key" } } };
      t.services.front.clientTls.ports = [8080];
      t.services.front.clientTls.validation = { trust: { file: { certificateChain: "/certs/ca.pem" } } };
    }));
    assert.deepEqual(rejected(m), []);
  });

  it("accepts the options that add configuration: X-Ray, DogStatsD, stats tags, ALLOW_ALL, TLS, timeouts, every match", () => {
    const m = model(withChange("dev", (t) => {
      Object.assign(t.envoy, { xray: true, dogStatsd: { port: 8125 }, statsTags: true });
      t.mesh.egressFilter = "ALLOW_ALL";
      t.mesh.ipPreference = "IPv6_PREFERRED";
      t.services.red.listeners[0].tls = { mode: "PERMISSIVE", certificate: { file: { certificateChain: "/certs/red.pem", privateKey: "/certs/red.key" } } };
      t.services.red.listeners[0].timeout = { perRequest: "5s", idle: "300s" };
      t.services.red.listeners[0].healthCheck = { path: "/healthcheck", port: 8081 };
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
    assert.deepEqual(rejected(m), []);
  });

  it("accepts grpc and tcp routers, http2 listeners and proxy interception", () => {
    const grpc = model(withChange("dev", (t) => {
      for (const s of ["green", "yellow"]) t.services[s].listeners[0] = { port: 80, protocol: "grpc" };
      t.routers.colors.listeners[0].protocol = "grpc";
      t.routers.colors.routes["color-route"].match = { serviceName: "colors.Palette", methodName: "Get" };
    }));
    assert.deepEqual(rejected(grpc), []);
    const tcp = model(withChange("dev", (t) => {
      for (const s of ["green", "yellow"]) t.services[s].listeners[0] = { port: 80, protocol: "tcp" };
      t.routers.colors.listeners[0].protocol = "tcp";
      t.routers.colors.routes["color-route"].match = { port: 80 };
      t.services.blue.backends = ["colors"];
      delete t.gateway.routes["to-router"];
    }));
    assert.deepEqual(rejected(tcp), []);
    const proxy = model(withChange("dev", (t) => { t.envoy.interception = "proxy"; t.services.red.listeners[0].protocol = "http2"; }));
    assert.deepEqual(rejected(proxy), []);
  });

  it("accepts random meshes: any protocols, matches, weights, backends and options", () => {
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
    let valid = 0;
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
      if (r.ok) { valid++; assert.deepEqual(rejected(r.model), []); }
    }), { numRuns: 60 });
    assert.equal(valid, 60, "every run checked a valid mesh");
  });
});

describe("the Envoy API check itself", () => {
  const base = () => JSON.parse(JSON.stringify(sidecarBootstrap(model(input("dev")), "blue")));
  const outboundRoute = (b: any) => b.static_resources.listeners[1].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0];
  const cases: [string, (b: any) => void, RegExp][] = [
    ["an unknown field", (b) => (b.static_resources.clusters[1].conect_timeout = "5s"), /key "conect_timeout" is unknown/],
    ["a misspelled enum", (b) => (b.static_resources.clusters[1].type = "STRICTDNS"), /cannot decode enum envoy\.config\.cluster\.v3\.Cluster\.DiscoveryType from JSON: "STRICTDNS"/],
    ["a malformed duration", (b) => (b.static_resources.clusters[1].connect_timeout = "5 seconds"), /google\.protobuf\.Duration from JSON: "5 seconds"/],
    ["an unknown @type", (b) => (b.static_resources.listeners[1].filter_chains[0].filters[0].typed_config["@type"] = "type.googleapis.com/envoy.Nope"), /envoy\.Nope is not in the type registry/],
    ["a port out of range", (b) => (b.static_resources.clusters[1].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value = 70000), /port_value: must be at most 65535, got 70000/],
    ["an empty required name", (b) => (b.static_resources.clusters[1].name = ""), /clusters\[1\]\.name: must have at least 1 character/],
    ["a virtual host without domains", (b) => (outboundRoute(b).domains = []), /domains: must have at least 1 item/],
    ["a route without a path match", (b) => delete outboundRoute(b).routes[0].match.prefix, /match: one of prefix, path, safe_regex/],
    ["a deprecated field", (b) => (b.static_resources.clusters[1].http2_protocol_options = {}), /http2_protocol_options: is deprecated in Envoy's API/],
    ["a health check interval of zero", (b) => (b.static_resources.clusters[1].health_checks[0].interval = "0s"), /interval: must be longer than 0s/],
    ["a route to an unknown cluster", (b) => (outboundRoute(b).routes[0].route.cluster = "node-nobody-80"), /names unknown cluster node-nobody-80/],
    ["a cluster name used twice", (b) => b.static_resources.clusters.push(b.static_resources.clusters[1]), /name node-red-80 is used twice/],
    ["a listener without filter chains", (b) => (b.static_resources.listeners[1].filter_chains = []), /listener outbound: has no filter chains/],
  ];
  it("accepts the unedited bootstrap", () => assert.deepEqual(checkEnvoyBootstrap(base()), []));
  for (const [what, edit, expected] of cases)
    it(`rejects ${what}`, () => {
      const b = base();
      edit(b);
      const problems = checkEnvoyBootstrap(b);
      assert.ok(problems.some((p) => expected.test(p)), problems.join("\n"));
    });
});
