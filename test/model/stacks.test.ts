import { TESTED_ENVOY_VERSION } from "../../model/envoy-release";
import { strict as assert } from "assert";
import { CANARY, input, model } from "../helpers";

const weights = (m: ReturnType<typeof model>, router: string, route: string) =>
  Object.fromEntries(m.routers.find((r) => r.key === router)!.routes.find((r) => r.key === route)!.targets.map((t) => [t.node, [t.weight, t.percent]]));
const image = (m: ReturnType<typeof model>, key: string) => m.nodes.find((n) => n.key === key)!.containers[0].image;

// The tests' own copy of the colour application (test/fixtures/colors), whose values these tests
// may name; the project's stacks/ are checked for properties only (test/stacks/).
describe("the colour application's stacks load into models", () => {
  for (const stack of ["dev", "staging", "prod"]) {
    describe(`colour application, ${stack}`, () => {
      const m = model(input(stack));

      it("has the four colour nodes, discovered in Cloud Map under colors.local", () => {
        assert.deepEqual(m.nodes.map((n) => n.name), ["red", "blue", "green", "yellow"]);
        for (const n of m.nodes) {
          assert.deepEqual(n.discovery, { kind: "cloudMap", namespace: "colors.local", service: n.key, attributes: {} });
          assert.deepEqual(n.listeners.map((l) => [l.port, l.protocol]), [[80, "http"]]);
          assert.equal(n.listeners[0].healthCheck.path, "/healthcheck");
        }
      });

      it("fronts red and blue directly and green/yellow through the router's service", () => {
        assert.deepEqual(m.virtualServices.map((v) => [v.name, v.provider]), [
          ["red.colors.local", { kind: "node", node: "red" }],
          ["blue.colors.local", { kind: "node", node: "blue" }],
          ["router.colors.local", { kind: "router", router: "colors" }],
        ]);
      });

      it("lets blue call red and the router, and nobody else call anything", () => {
        const backends = Object.fromEntries(m.nodes.map((n) => [n.key, n.backends]));
        assert.deepEqual(backends, { red: [], blue: ["red.colors.local", "router.colors.local"], green: [], yellow: [] });
      });

      it("resolves the router's name through a placeholder Cloud Map instance", () => {
        assert.deepEqual(m.routers[0].dns, { cloudMapService: "router", placeholderIp: "10.10.10.10" });
      });

      it("routes /router to the router and / to blue through the gateway", () => {
        const g = m.gateway!;
        assert.equal(g.name, `colors-${stack}-gateway`);
        assert.deepEqual(g.routes.map((r) => [r.name, r.protocol, r.match.prefix, r.target.virtualService]), [
          ["to-router", "http", "/router", "router.colors.local"],
          ["to-blue", "http", "/", "blue.colors.local"],
        ]);
        assert.equal(g.nlb.internetFacing, true);
        assert.equal(g.nlb.port, 80);
      });

      it("names the mesh after the environment and keeps DROP_ALL egress", () => {
        assert.equal(m.mesh.name, `colors-${stack}`);
        assert.equal(m.mesh.egressFilter, "DROP_ALL");
      });

      it("puts a retry policy on the route by default", () => {
        assert.deepEqual(m.routers[0].routes[0].retryPolicy, {
          maxRetries: 2, perRetryTimeout: { value: 5, unit: "s" },
          httpRetryEvents: ["stream-error", "gateway-error"], tcpRetryEvents: ["connection-error"],
        });
      });
    });
  }

  it("dev splits 50/50 and runs green and yellow 1.4 with a debug Envoy", () => {
    const m = model(input("dev"));
    assert.deepEqual(weights(m, "colors", "color-route"), { green: [50, 50], yellow: [50, 50] });
    assert.equal(image(m, "green"), "forsakenidol/colorapp:1.4");
    assert.equal(image(m, "red"), "forsakenidol/colorapp:1.3");
    assert.equal(m.envoy.logLevel, "debug");
    assert.equal(m.gateway!.nlb.deletionProtection, false);
    assert.equal(m.gateway!.task.desiredCount, 2);
  });

  it("staging splits 4:1 as in seed 002, i.e. 80% and 20%", () => {
    const m = model(input("staging"));
    assert.deepEqual(weights(m, "colors", "color-route"), { green: [4, 80], yellow: [1, 20] });
    assert.equal(image(m, "green"), "forsakenidol/colorapp:1.4");
    assert.equal(image(m, "yellow"), "forsakenidol/colorapp:1.3");
    assert.equal(m.gateway!.nlb.deletionProtection, true);
  });

  it("prod sends everything to green, in us-west-2, with larger tasks", () => {
    const m = model(input("prod"));
    assert.deepEqual(weights(m, "colors", "color-route"), { green: [100, 100], yellow: [0, 0] });
    assert.equal(m.region, "us-west-2");
    assert.equal(m.envoy.image, `envoyproxy/envoy:${TESTED_ENVOY_VERSION}`);
    assert.equal(m.dataPlane, "envoy");
    assert.deepEqual(m.network, { kind: "new", cidr: "10.0.0.0/16", azCount: 3, natGateways: "OnePerAz" });
    const red = m.nodes.find((n) => n.key === "red")!;
    assert.deepEqual([red.task.cpu, red.task.memory, red.task.desiredCount], [512, 1024, 2]);
    assert.equal(m.gateway!.task.desiredCount, 3);
  });

  describe("seed 000 canary", () => {
    const m = model(input(CANARY));

    it("has serviceA, serviceB and serviceBv2 over HTTP/2, found by DNS", () => {
      assert.deepEqual(m.nodes.map((n) => [n.name, n.listeners[0].protocol, n.discovery.kind === "dns" && n.discovery.hostname]), [
        ["serviceA", "http2", "servicea.apps.local"],
        ["serviceB", "http2", "serviceb.apps.local"],
        ["serviceBv2", "http2", "servicebv2.apps.local"],
      ]);
    });

    it("keeps the name serviceA calls, serviceb.apps.local, on the router", () => {
      assert.deepEqual(m.virtualServices.map((v) => [v.name, v.provider.kind]), [
        ["servicea.apps.local", "node"], ["serviceb.apps.local", "router"],
      ]);
      assert.deepEqual(m.nodes[0].backends, ["serviceb.apps.local"]);
      // serviceB's own tasks register as "serviceb", so no placeholder is needed.
      assert.deepEqual(m.routers[0].dns, { cloudMapService: "serviceb" });
    });

    it("routes 75/25 between serviceB and serviceBv2 on an http2 route", () => {
      const route = m.routers[0].routes[0];
      assert.equal(route.protocol, "http2");
      assert.deepEqual(route.targets.map((t) => [t.nodeName, t.weight, t.percent]), [["serviceB", 75, 75], ["serviceBv2", 25, 25]]);
      assert.equal(route.match.prefix, "/");
    });

    it("has no gateway and runs in eu-west-1", () => {
      assert.equal(m.gateway, undefined);
      assert.equal(m.mesh.name, "apps-canary");
      assert.equal(m.envoy.image, `envoyproxy/envoy:${TESTED_ENVOY_VERSION}`);
      assert.equal(m.envoy.interception, "transparent");
    });
  });
});
