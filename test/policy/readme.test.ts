import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy/policies";
import { PROJECT_DIR } from "../../stacks/files";

describe("the policy table of docs/policies.md", () => {
  it("lists every policy with its upstream rule, level and check", () => {
    const readme = fs.readFileSync(path.join(PROJECT_DIR, "docs", "policies.md"), "utf8");
    for (const p of policies)
      assert.ok(readme.includes(`| \`${p.name}\` | ${p.info.upstream} | ${p.info.enforcementLevel} | ${p.info.checks} |`), p.name);
  });
});

describe("the policy pack stays self-contained", () => {
  it("imports nothing from outside policy/, and flags the same secret names as validation", () => {
    for (const f of fs.readdirSync(path.join(PROJECT_DIR, "policy")).filter((f) => f.endsWith(".ts")))
      assert.doesNotMatch(fs.readFileSync(path.join(PROJECT_DIR, "policy", f), "utf8"), /from "\.\.\//, f);
    const { SECRET_NAME: policyPattern } = require("../../policy/ecs");
    const { SECRET_NAME: modelPattern } = require("../../model/secrets");
    assert.equal(policyPattern.source, modelPattern.source);
  });
});

describe("the policy pack as Pulumi loads it", () => {
  it("compiles with the runner's compiler options, constructs the PolicyPack and serves the engine", function (done) {
    this.timeout(30000);
    const { spawn } = require("child_process");
    const child = spawn(process.execPath, [path.join(__dirname, "run-policy-pack.js")], { cwd: PROJECT_DIR });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d;
      // The pack prints the port of its gRPC server once every policy was accepted.
      if (/^\d+\s*$/m.test(out)) { child.kill(); done(); }
    });
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("exit", (code: number) => { if (!/^\d+\s*$/m.test(out)) done(new Error(`exited ${code}: ${err}`)); });
  });

  it("has a lockfile for the npm ci its header asks for, pinning what package.json names", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policy", "package.json"), "utf8"));
    const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policy", "package-lock.json"), "utf8"));
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }))
      assert.equal(lock.packages[`node_modules/${name}`]?.version, version, name);
  });
});
