import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkExceptions, checkPlan, checkResources, reportText, unusedExceptions } from "../../tools/check-core";
import { PROJECT_DIR } from "../../stacks/files";
import type { Plan } from "../../tools/plan-core";
import { at, issues, withChange } from "../helpers";
import { named, planOf } from "../components/plan-helpers";

/** The dev plan's internet-facing NLB, copied under another name: a second public entry point. */
function withSecondPublicLb(plan: Plan, name: string) {
  const nlb = plan.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer" && r.inputs.internal === false)!;
  return [...plan.resources, { ...nlb, name, inputs: { ...nlb.inputs, name } }];
}

describe("policy exceptions are scoped to the resources they name", () => {
  let dev: Plan;
  before(async () => { dev = await planOf("dev"); });

  it("a public load balancer added beside the excepted one is reported, not excepted", async () => {
    const excepted = dev.model.exceptions["lb-internet-facing"];
    assert.ok(excepted?.resources.length, "the fixture excepts its own NLB");
    const findings = (await checkResources("dev", withSecondPublicLb(dev, "extra-public-alb"), dev.model.exceptions)).filter((f) => f.policy === "lb-internet-facing");
    const byName = new Map(findings.map((f) => [f.resource?.name, f]));
    for (const name of excepted.resources) assert.equal(byName.get(name)?.exception, excepted.reason);
    assert.equal(byName.get("extra-public-alb")?.exception, undefined);
    const text = reportText("dev", findings, { exceptions: dev.model.exceptions });
    assert.match(text, /ADVISORY {3}lb-internet-facing .*extra-public-alb/);
    assert.match(text, /list its resource under exceptions\.<policy>\.resources/);
  });

  it("names an exception entry that excepts nothing in the plan", async () => {
    const exceptions = { ...dev.model.exceptions, "lb-access-logs": { reason: "renamed since", resources: ["mesh-gone-nlb"] } };
    const findings = await checkResources("dev", dev.resources, exceptions);
    assert.deepEqual(unusedExceptions(findings, exceptions), [{ policy: "lb-access-logs", resource: "mesh-gone-nlb" }]);
    assert.match(reportText("dev", findings, { exceptions }), /UNUSED {5}exceptions\.lb-access-logs names mesh-gone-nlb/);
    // The reference stacks' own exceptions all except something.
    assert.deepEqual(unusedExceptions((await checkPlan(dev)).findings, dev.model.exceptions), []);
  });

  it("refuses a bare reason, an empty resource list and a mandatory policy, with their paths", () => {
    const list = issues(withChange("dev", (t) => {
      t.exceptions["lb-access-logs"] = "a reason alone would waive every load balancer";
      t.exceptions["lb-listener-tls"] = { reason: "why", resources: [] };
      t.exceptions["ecs-no-public-ip"] = { reason: "why not", resources: ["mesh-blue-service"] };
    }));
    assert.match(at(list, "exceptions.lb-access-logs").join(), /must be \{ reason, resources: \[\.\.\.\] \}/);
    assert.match(at(list, "exceptions.lb-listener-tls.resources").join(), /at least one resource/);
    assert.deepEqual(checkExceptions({ "ecs-no-public-ip": { reason: "why not", resources: ["x"] } }), [
      { path: "exceptions.ecs-no-public-ip", message: "is a mandatory policy and cannot be excepted; change the stack instead" },
    ]);
  });

  it("check --plan refuses exceptions edited into a saved plan, as --config does", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-exc-"));
    try {
      const run = (...args: string[]) => spawnSync(process.execPath, ["tools/run.js", ...args], { cwd: PROJECT_DIR, encoding: "utf8" });
      const saved = JSON.parse(run("plan", "--stack", "dev", "--json").stdout);
      saved.exceptions = { ...saved.exceptions, "ecs-no-public-ip": { reason: "tampered", resources: ["mesh-blue-service"] }, "lb-access-logs": "bare" };
      const file = path.join(dir, "tampered.json");
      fs.writeFileSync(file, JSON.stringify(saved));
      const r = run("check", "--plan", file);
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stderr, /exceptions\.ecs-no-public-ip: is a mandatory policy/);
      assert.match(r.stderr, /exceptions\.lb-access-logs: must be \{ reason, resources/);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it("the fixture's excepted resources exist in its plan", () => {
    for (const e of Object.values(dev.model.exceptions)) for (const name of e.resources) assert.ok(named(dev, name), name);
  });
});
