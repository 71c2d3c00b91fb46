import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { diffPlans } from "../../tools/diff";
import { diffMarkdown, diffText } from "../../tools/diff-format";
import { toDocument } from "../../tools/plan-document";
import { PROJECT_DIR } from "../../stacks/files";
import { planOf } from "../components/plan-helpers";
import { fixtureFile } from "../helpers";

const ENV = "fargate-mesh:environment";
const PASSWORD = ["hunter", "2-", "S3cret"].join("");
const LEAKED = `postgres://admin:${PASSWORD}@db.internal:5432/colors`;
const FIXED = "postgres://db.internal:5432/colors";

/** The dev plan with a variable of red's app container set: a plan saved before validation refused such values. */
async function devPlanWith(name: string, value: string | undefined) {
  const doc = toDocument(await planOf("dev", (c) => { c[ENV].services ??= {}; }));
  const copy = JSON.parse(JSON.stringify(doc));
  const task = copy.resources.find((r: any) => r.name === "mesh-red-task");
  const defs = JSON.parse(task.inputs.containerDefinitions);
  const app = defs.find((d: any) => d.name === "app");
  app.environment = app.environment.filter((e: any) => e.name !== name);
  if (value !== undefined) app.environment.push({ name, value });
  task.inputs.containerDefinitions = JSON.stringify(defs);
  return copy;
}

describe("diffs never print environment values that look like credentials", function () {
  this.timeout(120000);

  it("a password in a URL that is removed reads as a redacted change, in text, Markdown and JSON", async () => {
    const d = diffPlans(await devPlanWith("DATABASE_URL", LEAKED), await devPlanWith("DATABASE_URL", FIXED));
    const outputs = [diffText(d), diffText(d, { verbose: true }), diffMarkdown(d, await devPlanWith("DATABASE_URL", FIXED)), JSON.stringify(d)];
    for (const out of outputs) assert.ok(!out.includes(PASSWORD), out);
    assert.match(outputs[0], /container app › environment\[DATABASE_URL\]\.value: \(redacted: looks like a credential; changed\)/);
    assert.match(outputs[2], /environment\[DATABASE_URL\]\.value: \(redacted: looks like a credential; changed\)/);
    const change = d.changed.find((c) => c.resource.name === "mesh-red-task")!.changes[0];
    assert.deepEqual(change, { path: "containerDefinitions[app].environment[DATABASE_URL].value", before: "(redacted: looks like a credential)", after: "(redacted: looks like a credential)", redacted: "changed" });
  });

  it("a variable named as a secret is redacted when added or removed, whatever its value", async () => {
    const d = diffPlans(await devPlanWith("API_TOKEN", undefined), await devPlanWith("API_TOKEN", "x"));
    assert.match(diffText(d), /environment\[API_TOKEN\]\.value: \(redacted: looks like a credential; added\)/);
    assert.doesNotMatch(diffText(d), /API_TOKEN\]\.value: .*→ x/);
  });

  it("ordinary values still show before and after", async () => {
    const d = diffPlans(await devPlanWith("COLOR", "red"), await devPlanWith("COLOR", "crimson"));
    assert.match(diffText(d), /environment\[COLOR\]\.value: red → crimson/);
  });

  it("npm run diff -- --format markdown against a saved plan that held the password does not print it", () => {
    // GIVEN the dev stack's plan saved with DATABASE_URL holding a password, and the dev stack file fixed
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-redact-"));
    const file = fixtureFile("dev", dir);
    const doc = parse(fs.readFileSync(file, "utf8"));
    doc.config["fargate-mesh:topology"].services.red.containers.app.environment.DATABASE_URL = FIXED;
    fs.writeFileSync(file, stringify(doc));
    const run = (tool: string, args: string[]) => spawnSync(process.execPath, ["tools/run.js", tool, ...args], { cwd: PROJECT_DIR, encoding: "utf8" });
    const saved = run("plan", ["--config", file, "--json"]);
    assert.equal(saved.status, 0, saved.stderr);
    const base = JSON.parse(saved.stdout);
    const task = base.resources.find((r: any) => r.name === "mesh-red-task");
    task.inputs.containerDefinitions = task.inputs.containerDefinitions.replace(JSON.stringify(FIXED).slice(1, -1), LEAKED);
    assert.ok(JSON.stringify(base).includes(PASSWORD));
    fs.writeFileSync(path.join(dir, "base.json"), JSON.stringify(base));
    // WHEN the pull request's Markdown and JSON are made
    for (const format of ["markdown", "json", "text"]) {
      const r = run("plan-diff", ["--config", file, "--base", path.join(dir, "base.json"), "--format", format]);
      assert.equal(r.status, 0, r.stderr);
      // THEN the password is nowhere, and the change is there
      assert.ok(!r.stdout.includes(PASSWORD), r.stdout);
      assert.match(r.stdout, /redacted: looks like a credential/);
    }
  });
});
