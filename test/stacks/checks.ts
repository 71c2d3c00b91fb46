/**
 * What the suite checks of a project's own stacks (its Pulumi.yaml and stacks/): properties that
 * hold for any weights, images, counts and sizes, and the stack's own expectations file. Never a
 * literal value of a stack: those are the user's to change, one line at a time, and the
 * library's behaviour is tested on the tests' own project (test/fixtures/colors) instead.
 *
 * Run on stacks/ (own-stacks.test.ts) and on an edited copy of them (edited-copy.test.ts).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { validateMesh } from "../../model/load";
import { listStacks, meshInput, stackConfig, stackFile } from "../../stacks/files";
import { checkPlan } from "../../tools/check-core";
import { bootstrapOf } from "../../tools/envoy-config-core";
import { plan, Plan } from "../../tools/plan-core";
import { toDocument } from "../../tools/plan-document";
import { checkExpectations, expectationsFile, readExpectations } from "../../tools/routing/expectations";
import { namesOverLimit } from "../components/name-inputs";

/** Defines, for every stack of the project in `project`, the checks any valid stack passes. */
export function describeStackChecks(project: string): void {
  const stacks = listStacks(project);
  it("has at least one stack", () => assert.ok(stacks.length > 0, `no Pulumi.<stack>.yaml in ${path.join(project, "stacks")}`));
  for (const stack of stacks) describe(`stack ${stack}`, () => describeOne(project, stack));
}

function describeOne(project: string, stack: string): void {
  const file = stackFile(stack, project);
  let planned: Plan;
  before(async function () {
    this.timeout(60000);
    const r = await plan({ stack, project });
    // The validation check below lists the issues; the others need a plan.
    if (r.ok) planned = r.plan;
  });
  const needPlan = () => { assert.ok(planned, `${path.basename(file)} does not plan: see "is a valid description"`); return planned; };

  it("is a valid description: every value in range, every reference resolving", () => {
    const r = validateMesh(meshInput(stackConfig(file, project), stack, { environment: path.basename(file) }));
    assert.deepEqual(r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`), []);
  });

  it("names only what exists: backends, route targets and gateway targets", () => {
    const m = needPlan().model;
    const services = new Set(m.virtualServices.map((v) => v.name));
    const nodes = new Set(m.nodes.map((n) => n.key));
    for (const n of m.nodes) for (const b of n.backends) assert.ok(services.has(b), `${n.key} calls ${b}`);
    for (const r of m.routers) for (const route of r.routes) for (const t of route.targets) assert.ok(nodes.has(t.node), `${r.key}/${route.key} sends to ${t.node}`);
    for (const g of m.gateway?.routes ?? []) assert.ok(services.has(g.target.virtualService), `gateway route ${g.name} sends to ${g.target.virtualService}`);
  });

  it("splits every route in proportion to its weights, the shares summing to 100%", () => {
    for (const r of needPlan().model.routers) for (const route of r.routes) {
      const total = route.targets.reduce((n, t) => n + t.weight, 0);
      const where = `${r.key}/${route.key}`;
      assert.ok(total > 0, `${where}: its weights add up to 0, so it sends nowhere`);
      for (const t of route.targets) {
        assert.ok(Number.isInteger(t.weight) && t.weight >= 0, `${where} ${t.node}: weight ${t.weight}`);
        // percent is rounded to one decimal for people reading plans.
        assert.ok(Math.abs(t.percent - (100 * t.weight) / total) <= 0.05, `${where} ${t.node}: ${t.percent}% for weight ${t.weight} of ${total}`);
      }
      assert.ok(Math.abs(route.targets.reduce((n, t) => n + t.percent, 0) - 100) <= 0.05 * route.targets.length, `${where}: shares sum to 100%`);
    }
  });

  it("gives every resource a physical name within its AWS limit", () => {
    const { over, missing, checked } = namesOverLimit(needPlan().resources);
    assert.deepEqual([...missing, ...over], []);
    assert.ok(checked > 0, "some physical names were checked");
  });

  it("breaks no mandatory policy, and excepts every advisory one it breaks with a reason", async () => {
    const { findings, issues } = await checkPlan(needPlan());
    assert.deepEqual(issues.map((i) => `${i.path}: ${i.message}`), []);
    assert.deepEqual(findings.filter((f) => f.level === "mandatory").map((f) => f.message), []);
    assert.deepEqual(findings.filter((f) => !f.exception).map((f) => `${f.policy} ${f.resource?.name}`), []);
  });

  it(`routes every request as its expectations file (stacks/routes.${stack}.yaml) says`, function () {
    const expectations = expectationsFile({ stack, project });
    if (!fs.existsSync(expectations)) this.skip(); // a stack need not have one; CI says "no expectations" too
    const results = checkExpectations(toDocument(needPlan()), readExpectations(expectations));
    assert.deepEqual(results.filter((r) => !r.ok).map((r) => r.message), []);
  });

  it("generates the Envoy bootstrap of every service and of the gateway (envoy data plane)", function () {
    const p = needPlan();
    if (p.model.dataPlane !== "envoy") this.skip(); // the other data planes carry no bootstrap
    for (const target of [...p.model.nodes.map((n) => ({ service: n.key })), ...(p.model.gateway ? [{ gateway: true as const }] : [])]) {
      const found = bootstrapOf(p, target);
      assert.ok(found.ok && (found.bootstrap as any).static_resources, `${JSON.stringify(target)}: ${found.ok ? "no static_resources" : found.message}`);
    }
  });
}
