/** The VPC Lattice rendering as plain data, and what Lattice cannot carry (pure, no Pulumi). */
import { strict as assert } from "assert";
import { gatewayBootstrap } from "../../components/dataplanes/envoy/bootstrap";
import { latticePlan } from "../../components/dataplanes/lattice/plan";
import { at, CANARY, input, issues, model, withChange } from "../helpers";

const lattice = (t: any, e: any) => { e.dataPlane = "lattice"; };
const ON = "not available on the lattice data plane";

describe("the lattice data plane's plan", () => {
  const m = model(withChange("prod", lattice));
  const plan = latticePlan(m);

  it("has one Lattice service per virtual service, named like it, with a listener per port", () => {
    assert.deepEqual(plan.services.map((s) => [s.key, s.name, s.customDomainName, s.listeners.map((l) => l.port)]), [
      ["red", "colors-prod-red", "red.colors.local", [80]],
      ["blue", "colors-prod-blue", "blue.colors.local", [80]],
      ["colors", "colors-prod-colors", "router.colors.local", [80]],
    ]);
    assert.deepEqual(plan.services.find((s) => s.key === "colors")!.callers, ["blue", "gateway"]);
  });

  it("turns the router's route into a listener rule forwarding to weighted target groups, keeping a weight of 0", () => {
    const [rule] = plan.services.find((s) => s.key === "colors")!.listeners[0].rules;
    assert.deepEqual(rule, {
      key: "color-route", name: "color-route", priority: 2,
      match: { httpMatch: { method: "GET", pathMatch: { match: { prefix: "/" }, caseSensitive: true } } },
      targets: [{ targetGroup: "green-colors-80", weight: 100 }, { targetGroup: "yellow-colors-80", weight: 0 }],
    });
    assert.equal(plan.services.find((s) => s.key === "red")!.listeners[0].defaultTarget, "red-red-80");
  });

  it("has one target group per (node, Lattice service, port), health-checked as the listener says", () => {
    assert.deepEqual(plan.targetGroups.map((t) => t.key), ["red-red-80", "blue-blue-80", "green-colors-80", "yellow-colors-80"]);
    assert.deepEqual(plan.targetGroups[0].healthCheck, {
      enabled: true, protocol: "HTTP", protocolVersion: "HTTP1", path: "/healthcheck", healthCheckIntervalSeconds: 5, healthCheckTimeoutSeconds: 2,
      healthyThresholdCount: 2, unhealthyThresholdCount: 2, matcher: { value: "200-399" },
    });
  });

  it("keeps rule priorities where routes put them, and places unprioritised routes after them", () => {
    const p = latticePlan(model(withChange("dev", (t, e) => {
      lattice(t, e);
      t.routers.colors.routes.late = { match: { prefix: "/late" }, targets: { green: 1 } };
      t.routers.colors.routes.first = { priority: 0, match: { prefix: "/first", headers: [{ name: "x-beta-user", exact: "true" }] }, targets: { yellow: 1 } };
    })));
    const rules = p.services.find((s) => s.key === "colors")!.listeners[0].rules;
    assert.deepEqual(rules.map((r) => [r.key, r.priority]), [["first", 1], ["color-route", 2], ["late", 3]]);
    assert.deepEqual(rules[0].match.httpMatch.headerMatches, [{ name: "x-beta-user", match: { exact: "true" }, caseSensitive: true }]);
  });

  it("the canary's router becomes serviceb.apps.local at 75/25 over HTTP/2 targets", () => {
    const p = latticePlan(model(withChange(CANARY, lattice)));
    const svc = p.services.find((s) => s.customDomainName === "serviceb.apps.local")!;
    assert.deepEqual(svc.listeners[0].rules[0].targets.map((t) => t.weight), [75, 25]);
    assert.ok(p.targetGroups.every((t) => t.protocolVersion === "HTTP2"));
  });

  it("the gateway forwards each route to its target's Lattice service, one logical DNS host each (real Envoy loads it: test/envoy/)", () => {
    const b: any = gatewayBootstrap(m);
    const routes = b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes;
    assert.deepEqual(routes.map((r: any) => [r.name, r.match.prefix, r.route.cluster, r.route.host_rewrite_literal]), [
      ["to-router", "/router", "vs-colors-80", "router.colors.local"], ["to-blue", "/", "vs-blue-80", "blue.colors.local"],
    ]);
    assert.deepEqual(b.static_resources.clusters.map((c: any) => [c.name, c.cluster_type.typed_config.all_addresses_in_single_endpoint, c.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address]), [
      ["vs-colors-80", true, "router.colors.local"], ["vs-blue-80", true, "blue.colors.local"],
    ]);
  });

  it("lists the defaults Lattice cannot realise, and the settings it leaves aside, instead of dropping them", () => {
    const paths = m.unused.map((u) => u.path);
    for (const p of ["(default) retry policies", "(default) outlier detection", "mesh.egressFilter", "services.red.accessLog"]) assert.ok(paths.includes(p), p);
  });
});

