import { strict as assert } from "assert";
import { isDeepStrictEqual } from "util";
import type { Plan } from "../../tools/plan-core";
import { onDataPlane, planOf } from "./plan-helpers";

/** Names of resources whose inputs differ between two plans of the same stack. */
function changed(a: Plan, b: Plan): string[] {
  const before = new Map(a.resources.map((r) => [`${r.type}::${r.name}`, r.inputs]));
  assert.deepEqual(a.resources.map((r) => r.name), b.resources.map((r) => r.name), "same resources");
  return b.resources.filter((r) => !isDeepStrictEqual(before.get(`${r.type}::${r.name}`), r.inputs)).map((r) => r.name);
}

const ENV = "fargate-mesh:environment";

describe("a one-line change in a stack file changes only what it should", () => {
  let base: Plan;
  before(async () => { base = await planOf("prod"); });

  it("the same stack plans identically twice", async () => {
    assert.deepEqual(changed(base, await planOf("prod")), []);
  });

  it("a weight change touches only the task definitions of the router's callers (Envoy data plane)", async () => {
    // The weight lives in each caller's bootstrap: blue and the gateway call the router.
    const next = await planOf("prod", (c) => { c[ENV].routers.colors.routes["color-route"].targets = { green: 75, yellow: 25 }; });
    assert.deepEqual(changed(base, next), ["mesh-blue-task", "mesh-gateway-task"]);
  });

  it("a weight change touches only that route on the App Mesh data plane", async () => {
    const appmesh = await planOf("prod", "appmesh");
    const next = await planOf("prod", (c) => { onDataPlane("appmesh")(c); c[ENV].routers.colors.routes["color-route"].targets = { green: 75, yellow: 25 }; });
    assert.deepEqual(changed(appmesh, next), ["mesh-appmesh-route-colors-color-route"]);
  });

  it("an image bump touches only that service's task definition", async () => {
    const next = await planOf("prod", (c) => { c[ENV].services.green.containers = { app: { image: "forsakenidol/colorapp:1.5" } }; });
    assert.deepEqual(changed(base, next), ["mesh-green-task"]);
  });
});
