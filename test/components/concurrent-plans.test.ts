/**
 * Plans awaited together stay apart: the mocks record registrations in one place, so
 * planConfig runs one plan at a time (tools/plan-core.ts). Before, two plans under Promise.all
 * each held the other's resources, and a rehearsal of one started the other's tasks too.
 */
import { strict as assert } from "assert";
import { planOf } from "./plan-helpers";

describe("plans awaited together", () => {
  it("each hold exactly the resources of their own description", async () => {
    const alone = await planOf("dev", () => {});
    const [a, b] = await Promise.all([
      planOf("dev", () => {}),
      planOf("dev", (c) => { delete c["fargate-mesh:topology"].services.red; for (const s of Object.values<any>(c["fargate-mesh:topology"].services)) s.backends = (s.backends ?? []).filter((k: string) => k !== "red"); }),
    ]);
    const names = (p: typeof a) => p.resources.map((r) => `${r.type} ${r.name}`);
    assert.deepEqual(names(a), names(alone));
    assert.ok(!names(b).some((n) => n.includes("-red-")), "the plan without red holds red's resources");
    assert.equal(new Set(names(b)).size, names(b).length, "a resource registered twice");
  });
});
