/**
 * The misspelt-key checks hold wherever a description comes from: a stack-format file planned by
 * the tools (with the file that holds the slip), and the program as `pulumi up` runs it.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { PROJECT_DIR } from "../../stacks/files";
import { recordedResources, resetRecording } from "../../tools/mocks";
import { plan } from "../../tools/plan-core";
import { fruitTopology } from "../model/fruit-fixture";

const writeStack = (config: Record<string, unknown>) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fm-typo-")), "Pulumi.typo.yaml");
  fs.writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", "fargate-mesh:topology": fruitTopology(), ...config } }));
  return file;
};
const plum = { services: { plum: { containers: { app: { image: "example.com/plum:2.0" } } } } };

describe("misspelt keys in stack files", () => {
  it("GIVEN a misspelt environment key WHEN planned THEN the plan fails, naming the file and the key meant", async () => {
    const r = await plan({ configFile: writeStack({ "fargate-mesh:enviroment": plum }) });
    assert.deepEqual(!r.ok && r.issues, [{
      path: "fargate-mesh:enviroment",
      message: "set in Pulumi.typo.yaml but not a setting of fargate-mesh, so its value would be ignored; did you mean fargate-mesh:environment?",
    }]);
  });

  it("a key written without its namespace is the project's, and checked the same way", async () => {
    const r = await plan({ configFile: writeStack({ enviroment: plum }) });
    assert.deepEqual(!r.ok && r.issues.map((i) => i.path), ["fargate-mesh:enviroment"]);
  });

  it("GIVEN the right key WHEN the environment misspells a service THEN nothing is planned", async () => {
    resetRecording();
    const r = await plan({ configFile: writeStack({ "fargate-mesh:environment": { services: { plun: plum.services.plum } } }) });
    assert.deepEqual(!r.ok && r.issues.map((i) => `${i.path}: ${i.message}`), [
      "services.plun: in Pulumi.typo.yaml but not in the topology; did you mean plum? Or add a service in this environment only by giving it environmentOnly: true",
    ]);
    assert.deepEqual(recordedResources(), []);
  });

  it("the program under pulumi up refuses a misspelt key before registering anything", () => {
    resetRecording();
    const pulumi = require("@pulumi/pulumi");
    pulumi.runtime.setAllConfig({ "aws:region": "us-east-1", "fargate-mesh:topology": JSON.stringify(fruitTopology()), "fargate-mesh:enviroment": JSON.stringify(plum) });
    const { program } = require("../../stacks/program");
    assert.throws(() => program(), {
      message: "mesh configuration is invalid (1 problem):\n  - fargate-mesh:enviroment: set but not a setting of fargate-mesh, so its value would be ignored; did you mean fargate-mesh:environment?",
    });
    assert.deepEqual(recordedResources(), []);
  });

  it("the plan command prints both problems, with no stack trace, and exits 1", function () {
    this.timeout(90000); // a process of its own, under ts-node when bin/ is older than the sources
    const file = writeStack({ "fargate-mesh:enviroment": plum, "fargate-mesh:environment": { routers: { fruit: { routes: { spilt: { targets: { pear: 1 } } } } } } });
    const r = spawnSync(process.execPath, ["tools/run.js", "plan", "--config", file], { cwd: PROJECT_DIR, encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, [
      "Stack typo: the configuration is invalid (2 problems):",
      "  - fargate-mesh:enviroment: set in Pulumi.typo.yaml but not a setting of fargate-mesh, so its value would be ignored; did you mean fargate-mesh:environment?",
      "  - routers.fruit.routes.spilt: in Pulumi.typo.yaml but not in the topology; did you mean split? Or add a route in this environment only by giving it environmentOnly: true",
      "",
    ].join("\n"));
  });
});
