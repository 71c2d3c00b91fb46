import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { validateMesh } from "../../model/load";
import { listStacks, meshInput, PROJECT_DIR, stackConfig, stackFile } from "../../stacks/files";

/** A command as `npm run <tool>` starts it: compiled when bin/ is current, ts-node otherwise. */
const run = (tool: string, args: string[]) =>
  spawnSync(process.execPath, ["tools/run.js", tool, ...args], { cwd: PROJECT_DIR, encoding: "utf8" });

/**
 * These commands run on the project's own stacks, which are the user's to edit: what they print
 * is compared with what those stacks say (their list, their model), never with literal values.
 */
const STACKS = listStacks();
function referenceModel(stack: string) {
  const r = validateMesh(meshInput(stackConfig(stackFile(stack)), stack));
  if (!r.ok) throw new Error(`stacks/Pulumi.${stack}.yaml is invalid (test/stacks/ says why)`);
  return r.model;
}

describe("the plan and check commands", function () {
  this.timeout(60000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-cli-"));

  it("saves every stack's plan as JSON and finds no change against it", () => {
    const saved = run("plan", ["--all-stacks", "--json"]);
    assert.equal(saved.status, 0, saved.stderr);
    const file = path.join(dir, "plans.json");
    fs.writeFileSync(file, saved.stdout);
    assert.deepEqual(JSON.parse(saved.stdout).stacks.map((s: any) => s.stack), STACKS);
    const diff = run("plan", ["--all-stacks", "--diff", file]);
    assert.equal(diff.status, 0, diff.stderr);
    assert.equal(diff.stdout, `${STACKS.map((s) => `Stack ${s}: no changes\n`).join("\n")}No changes.\n`);
  });

  it("prints the topology diagram of one stack on its own", () => {
    const r = run("plan", ["--stack", "staging", "--format", "mermaid"]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines[0], "flowchart LR");
    // Each weighted target as the share the stack's own weights give it (ids as Mermaid allows).
    const id = (kind: string, name: string) => `${kind}_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
    const edges = referenceModel("staging").routers.flatMap((router) => router.routes.flatMap((route) =>
      route.targets.map((t) => `  ${id("router", router.name)} -- "${route.name} ${t.percent}%" --> ${id("node", t.nodeName)}`)));
    assert.ok(edges.length > 0, "staging routes through a router");
    for (const edge of edges) assert.ok(lines.includes(edge), `missing ${edge}\n${r.stdout}`);
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
    assert.deepEqual(JSON.parse(gw.stdout).static_resources.listeners.map((l: any) => l.name), ["gateway-8080"]);
    const bad = run("envoy-config", ["--stack", "dev"]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /give exactly one of --service <name> or --gateway/);
  });

  it("check prints messages, not stack traces, for files and stacks it cannot use, and refuses conflicting flags", () => {
    const unknown = run("check", ["--stack", "nope"]);
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stderr, `no stack "nope" (no stacks/Pulumi.nope.yaml); known: ${STACKS.join(", ")}\n`);
    const folder = run("check", ["--config", dir]);
    assert.deepEqual([folder.status, folder.stderr], [1, `${dir}: is a directory, not a file\n`]);
    const missing = run("check", ["--config", path.join(dir, "none.yaml")]);
    assert.deepEqual([missing.status, missing.stderr], [1, `${path.join(dir, "none.yaml")}: no such file\n`]);
    const bad = path.join(dir, "Pulumi.bad.yaml");
    fs.writeFileSync(bad, "config:\n  aws:region: [us-east-1\n  x: 1\n");
    const yaml = run("check", ["--config", bad]);
    assert.equal(yaml.status, 1);
    assert.match(yaml.stderr, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:3: Flow sequence`));
    assert.doesNotMatch(yaml.stderr, /\n\s+at /);
    const both = run("check", ["--stack", "dev", "--all-stacks"]);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /give exactly one of/);
  });

  it("check reads a saved plan, and diff refuses a file that is no plan of the stack, naming the file", () => {
    const saved = path.join(dir, "dev.json");
    fs.writeFileSync(saved, run("plan", ["--stack", "dev", "--json"]).stdout);
    const check = run("check", ["--plan", saved]);
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /^Stack dev: 0 mandatory violations, 0 advisory, \d+ excepted/);
    const other = run("plan", ["--stack", "prod", "--diff", saved]);
    assert.deepEqual([other.status, other.stderr], [1, `${saved}: has no plan of stack prod (it holds dev)\n`]);
    const junk = path.join(dir, "junk.json");
    fs.writeFileSync(junk, '{"hello": 1}');
    const notPlan = run("plan", ["--stack", "dev", "--diff", junk]);
    assert.deepEqual([notPlan.status, notPlan.stderr], [1, `${junk}: not a plan document (no stack and resources); save one with npm run --silent plan -- --json\n`]);
    const rev = run("plan", ["--stack", "dev", "--diff", "no-such-revision"]);
    assert.deepEqual([rev.status, rev.stderr], [1, "--diff no-such-revision: neither a saved plan (an existing .json file) nor a git revision\n"]);
  });

  it("an interrupted diff against a revision stops its child plans and removes its scratch copy", async () => {
    const scratch = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("fargate-mesh-base-"));
    const before = new Set(scratch());
    const child = spawn(process.execPath, ["tools/run.js", "plan", "--stack", "dev", "--diff", "HEAD"], { cwd: PROJECT_DIR });
    // Wait until the scratch copy exists, then interrupt.
    for (let i = 0; i < 600 && !scratch().some((f) => !before.has(f)); i++) await new Promise((r) => setTimeout(r, 50));
    const mine = scratch().filter((f) => !before.has(f));
    assert.equal(mine.length, 1, "the diff made its scratch copy");
    child.kill("SIGTERM");
    const code = await new Promise((r) => child.on("exit", (c, sig) => r(c ?? sig)));
    assert.equal(code, 143);
    assert.ok(!fs.existsSync(path.join(os.tmpdir(), mine[0])), "scratch copy removed");
    // The child plans ran inside the scratch copy: no process may still have it as its folder.
    const inside = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
      try { return fs.readlinkSync(`/proc/${p}/cwd`).includes(mine[0]); } catch { return false; }
    });
    assert.deepEqual(inside, [], "no child plan left running");
  });
});
