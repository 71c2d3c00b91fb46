import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planConfig, resolveSource } from "../../tools/plan-core";
import { recordedResources, resetRecording } from "../../tools/mocks";
import { PROJECT_DIR } from "../../stacks/files";
import { FIXTURE } from "../helpers";

describe("invalid configuration registers nothing", () => {
  it("returns the issues and leaves the mocks untouched", async () => {
    resetRecording();
    const { config } = resolveSource({ stack: "dev", project: FIXTURE });
    (config as any)["fargate-mesh:environment"].routers.colors.routes["color-route"].targets.yellow = 150;
    const r = await planConfig(config, "dev", "Pulumi.dev.yaml");
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.issues, [{ path: "routers.colors.routes.color-route.targets.yellow", message: "must be between 0 and 100, got 150 (set in Pulumi.dev.yaml)" }]);
    assert.deepEqual(recordedResources(), []);
  });

  it("the program itself throws before registering anything", () => {
    resetRecording();
    const pulumi = require("@pulumi/pulumi");
    pulumi.runtime.setAllConfig({ "fargate-mesh:topology": JSON.stringify({ mesh: { name: "x" } }), "aws:region": "us-east-1" });
    const { program } = require("../../stacks/program");
    assert.throws(() => program(), (e: Error) => {
      assert.equal(e.message, "mesh configuration is invalid (2 problems):\n  - namespace: is required\n  - services: is required");
      return true;
    });
    assert.deepEqual(recordedResources(), []);
  });

  it("the plan command prints the errors and exits 1", function () {
    this.timeout(30000);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fm-")), "bad.yaml");
    const canary = fs.readFileSync(path.join(PROJECT_DIR, "examples/canary.yaml"), "utf8");
    fs.writeFileSync(file, canary.replace("serviceB: 75", "serviceB: 175").replace("ports: [80]", "ports: [81]"));
    const r = spawnSync(process.execPath, ["tools/run.js", "plan", "--config", file], { cwd: PROJECT_DIR, encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /Stack bad: the configuration is invalid \(3 problems\)/);
    assert.match(r.stderr, /- routers\.serviceB-router\.routes\.serviceB\.targets\.serviceB: must be between 0 and 100, got 175/);
    assert.match(r.stderr, /- services\.serviceA\.containers\.app\.ports\[0\]: port 81 is not a listener port/);
  });
});