describe("what the lattice data plane cannot carry, with the alternative", () => {
  const route = (t: any) => t.routers.colors.routes["color-route"];
  const cases: [string, (t: any) => void, string, string][] = [
    ["a tcp listener", (t) => (t.services.red.listeners[0].protocol = "tcp"), "services.red.listeners[0].protocol", `tcp is ${ON}: Lattice passes TCP only behind TLS passthrough; use http or http2, or the envoy data plane`],
    ["a grpc listener", (t) => (t.services.red.listeners[0].protocol = "grpc"), "services.red.listeners[0].protocol", `grpc is ${ON} here: Lattice carries gRPC only on an HTTPS listener with a certificate for the service's name, which fargate-mesh cannot issue yet; use the envoy data plane`],
    ["a retry policy", (t) => (route(t).retryPolicy = { maxRetries: 2, perRetryTimeout: "1s", httpRetryEvents: ["server-error"] }), "routers.colors.routes.color-route.retryPolicy", `is ${ON}: VPC Lattice has no retry policy; retry in the client, or use the envoy data plane`],
    ["a route timeout", (t) => (route(t).timeout = { perRequest: "5s" }), "routers.colors.routes.color-route.timeout", `is ${ON}: VPC Lattice has no per-route timeout; set it in the client, or use the envoy data plane`],
    ["outlier detection", (t) => (t.services.red.listeners[0].outlierDetection = { maxServerErrors: 5, interval: "10s", baseEjectionDuration: "30s", maxEjectionPercent: 50 }), "services.red.listeners[0].outlierDetection", `is ${ON}: Lattice has no outlier detection; its target group health check removes unhealthy tasks`],
    ["a listener timeout", (t) => (t.services.red.listeners[0].timeout = { idle: "60s" }), "services.red.listeners[0].timeout", `is ${ON}: Lattice has no listener timeouts; set them in the application`],
    ["listener TLS", (t) => (t.services.red.listeners[0].tls = { mode: "STRICT", certificate: { file: { certificateChain: "/c.pem", privateKey: "/k.pem" } } }), "services.red.listeners[0].tls", `is ${ON}: Lattice terminates TLS itself on an HTTPS listener with an ACM certificate for the service's name; remove tls`],
    ["a suffix header match", (t) => (route(t).match.headers = [{ name: "x", suffix: "z" }]), "routers.colors.routes.color-route.match.headers[0].suffix", `is ${ON}: Lattice header matches are exact, prefix or contains; use one of those, or the envoy data plane`],
    ["a regex header match", (t) => (route(t).match.headers = [{ name: "x", regex: "^a" }]), "routers.colors.routes.color-route.match.headers[0].regex", `is ${ON}: Lattice header matches are exact, prefix or contains; use one of those, or the envoy data plane`],
    ["a range header match", (t) => (route(t).match.headers = [{ name: "x", range: { start: 1, end: 2 } }]), "routers.colors.routes.color-route.match.headers[0].range", `is ${ON}: Lattice header matches are exact, prefix or contains; use one of those, or the envoy data plane`],
    ["an inverted header match", (t) => (route(t).match.headers = [{ name: "x", exact: "1", invert: true }]), "routers.colors.routes.color-route.match.headers[0].invert", `is ${ON}: Lattice cannot invert a header match; write the positive case as a higher-priority rule`],
    ["more than 5 header matches", (t) => (route(t).match.headers = Array.from({ length: 6 }, (_, i) => ({ name: `x-${i}`, exact: "1" }))), "routers.colors.routes.color-route.match.headers", "has 6 header matches; a Lattice rule takes at most 5"],
    ["more than 2 listeners", (t) => {
      t.services.red.listeners.push({ port: 81, protocol: "http" }, { port: 82, protocol: "http" });
      t.services.red.containers.app.ports = [80, 81, 82];
    }, "services.red.listeners", "has 3 listeners; a Lattice service takes at most 2 (default quota): split the service"],
    ["more rules than a listener takes", (t) => { for (let i = 0; i < 10; i++) t.routers.colors.routes[`r${i}`] = { match: { prefix: `/r${i}` }, targets: { green: 1 } }; }, "routers.colors.routes", "has 11 routes; a Lattice listener takes at most 10 rules (default quota): merge routes or ask AWS for more (partly set in Pulumi.dev.yaml)"],
    ["a priority above the provider's range", (t) => (route(t).priority = 100), "routers.colors.routes.color-route.priority", "must be below 100 on the lattice data plane (rule priority is route priority + 1, and the provider accepts 1–100), got 100"],
    ["lattice settings on another data plane", (t) => { t.lattice = { auth: "iam" }; }, "lattice", "applies to the lattice data plane only; this description uses envoy: remove it or set dataPlane: lattice"],
  ];
  it("rejects a service that more Lattice services send to than ECS can register it with", () => {
    const found = issues(withChange("dev", (t, e) => {
      lattice(t, e);
      for (let i = 0; i < 5; i++) t.routers[`r${i}`] = { dnsName: `r${i}`, listeners: [{ port: 80, protocol: "http" }], routes: { main: { match: { prefix: "/" }, targets: { green: 1 } } } };
    }));
    assert.deepEqual(at(found, "services.green"), ["would be registered in 6 Lattice target groups (one per Lattice service and port that sends to it); ECS attaches a service to at most 5 (partly set in Pulumi.dev.yaml)"]);
  });

  for (const [what, change, path, message] of cases)
    it(`rejects ${what}`, () => {
      const onOther = path === "lattice";
      const found = issues(withChange("dev", (t, e) => { if (!onOther) lattice(t, e); change(t); }));
      assert.deepEqual(at(found, path), [message]);
    });

  it("accepts every reference stack and the canary", () => {
    for (const s of ["dev", "staging", "prod", CANARY]) assert.deepEqual(issues(withChange(s, lattice)), [], s);
    assert.equal(model(input("dev")).dataPlane, "envoy");
  });
});
