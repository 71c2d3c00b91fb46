import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../../stacks/files";

/** A command as `npm run <tool>` starts it: compiled when bin/ is current, ts-node otherwise. */
const run = (tool: string, args: string[]) =>
  spawnSync(process.execPath, ["tools/run.js", tool, ...args], { cwd: PROJECT_DIR, encoding: "utf8" });

describe("the plan and check commands", function () {
  this.timeout(60000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-cli-"));

  it("saves every stack's plan as JSON and finds no change against it", () => {
    const saved = run("plan", ["--all-stacks", "--json"]);
    assert.equal(saved.status, 0, saved.stderr);
    const file = path.join(dir, "plans.json");
    fs.writeFileSync(file, saved.stdout);
    assert.deepEqual(JSON.parse(saved.stdout).stacks.map((s: any) => s.stack), ["dev", "prod", "staging"]);
    const diff = run("plan", ["--all-stacks", "--diff", file]);
    assert.equal(diff.status, 0, diff.stderr);
    assert.equal(diff.stdout, "Stack dev: no changes\n\nStack prod: no changes\n\nStack staging: no changes\nNo changes.\n");
  });

  it("prints the topology diagram of one stack on its own", () => {
    const r = run("plan", ["--stack", "staging", "--format", "mermaid"]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines[0], "flowchart LR");
    assert.ok(lines.includes('  router_colors -- "color-route 80%" --> node_green'));
    assert.ok(lines.includes('  router_colors -- "color-route 20%" --> node_yellow'));
  });

  it("check exits 1 and names the policy when a mandatory rule is broken", () => {
    const file = path.join(dir, "open.yaml");
    fs.writeFileSync(file, fs.readFileSync(path.join(PROJECT_DIR, "examples/canary.yaml"), "utf8").replace("    mesh:\n      name: apps\n", "    mesh:\n      name: apps\n      egressFilter: ALLOW_ALL\n"));
    const r = run("check", ["--config", file]);
    assert.equal(r.status, 1);
    // One violation per sidecar that would pass unknown traffic through.
    assert.match(r.stdout, /^Stack open: 3 mandatory violations, \d+ advisory, 0 excepted/);
    assert.match(r.stdout, /MANDATORY {2}mesh-egress-drop-all \[AWS Config appmesh-mesh-deny-tcp-forwarding; Mondoo appmesh-egress-filter\] aws:ecs\/taskDefinition:TaskDefinition mesh-serviceA-task: the Envoy bootstrap passes unknown destinations through \(ORIGINAL_DST\); set mesh\.egressFilter: DROP_ALL/);
  });

  it("envoy-config prints a gateway's bootstrap as JSON, and refuses wrong arguments", () => {
    const r = run("envoy-config", ["--config", "examples/canary.yaml", "--service", "serviceA"]);
    assert.equal(r.status, 0, r.stderr);
    const b = JSON.parse(r.stdout);
    assert.deepEqual(b.node, { id: "apps-canary-serviceA", cluster: "serviceA" });
    const gw = run("envoy-config", ["--stack", "dev", "--gateway"]);
    assert.equal(gw.status, 0, gw.stderr);
    assert.deepEqual(JSON.parse(gw.stdout).static_resources.listeners.map((l: any) => l.name), ["gateway-80"]);
    const bad = run("envoy-config", ["--stack", "dev"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /give exactly one of --service <name> or --gateway/);
  });
});
