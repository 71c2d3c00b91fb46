import { strict as assert } from "assert";
import { checkResources } from "../../tools/check-core";
import type { Plan, PlannedResource } from "../../tools/plan-core";
import { PRODUCTION_TAG } from "../../model/production";
import { at, issues, withChange } from "../helpers";
import { planOf } from "../components/plan-helpers";

const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const DIGEST = "@sha256:" + "ab".repeat(32);
const tasks = (p: Plan) => p.resources.filter((r) => r.type === TASK);
const editDefs = (r: PlannedResource, edit: (d: any[]) => void) => {
  const d = JSON.parse(r.inputs.containerDefinitions as string);
  edit(d);
  r.inputs.containerDefinitions = JSON.stringify(d);
};
const debugEnvoy = (r: PlannedResource) => editDefs(r, (d) => {
  const env = d.find((c) => c.name === "envoy").environment;
  env.find((e: any) => e.name === "ENVOY_LOG_LEVEL").value = "debug";
});
const of = async (p: Plan, policy: string) => (await checkResources(p.stack, p.resources)).filter((f) => f.policy === policy);

/** The policies this file tests, for policies.test.ts's "every policy is tested". */
export const PRODUCTION_CASES: [string][] = [["envoy-log-level-production"], ["ecs-image-digest-production"]];

describe("a stack marked production", () => {
  let plain: Plan, prod: Plan;
  before(async () => {
    plain = await planOf("dev");
    prod = await planOf("dev", (c) => {
      c["fargate-mesh:topology"].production = true;
      // Whatever level the fixture's dev runs at, production runs at the default.
      for (const part of [c["fargate-mesh:topology"], c["fargate-mesh:environment"]]) if (part?.envoy) delete part.envoy.logLevel;
    });
  });

  it("tags every tagged resource, so that the policy pack knows", () => {
    const tagged = prod.resources.filter((r) => r.inputs.tags && typeof r.inputs.tags === "object");
    assert.ok(tagged.length > 10);
    assert.deepEqual(tagged.filter((r) => (r.inputs.tags as any)[PRODUCTION_TAG] !== "true").map((r) => r.name), []);
    assert.ok(plain.resources.every((r) => !(r.inputs.tags as any)?.[PRODUCTION_TAG]));
  });

  it("refuses Envoy at debug or trace in validation, with its path", () => {
    for (const level of ["debug", "trace"]) {
      const list = issues(withChange("dev", (t, e) => { t.production = true; e.envoy = { ...(e.envoy ?? {}), logLevel: level }; }));
      assert.match(at(list, "envoy.logLevel").join(), new RegExp(`is ${level} in a stack marked production`));
    }
    assert.deepEqual(at(issues(withChange("dev", (t) => { t.envoy = { ...(t.envoy ?? {}), logLevel: "debug" }; })), "envoy.logLevel"), []);
  });

  it("envoy-log-level-production flags a debug Envoy edited into a production plan, and only there", async () => {
    assert.deepEqual(await of(prod, "envoy-log-level-production"), []);
    for (const p of [prod, plain]) debugEnvoy(p.resources.find((r) => r.name === "mesh-blue-task")!);
    const found = await of(prod, "envoy-log-level-production");
    assert.deepEqual(found.map((f) => [f.level, f.resource?.name]), [["mandatory", "mesh-blue-task"]]);
    assert.match(found[0].message, /container envoy: Envoy logs at debug in a production stack/);
    assert.deepEqual(await of(plain, "envoy-log-level-production"), []);
  });

  it("ecs-image-digest-production flags images pulled by a tag, not those pinned by digest", async () => {
    const before = await of(prod, "ecs-image-digest-production");
    assert.deepEqual(before.map((f) => f.resource?.name).sort(), tasks(prod).map((t) => t.name).sort(), "one finding per task, each pulls something by tag");
    assert.match(before[0].message, /^pulls .+ \(\w[\w-]*\)(, .+)? by tag/);
    assert.ok(before.every((f) => f.level === "advisory"));
    for (const t of tasks(prod)) editDefs(t, (d) => d.forEach((c) => { c.image = `${c.image.split("@")[0].replace(/:[^/:]+$/, "")}${DIGEST}`; }));
    assert.deepEqual(await of(prod, "ecs-image-digest-production"), []);
    assert.deepEqual(await of(plain, "ecs-image-digest-production"), []);
  });
});
