/** What the generated Envoy configuration means: where each Envoy sends what (pure, no Pulumi). */
import { strict as assert } from "assert";
import * as envoy from "../../components/dataplanes/envoy/bootstrap";
import { retryPolicy } from "../../components/dataplanes/envoy/mapping";
import { CANARY, input, model, withChange } from "../helpers";
import { routeThroughEnvoy } from "../../tools/routing/envoy";
import { parseRequest } from "../../tools/routing/request";

// Bootstraps are JSON documents; tests read them as such.
const sidecarBootstrap = (m: any, key: string): any => envoy.sidecarBootstrap(m, key);
const gatewayBootstrap = (m: any): any => envoy.gatewayBootstrap(m);
const listener = (b: any, name: string) => b.static_resources.listeners.find((l: any) => l.name === name);
const hcmOf = (chain: any) => chain.filters.find((f: any) => f.name === "envoy.filters.network.http_connection_manager").typed_config;
/** Outbound virtual hosts (every HTTP chain of the outbound listener shares one route table). */
const outboundHosts = (b: any) => {
  const http = listener(b, "outbound")?.filter_chains.filter((c: any) => c.filters[0].name.endsWith("http_connection_manager")) ?? [];
  for (const c of http) assert.deepEqual(hcmOf(c), hcmOf(http[0]));
  return http.length ? hcmOf(http[0]).route_config.virtual_hosts : [];
};
const cluster = (b: any, name: string) => b.static_resources.clusters.find((c: any) => c.name === name);
const shares = (route: any) => Object.fromEntries(route.route.weighted_clusters.clusters.map((c: any) => [c.name, c.weight]));

/** Every retry policy asks for a host the request has not tried (mapping.ts). */
const NEXT_HOST = {
  retry_host_predicate: [{ name: "envoy.retry_host_predicates.previous_hosts", typed_config: { "@type": "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate" } }],
  host_selection_retry_max_attempts: 3,
};

