import { strict as assert } from "assert";
import * as fs from "fs";
import { ENUMS, LIMITS } from "../../model/limits";
import { checkFargateSize, fargateMemoryOptions } from "../../model/fargate";
import { at, issues, withChange } from "../helpers";

import { DEFAULT_MODEL, FIXTURE, extractShapes } from "../../tools/api-limits";

describe("limits agree with the official App Mesh API model", function () {
  // The shapes come from test/fixtures, extracted from the official model by tools/api-limits.ts.
  const shapes = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Record<string, { min?: number; max?: number; enum?: string[] }>;

  it("the fixture is still what the official model says (where the model is on this machine)", function () {
    if (!fs.existsSync(DEFAULT_MODEL)) this.skip();
    assert.deepEqual(extractShapes(DEFAULT_MODEL), shapes);
  });

  for (const [name, limit] of Object.entries(LIMITS)) {
    if (limit.model !== "appmesh") continue;
    it(`${name} equals ${limit.shape}`, () => {
      const shape = shapes[limit.shape];
      assert.ok(shape, `shape ${limit.shape} is not in the model`);
      assert.equal((limit as { min?: number }).min, shape.min, "min");
      assert.equal((limit as { max?: number }).max, shape.max, "max");
    });
  }
  for (const [name, e] of Object.entries(ENUMS)) {
    if (!e.shape) continue;
    it(`${name} equals the enum of ${e.shape}`, () => assert.deepEqual([...e.values].sort(), [...shapes[e.shape].enum!].sort()));
  }
  it("HTTP retry events are the four the user guide lists (the model leaves them an open string)", () => {
    assert.deepEqual(shapes.HttpRetryPolicyEvent, { type: "string", max: 25, min: 1 });
    assert.deepEqual([...ENUMS.httpRetryEvent.values], ["server-error", "gateway-error", "client-error", "stream-error"]);
  });
});

/** GIVEN a limit WHEN the value sits at min-1, min, max, max+1 THEN only the outside values fail. */
describe("limits hold at their boundaries", () => {
  const boundary = (title: string, p: string, min: number, max: number, set: (t: any, e: any, v: number) => void) =>
    it(title, () => {
      for (const [v, ok] of [[min - 1, false], [min, true], [max, true], [max + 1, false]] as const) {
        const found = at(issues(withChange("dev", (t, e) => set(t, e, v))), p);
        assert.equal(found.length === 0, ok, `${title} = ${v}: ${found.join("; ")}`);
      }
    });
  const hc = (t: any) => t.services.red.listeners[0].healthCheck;
  boundary("weight", "routers.colors.routes.color-route.targets.green", 0, 100, (_t, e, v) => (e.routers.colors.routes["color-route"].targets = { green: v, yellow: 0 }));
  boundary("priority", "routers.colors.routes.color-route.priority", 0, 1000, (t, _e, v) => (t.routers.colors.routes["color-route"].priority = v));
  boundary("health check interval", "services.red.listeners[0].healthCheck.intervalMillis", 5000, 300000, (t, _e, v) => (hc(t).intervalMillis = v));
  boundary("health check timeout", "services.red.listeners[0].healthCheck.timeoutMillis", 2000, 60000, (t, _e, v) => (hc(t).timeoutMillis = v));
  boundary("healthy threshold", "services.red.listeners[0].healthCheck.healthyThreshold", 2, 10, (t, _e, v) => (hc(t).healthyThreshold = v));
  boundary("Envoy drain", "envoy.drainSeconds", 5, 110, (t, _e, v) => Object.assign(t.envoy, { drainSeconds: v, stopTimeout: 120 }));
  boundary("container health retries", "services.red.containers.app.healthCheck.retries", 1, 10, (t, _e, v) => (t.services.red.containers.app.healthCheck = { command: ["CMD", "true"], retries: v }));
  boundary("targets per route", "routers.colors.routes.color-route.targets", 1, 10, (t, e, v) => {
    for (let i = 0; i < Math.max(v, 0); i++) t.services[`c${i}`] = { ...t.services.green, discovery: { cloudMap: { service: `c${i}` } } };
    e.routers.colors.routes["color-route"].targets = Object.fromEntries(Array.from({ length: Math.max(v, 0) }, (_, i) => [`c${i}`, 1]));
    t.routers.colors.routes["color-route"].targets = {};
  });
});

describe("Fargate task sizes", () => {
  it("lists the documented memory options", () => {
    assert.deepEqual(fargateMemoryOptions(256), [512, 1024, 2048]);
    assert.deepEqual(fargateMemoryOptions(512), [1024, 2048, 3072, 4096]);
    assert.equal(fargateMemoryOptions(4096)!.at(-1), 30720);
    assert.equal(fargateMemoryOptions(8192)![1], 16384 + 4096);
    assert.equal(fargateMemoryOptions(16384)!.at(-1), 122880);
  });
  it("accepts each documented pair and rejects its neighbours", () => {
    for (const cpu of [256, 512, 1024, 2048, 4096, 8192, 16384]) {
      const opts = fargateMemoryOptions(cpu)!;
      for (const m of opts) assert.equal(checkFargateSize(cpu, m), undefined);
      assert.ok(checkFargateSize(cpu, opts[0] - 1));
      assert.ok(checkFargateSize(cpu, opts.at(-1)! + 1024 * 8));
    }
  });
});
