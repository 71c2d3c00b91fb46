/**
 * Retries that cannot amplify without bound (pure, no Pulumi): every target cluster carries
 * circuit breakers with a retry budget, every retry goes to another host where there is one,
 * POST and PATCH are retried only before they were sent unless a route asks otherwise, and
 * what App Mesh does differently is said in the plan.
 */
import { strict as assert } from "assert";
import * as envoy from "../../components/dataplanes/envoy/bootstrap";
import { routeSpec } from "../../components/dataplanes/appmesh/specs";
import { CIRCUIT_BREAKERS, RETRY_HOST_ATTEMPTS } from "../../model/defaults";
import { model, withChange } from "../helpers";

const STACKS = ["dev", "staging", "prod"];
const routesOf = (b: any): any[] =>
  b.static_resources.listeners.flatMap((l: any) => l.filter_chains ?? [])
    .flatMap((c: any) => c.filters)
    .filter((f: any) => f.name === "envoy.filters.network.http_connection_manager")
    .flatMap((f: any) => f.typed_config.route_config?.virtual_hosts ?? [])
    .flatMap((h: any) => h.routes);
const bootstraps = (m: any): any[] => [...m.nodes.map((n: any) => envoy.sidecarBootstrap(m, n.key)), ...(m.gateway ? [envoy.gatewayBootstrap(m)] : [])];
const POST_PATCH = (r: any) => (r.match.headers ?? []).some((h: any) => h.name === ":method" && h.string_match?.safe_regex?.regex === "POST|PATCH");

describe("retries are bounded on the envoy data plane", () => {
  for (const stack of STACKS) it(`${stack}: every target cluster has circuit breakers with the retry budget, every retry asks for another host`, () => {
    const m = model(withChange(stack, () => {}));
    let clusters = 0, retries = 0;
    for (const b of bootstraps(m)) {
      for (const c of b.static_resources.clusters.filter((c: any) => c.name.startsWith("node-"))) {
        clusters++;
        const [t] = c.circuit_breakers.thresholds;
        assert.equal(t.retry_budget.budget_percent.value, CIRCUIT_BREAKERS.retryBudget.budgetPercent, c.name);
        assert.equal(t.retry_budget.min_retry_concurrency, CIRCUIT_BREAKERS.retryBudget.minConcurrency, c.name);
        assert.equal(t.max_requests, CIRCUIT_BREAKERS.maxRequests, c.name);
      }
      for (const r of routesOf(b).filter((r) => r.route?.retry_policy)) {
        retries++;
        const p = r.route.retry_policy;
        assert.deepEqual(p.retry_host_predicate.map((x: any) => x.name), ["envoy.retry_host_predicates.previous_hosts"], r.name);
        assert.equal(p.host_selection_retry_max_attempts, RETRY_HOST_ATTEMPTS);
      }
    }
    assert.ok(clusters > 0 && retries > 0, `${stack} has target clusters (${clusters}) and retrying routes (${retries})`);
  });

  it("a route that asks for it retries POST and PATCH like GET; the others keep their safe copy", () => {
    let name = "";
    const routeOf = (retryNonIdempotent?: boolean) => {
      const m = model(withChange("dev", (t) => {
        [name] = Object.keys(t.routers.colors.routes);
        const r = t.routers.colors.routes[name];
        delete r.match.method;
        r.retryPolicy = { maxRetries: 2, perRetryTimeout: "1s", httpRetryEvents: ["server-error"], ...(retryNonIdempotent === undefined ? {} : { retryNonIdempotent }) };
      }));
      const caller = m.nodes.find((n: any) => n.backendKeys.includes("colors"))!;
      return routesOf(envoy.sidecarBootstrap(m, caller.key)).filter((r) => r.name === name || r.name === `${name}-post-patch`);
    };
    for (const routes of [routeOf(undefined), routeOf(false)]) {
      const unsafe = routes.filter(POST_PATCH);
      assert.equal(unsafe.length, 1, "POST and PATCH have their own route, first");
      assert.equal(routes.indexOf(unsafe[0]), 0);
      assert.equal(unsafe[0].route.retry_policy.retry_on, "reset-before-request");
    }
    const asked = routeOf(true);
    assert.deepEqual(asked.filter(POST_PATCH), [], "no separate POST route");
    assert.equal(asked.length, 1);
    assert.equal(asked[0].route.retry_policy.retry_on, "5xx");
  });

  it("App Mesh gets its own retry policy shape, and the plan says what it does not apply", () => {
    const m = model(withChange("dev", (t) => {
      t.dataPlane = "appmesh";
      t.envoy = { ...(t.envoy ?? {}), appMeshVersion: "v1.29.12.1" };
      for (const r of Object.values<any>(t.routers.colors.routes)) r.retryPolicy = { maxRetries: 1, perRetryTimeout: "1s", httpRetryEvents: ["server-error"], retryNonIdempotent: true };
    }));
    for (const r of m.routers.flatMap((x: any) => x.routes)) {
      const spec: any = routeSpec(r);
      const body = spec[`${r.protocol}Route`];
      assert.deepEqual(Object.keys(body.retryPolicy).sort(), ["httpRetryEvents", "maxRetries", "perRetryTimeout"]);
    }
    const said = m.unused.map((u: any) => u.path);
    assert.ok(said.some((p: string) => /POST and PATCH/.test(p)), said.join("\n"));
    assert.ok(said.some((p: string) => /retry budgets/.test(p)), said.join("\n"));
  });
});