describe("the Envoy data plane's configuration (dev)", () => {
  const m = model(input("dev"));

  it("blue sends router.colors.local to green and yellow at 50/50, red.colors.local to red, and nothing else anywhere", () => {
    const b = sidecarBootstrap(m, "blue");
    const hosts = outboundHosts(b);
    assert.deepEqual(hosts.map((h: any) => h.domains), [["red.colors.local", "red.colors.local:80"], ["router.colors.local", "router.colors.local:80"]]);
    // A backend with no router in front gets the default retries and request timeout too.
    const retry = { retry_on: "refused-stream,gateway-error,reset,connect-failure", num_retries: 2, per_try_timeout: "5s", ...NEXT_HOST };
    const direct = { match: { prefix: "/" }, route: { cluster: "node-red-80", timeout: "15s", retry_policy: retry } };
    // POST and PATCH first, retried on a reset only before they were sent (idempotent.ts).
    const unsafe = { ...direct, match: { prefix: "/", headers: [{ name: ":method", string_match: { safe_regex: { regex: "POST|PATCH" } } }] },
      route: { ...direct.route, retry_policy: { num_retries: 2, retry_on: "connect-failure,refused-stream,reset-before-request", ...NEXT_HOST } } };
    assert.deepEqual(hosts[0].routes, [unsafe, direct]);
    const [route] = hosts[1].routes;
    assert.deepEqual(route.match, { prefix: "/", headers: [{ name: ":method", string_match: { exact: "GET" } }] });
    assert.deepEqual(shares(route), { "node-green-80": 50, "node-yellow-80": 50 });
    // DROP_ALL: no catch-all host, no default chain, no pass-through cluster.
    assert.ok(!hosts.some((h: any) => h.domains.includes("*")));
    assert.equal(listener(b, "outbound").default_filter_chain, undefined);
    assert.deepEqual(b.static_resources.clusters.map((c: any) => c.name), ["local-80", "node-red-80", "node-green-80", "node-yellow-80"]);
  });

  it("finds each target through its Cloud Map name, health-checked and outlier-detected as its listener says", () => {
    const red = cluster(sidecarBootstrap(m, "blue"), "node-red-80");
    // Every address Cloud Map answers is a host (STRICT_DNS), re-resolved as the records' TTL says.
    assert.equal(red.type, undefined, "the DNS cluster extension, not the deprecated cluster fields");
    assert.deepEqual(red.cluster_type.typed_config, { "@type": "type.googleapis.com/envoy.extensions.clusters.dns.v3.DnsCluster", all_addresses_in_single_endpoint: false, respect_dns_ttl: true, dns_lookup_family: "V4_ONLY" });
    assert.deepEqual(red.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address, { address: "red.colors.local", port_value: 80 });
    assert.deepEqual(red.health_checks, [{ timeout: "2s", interval: "5s", healthy_threshold: 2, unhealthy_threshold: 2, no_traffic_interval: "5s", http_health_check: { path: "/healthcheck", expected_statuses: [{ start: 200, end: 400 }] } }]);
    assert.deepEqual(red.outlier_detection, { consecutive_5xx: 5, interval: "10s", base_ejection_time: "30s", max_ejection_percent: 50, successful_active_health_check_uneject_host: false });
  });

  it("a task gone from DNS leaves every caller's host set at once, health checks or not (strict DNS); a logical DNS host is left alone", () => {
    const lb = model(withChange("dev", (t) => (t.services.red.discovery = { dns: { hostname: "red.example.internal", responseType: "LOADBALANCER" } })));
    for (const mm of [m, lb]) for (const key of ["blue", "gateway"]) {
      const b = key === "gateway" ? gatewayBootstrap(mm) : sidecarBootstrap(mm, key);
      for (const c of b.static_resources.clusters.filter((x: any) => x.cluster_type?.name === "envoy.cluster.dns")) {
        const strict = c.cluster_type.typed_config.all_addresses_in_single_endpoint === false;
        assert.ok(c.health_checks?.length, `${c.name} is actively health-checked`);
        assert.equal(c.ignore_health_on_host_removal, strict ? true : undefined, c.name);
      }
    }
    assert.equal(cluster(sidecarBootstrap(lb, "blue"), "node-red-80").cluster_type.typed_config.all_addresses_in_single_endpoint, true);
  });

  it("an HTTP health check counts every 2xx and 3xx as healthy, and no 4xx or 5xx, in callers and at the task itself", () => {
    const healthy = (hc: any, status: number) => hc.expected_statuses.some((r: any) => status >= r.start && status < r.end);
    const h2 = model(withChange("dev", (t) => { t.services.red.listeners[0].protocol = "http2"; delete t.services.red.listeners[0].healthCheck; }));
    for (const [mm, b] of [[m, "blue"], [h2, "blue"]] as const)
      for (const c of [cluster(sidecarBootstrap(mm, b), "node-red-80"), cluster(sidecarBootstrap(mm, "red"), "local-80")]) {
        const hc = c.health_checks[0].http_health_check;
        // Boundaries: the last status below the range, its first and last, the first above it.
        assert.deepEqual([199, 200, 204, 302, 399, 400, 404, 503].map((s) => healthy(hc, s)), [false, true, true, true, true, false, false, false], c.name);
      }
    // The default check of an http2 listener (GET / over HTTP/2) is the one the issue was about.
    assert.equal(cluster(sidecarBootstrap(h2, "blue"), "node-red-80").health_checks[0].http_health_check.path, "/");
  });

  it("a gRPC health check has no HTTP statuses to count", () => {
    const g = model(withChange("dev", (t) => { t.services.red.listeners[0] = { port: 80, protocol: "grpc" }; }));
    const hc = cluster(sidecarBootstrap(g, "blue"), "node-red-80").health_checks[0];
    assert.deepEqual(hc.grpc_health_check, {});
    assert.equal(hc.http_health_check, undefined);
  });

  it("yellow's Envoy has no outbound virtual host at all (and so no outbound listener)", () => {
    const b = sidecarBootstrap(m, "yellow");
    assert.deepEqual(outboundHosts(b), []);
    assert.deepEqual(b.static_resources.listeners.map((l: any) => l.name), ["inbound", "app-health"]);
    assert.deepEqual(b.static_resources.clusters.map((c: any) => c.name), ["local-80"]);
  });

  it("health-checks the local application as its listener says, and answers /app-health on loopback only while it passes", () => {
    const b = sidecarBootstrap(m, "red");
    assert.deepEqual(cluster(b, "local-80").health_checks, [{
      timeout: "2s", interval: "5s", healthy_threshold: 2, unhealthy_threshold: 2, http_health_check: { path: "/healthcheck", expected_statuses: [{ start: 200, end: 400 }] },
      // An idle cluster is otherwise checked every 60 s: a new task's health would show late.
      no_traffic_interval: "1s", no_traffic_healthy_interval: "5s",
    }]);
    const health = listener(b, "app-health");
    assert.deepEqual(health.address.socket_address, { address: "127.0.0.1", port_value: 15021 });
    const hcm = hcmOf(health.filter_chains[0]);
    assert.deepEqual(hcm.http_filters.map((f: any) => f.name), ["envoy.filters.http.health_check", "envoy.filters.http.router"]);
    const filter = hcm.http_filters[0].typed_config;
    assert.equal(filter.pass_through_mode, false, "Envoy answers itself, from its clusters' health");
    assert.deepEqual(filter.headers, [{ name: ":path", string_match: { exact: "/app-health" } }]);
    assert.deepEqual(filter.cluster_min_healthy_percentages, { "local-80": { value: 100 } });
    assert.deepEqual(hcm.route_config.virtual_hosts, [], "nothing else is served there");
  });

  it("every listener of a service counts for its health, each checked by its own protocol on its own port", () => {
    const two = model(withChange("dev", (t) => {
      t.services.red.listeners.push({ port: 9090, protocol: "grpc", healthCheck: { port: 9090, intervalMillis: 12000, unhealthyThreshold: 4 } });
      t.services.red.containers.app.ports = [80, 9090];
    }));
    const b = sidecarBootstrap(two, "red");
    const grpc = cluster(b, "local-9090");
    assert.deepEqual(grpc.health_checks[0].grpc_health_check, {});
    assert.deepEqual(grpc.load_assignment.endpoints[0].lb_endpoints[0].endpoint, { address: { socket_address: { address: "127.0.0.1", port_value: 9090 } } });
    // Callers check it where they reach it: the listener's port, which red's security group admits.
    const callers = cluster(sidecarBootstrap(model(withChange("dev", (t) => {
      t.services.red.listeners.push({ port: 9090, protocol: "grpc", healthCheck: { port: 9090 } });
      t.services.red.containers.app.ports = [80, 9090];
    })), "blue"), "node-red-9090");
    assert.equal(callers.load_assignment.endpoints[0].lb_endpoints[0].endpoint.health_check_config, undefined);
    assert.equal(callers.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value, 9090);
    assert.deepEqual(hcmOf(listener(b, "app-health").filter_chains[0]).http_filters[0].typed_config.cluster_min_healthy_percentages,
      { "local-80": { value: 100 }, "local-9090": { value: 100 } });
  });

  it("with proxy interception there is no inbound listener, but the application is still health-checked", () => {
    const b = sidecarBootstrap(model(withChange("dev", (t) => (t.envoy.interception = "proxy"))), "red");
    assert.deepEqual(b.static_resources.listeners.map((l: any) => l.name), ["outbound", "app-health"]);
    assert.ok(cluster(b, "local-80").health_checks[0].http_health_check);
  });

  it("hands the application port to the local application on the inbound capture port, with the access log", () => {
    const b = sidecarBootstrap(m, "blue");
    const inbound = listener(b, "inbound");
    assert.deepEqual(inbound.address.socket_address, { address: "0.0.0.0", port_value: 15000 });
    assert.equal(inbound.listener_filters[0].name, "envoy.filters.listener.original_dst");
    const [chain] = inbound.filter_chains;
    assert.deepEqual(chain.filter_chain_match, { destination_port: 80 });
    assert.deepEqual(hcmOf(chain).route_config.virtual_hosts[0].routes[0].route, { cluster: "local-80" });
    assert.deepEqual(hcmOf(chain).access_log[0].typed_config.log_format.json_format.code, "%RESPONSE_CODE%");
    assert.deepEqual(cluster(b, "local-80").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address, { address: "127.0.0.1", port_value: 80 });
    assert.deepEqual(b.admin.address.socket_address, { address: "127.0.0.1", port_value: 9901 });
  });

  it("the gateway sends /router to the router (its weights, prefix rewritten) and / to blue", () => {
    const b = gatewayBootstrap(m);
    const l = listener(b, "gateway-8080");
    assert.deepEqual(l.address.socket_address, { address: "0.0.0.0", port_value: 8080 });
    const routes = hcmOf(l.filter_chains[0]).route_config.virtual_hosts[0].routes;
    assert.deepEqual(routes.map((r: any) => r.name), ["to-router/color-route", "to-router/unmatched", "to-blue-post-patch", "to-blue"]);
    const [toRouter, , , toBlue] = routes;
    assert.deepEqual(toRouter.match, { prefix: "/router", headers: [{ name: ":method", string_match: { exact: "GET" } }] });
    assert.deepEqual(shares(toRouter), { "node-green-80": 50, "node-yellow-80": 50 });
    assert.equal(toRouter.route.host_rewrite_literal, "router.colors.local");
    assert.deepEqual(toRouter.route.regex_rewrite, { pattern: { regex: "^/router/*" }, substitution: "/" });
    assert.ok(toRouter.route.retry_policy, "the router's retries apply at the gateway");
    assert.deepEqual(toBlue.match, { prefix: "/" });
    // A gateway prefix of / has nothing to rewrite.
    assert.deepEqual(toBlue.route, { cluster: "node-blue-80", timeout: "15s", host_rewrite_literal: "blue.colors.local",
      retry_policy: { retry_on: "refused-stream,gateway-error,reset,connect-failure", num_retries: 2, per_try_timeout: "5s", ...NEXT_HOST } });
    // Every try fits the request timeout: 3 tries of 5 s in 15 s.
    assert.equal(toRouter.route.timeout, "15s");
    assert.equal(toRouter.route.retry_policy.per_try_timeout, "5s");
  });

  it("keeps the prefix when asked, and combines a gateway prefix with a router route's own prefix", () => {
    const keep = gatewayBootstrap(model(withChange("dev", (t) => (t.gateway.routes["to-router"].keepPrefix = true))));
    const [route] = hcmOf(listener(keep, "gateway-8080").filter_chains[0]).route_config.virtual_hosts[0].routes;
    assert.equal(route.match.prefix, "/router");
    assert.equal(route.route.regex_rewrite, undefined);
    const nested = gatewayBootstrap(model(withChange("dev", (t) => (t.routers.colors.routes["color-route"].match.prefix = "/api"))));
    const [inner] = hcmOf(listener(nested, "gateway-8080").filter_chains[0]).route_config.virtual_hosts[0].routes;
    // /router/api/x reaches the router as /api/x, which its route matches.
    assert.deepEqual(inner.match.safe_regex, { regex: "/router/*api.*" });
  });
});

