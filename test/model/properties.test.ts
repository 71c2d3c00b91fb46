import { strict as assert } from "assert";
import fc from "fast-check";
import { securityEdges } from "../../components/security-edges";
import { at, issues, model, withChange } from "../helpers";

const TARGETS = "routers.colors.routes.color-route.targets";

describe("properties of the model", () => {
  it("accepts a set of weights exactly when App Mesh would, and percentages add up to 100", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -5, max: 120 }), { minLength: 1, maxLength: 12 }), (weights) => {
      const input = withChange("dev", (t, e) => {
        weights.forEach((_, i) => (t.services[`c${i}`] = { ...t.services.green, discovery: { cloudMap: { service: `c${i}` } } }));
        t.routers.colors.routes["color-route"].targets = {};
        e.routers.colors.routes["color-route"].targets = Object.fromEntries(weights.map((w, i) => [`c${i}`, w]));
      });
      const expectOk = weights.length <= 10 && weights.every((w) => w >= 0 && w <= 100) &&
        weights.reduce((a, b) => a + b, 0) <= 100 && weights.some((w) => w > 0);
      const found = issues(input).filter((i) => i.path.startsWith(TARGETS));
      assert.equal(found.length === 0, expectOk, JSON.stringify({ weights, found }));
      if (expectOk) {
        const total = model(input).routers[0].routes[0].targets.reduce((s, t) => s + t.percent, 0);
        // Each share is rounded to 0.1, so each is off by at most 0.05; 1e-9 absorbs the float sum itself (100.2 - 100 > 0.2).
        assert.ok(Math.abs(total - 100) <= 0.05 * weights.length + 1e-9, `percentages add to ${total}`);
      }
    }), { numRuns: 150 });
  });

  it("every node's security group admits exactly its callers, for any backend wiring", () => {
    const keys = ["red", "blue", "green", "yellow"];
    const callable = ["red", "blue", "colors"];
    fc.assert(fc.property(fc.array(fc.subarray(callable), { minLength: 4, maxLength: 4 }), (backends) => {
      const input = withChange("dev", (t) => keys.forEach((k, i) => (t.services[k].backends = backends[i])));
      const m = model(input);
      const edges = securityEdges(m);
      for (const node of m.nodes) {
        const callers = new Set(edges.filter((e) => e.to === node.key).map((e) => e.from));
        const expected = new Set<string>();
        m.nodes.forEach((n) => {
          if (n.backendKeys.includes(node.key)) expected.add(n.key);
          if (n.backendKeys.includes("colors") && (node.key === "green" || node.key === "yellow")) expected.add(n.key);
        });
        if (m.gateway!.targetKeys.includes(node.key) || (m.gateway!.targetKeys.includes("colors") && ["green", "yellow"].includes(node.key))) expected.add("gateway");
        assert.deepEqual([...callers].sort(), [...expected].sort(), `callers of ${node.key}`);
        assert.ok(edges.filter((e) => e.to === node.key).every((e) => e.port === 80));
      }
    }), { numRuns: 60 });
  });

  it("accepts a service name exactly when its derived Cloud Map name is a DNS label", () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,70}$/), (name) => {
      if (["red", "blue", "green", "yellow", "colors", "router"].includes(name.toLowerCase())) return;
      const input = withChange("dev", (t) => { t.services[name] = t.services.red; });
      const label = name.toLowerCase();
      const dnsOk = label.length <= 63 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(label);
      assert.equal(at(issues(input), `services.${name}`).length === 0, dnsOk, name);
      if (dnsOk) assert.ok(model(input).virtualServices.some((v) => v.name === `${label}.colors.local`));
    }), { numRuns: 80 });
  });
});