describe("gateway routes match as App Mesh matches them: gateway route first, then its router's routes", () => {
  const gatewayRoutesOf = (m: any) => hcmOf(listener(gatewayBootstrap(m), "gateway-8080").filter_chains[0]).route_config.virtual_hosts[0].routes;
  const via = (m: any, line: string) => routeThroughEnvoy(gatewayBootstrap(m), "gateway", { ...parseRequest(line), port: 8080 }, true);

  it("GIVEN a router that matches GET only WHEN POST /router/x arrives THEN the router's 404 answers, not the / route", () => {
    const m = model(input("dev"));
    const post = via(m, "POST /router/x");
    assert.equal(post.outcome, "refused");
    assert.match(post.steps.at(-1)!, /gateway route to-router matches, but none of its router's routes does \(Envoy answers 404/);
    // The properties around it: GET still reaches the router's targets, and POST / still reaches blue.
    assert.deepEqual(Object.keys(via(m, "GET /router/x").shares).sort(), ["green", "yellow"]);
    assert.deepEqual(via(m, "POST /").shares, { blue: 100 });
  });

  it("every folded gateway route ends with a 404 of its own match, before any later gateway route", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const m = model(input(stack));
      const routes = gatewayRoutesOf(m);
      for (const gr of m.gateway!.routes.filter((g: any) => m.routers.some((r: any) => r.key === g.target.key))) {
        const own = routes.filter((r: any) => r.name.startsWith(`${gr.name}/`));
        const last = own.at(-1);
        assert.equal(last.name, `${gr.name}/unmatched`);
        assert.deepEqual(last.direct_response, { status: 404 });
        assert.equal(last.match.prefix, gr.match.prefix ?? "/");
        // Contiguous: no other gateway route's entry sits between its folded routes and its 404.
        const first = routes.indexOf(own[0]);
        assert.deepEqual(routes.slice(first, first + own.length), own);
      }
    }
  });

  it("a gateway route's hostname and headers apply to every folded route and to its 404", () => {
    const m = model(withChange("dev", (t) => Object.assign(t.gateway.routes["to-router"].match, {
      hostname: { exact: "shop.example.com" }, headers: [{ name: "x-beta", exact: "1" }],
    })));
    const own = gatewayRoutesOf(m).filter((r: any) => r.name.startsWith("to-router/"));
    assert.ok(own.length >= 2);
    for (const r of own) {
      const names = r.match.headers.map((h: any) => h.name);
      for (const n of [":authority", "x-beta"]) assert.ok(names.includes(n), `${r.name} lacks ${n}`);
    }
    // Another host does not match the gateway route: the request goes on to / (blue), as in App Mesh.
    assert.deepEqual(via(m, "GET /router/x").shares, { blue: 100 });
  });
});

describe("mappings written down next to the code", () => {
  it("App Mesh retry events become Envoy retry_on conditions", () => {
    assert.deepEqual(retryPolicy({ maxRetries: 3, perRetryTimeout: { value: 250, unit: "ms" }, httpRetryEvents: ["server-error", "gateway-error", "client-error", "stream-error"], tcpRetryEvents: ["connection-error"] }),
      { retry_on: "5xx,gateway-error,reset,retriable-4xx,refused-stream,connect-failure", num_retries: 3, per_try_timeout: "0.250s", ...NEXT_HOST });
    assert.deepEqual(retryPolicy({ maxRetries: 2, perRetryTimeout: { value: 15, unit: "s" }, grpcRetryEvents: ["cancelled", "unavailable"] }),
      { retry_on: "cancelled,unavailable", num_retries: 2, per_try_timeout: "15s", ...NEXT_HOST });
    assert.equal(retryPolicy({ maxRetries: 0, perRetryTimeout: { value: 1, unit: "s" }, httpRetryEvents: ["server-error"] }), undefined);
  });

  it("a header match and a retry policy of the description appear exactly as mapped", () => {
    const m = model(withChange("dev", (t) => {
      const r = t.routers.colors.routes["color-route"];
      r.match.headers = [{ name: "x-beta-user", exact: "true" }, { name: "x-id", range: { start: 1, end: 9 }, invert: true }, { name: "x-v", regex: "^v[0-9]$" }];
      r.retryPolicy = { maxRetries: 4, perRetryTimeout: "2s", httpRetryEvents: ["server-error"] };
    }));
    const [route] = outboundHosts(sidecarBootstrap(m, "blue"))[1].routes;
    assert.deepEqual(route.match.headers, [
      { name: ":method", string_match: { exact: "GET" } },
      { name: "x-beta-user", string_match: { exact: "true" } },
      { name: "x-id", range_match: { start: "1", end: "9" }, invert_match: true },
      { name: "x-v", string_match: { safe_regex: { regex: "^v[0-9]$" } } },
    ]);
    assert.deepEqual(route.route.retry_policy, { retry_on: "5xx", num_retries: 4, per_try_timeout: "2s", ...NEXT_HOST });
  });

  it("routes by priority, then in the order written, and only on the router port a route matches", () => {
    const m = model(withChange("dev", (t) => {
      const routes = t.routers.colors.routes;
      routes.late = { match: { prefix: "/late", port: 80 }, targets: { green: 1 } };
      routes.first = { priority: 0, match: { prefix: "/first", port: 80 }, targets: { yellow: 1 } };
      routes.elsewhere = { priority: 2, match: { prefix: "/x", port: 8080 }, targets: { yellow: 1 } };
      t.routers.colors.listeners.push({ port: 8080, protocol: "http" });
    }));
    const hosts = outboundHosts(sidecarBootstrap(m, "blue")).filter((h: any) => h.name.startsWith("colors-"));
    assert.deepEqual(hosts.map((h: any) => [h.domains, h.routes.map((r: any) => r.name)]), [
      [["router.colors.local", "router.colors.local:80"], ["first-post-patch", "first", "color-route", "late-post-patch", "late"]],
      [["router.colors.local:8080"], ["elsewhere-post-patch", "elsewhere"]],
    ]);
  });
});

describe("the Envoy data plane's configuration (seed 000 canary)", () => {
  const m = model(input(CANARY));

  it("serviceA sends serviceb.apps.local to serviceB/serviceBv2 at 75/25 over HTTP/2", () => {
    const b = sidecarBootstrap(m, "serviceA");
    const hosts = outboundHosts(b);
    assert.deepEqual(hosts.map((h: any) => h.domains), [["serviceb.apps.local", "serviceb.apps.local:80"]]);
    assert.deepEqual(shares(hosts[0].routes[0]), { "node-serviceB-80": 75, "node-serviceBv2-80": 25 });
    for (const c of ["node-serviceB-80", "node-serviceBv2-80"]) {
      const http2 = cluster(b, c).typed_extension_protocol_options["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"];
      assert.deepEqual(http2.explicit_http_config, { http2_protocol_options: {} });
    }
    // Discovered by DNS hostname, as the canary describes its nodes.
    assert.equal(cluster(b, "node-serviceBv2-80").load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address, "servicebv2.apps.local");
  });
});

describe("egress and interception modes", () => {
  it("ALLOW_ALL passes everything else on to its original destination", () => {
    const b = sidecarBootstrap(model(withChange("dev", (t) => (t.mesh.egressFilter = "ALLOW_ALL"))), "blue");
    assert.deepEqual(listener(b, "outbound").default_filter_chain.filters[0].typed_config.cluster, "passthrough");
    assert.deepEqual(outboundHosts(b).at(-1), { name: "passthrough", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "passthrough" } }] });
    assert.deepEqual(cluster(b, "passthrough"), { name: "passthrough", type: "ORIGINAL_DST", lb_policy: "CLUSTER_PROVIDED", connect_timeout: "5s" });
  });

  it("proxy interception listens on loopback only, routes by authority the same way, and has no inbound listener", () => {
    const m = model(withChange("dev", (t) => (t.envoy.interception = "proxy")));
    const b = sidecarBootstrap(m, "blue");
    assert.deepEqual(b.static_resources.listeners.map((l: any) => l.name), ["outbound", "app-health"]);
    const out = listener(b, "outbound");
    assert.deepEqual(out.address.socket_address, { address: "127.0.0.1", port_value: 15001 });
    assert.equal(out.listener_filters, undefined);
    assert.equal(out.filter_chains[0].filter_chain_match, undefined);
    assert.deepEqual(outboundHosts(b), outboundHosts(sidecarBootstrap(model(input("dev")), "blue")));
  });

  it("tcp routers become weighted TCP proxying on the router's port, without weight-0 targets", () => {
    const m = model(withChange("dev", (t, e) => {
      for (const s of ["green", "yellow"]) t.services[s].listeners[0] = { port: 80, protocol: "tcp" };
      t.routers.colors.listeners[0].protocol = "tcp";
      t.routers.colors.routes["color-route"].match = { port: 80 };
      e.routers.colors.routes["color-route"].targets = { green: 100, yellow: 0 };
      t.services.blue.backends = ["colors"];
      delete t.gateway.routes["to-router"];
    }));
    const out = listener(sidecarBootstrap(m, "blue"), "outbound");
    const tcp = out.filter_chains.find((c: any) => c.name === "tcp-colors-80");
    assert.deepEqual(tcp.filter_chain_match, { destination_port: 80 });
    assert.deepEqual(tcp.filters[0].typed_config.weighted_clusters, { clusters: [{ name: "node-green-80", weight: 100 }] });
    assert.equal(tcp.filters[0].typed_config.idle_timeout, undefined, "no idle timeout written: Envoy's own default applies");
  });

  it("GIVEN a tcp route with an idle timeout WHEN a caller proxies to it THEN its tcp_proxy closes idle connections after exactly that", () => {
    for (const idle of ["1s", "250ms", "3600s"]) {
      const m = model(withChange("dev", (t) => {
        for (const s of ["green", "yellow"]) t.services[s].listeners[0] = { port: 80, protocol: "tcp" };
        t.routers.colors.listeners[0].protocol = "tcp";
        t.routers.colors.routes["color-route"].match = { port: 80 };
        t.routers.colors.routes["color-route"].timeout = { idle };
        t.services.blue.backends = ["colors"];
        delete t.gateway.routes["to-router"];
      }));
      const route = m.routers[0].routes[0];
      const tcp = listener(sidecarBootstrap(m, "blue"), "outbound").filter_chains.find((c: any) => c.name === "tcp-colors-80");
      const ms = route.timeout!.idle!.unit === "s" ? route.timeout!.idle!.value * 1000 : route.timeout!.idle!.value;
      assert.equal(Number.parseFloat(tcp.filters[0].typed_config.idle_timeout) * 1000, ms, idle);
    }
  });
});
