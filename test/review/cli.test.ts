import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
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

  it("diffs a weight change folded, --verbose with full paths, Markdown headed by the stack that ran, and JSON complete", function () {
    this.timeout(300000); // five plans, each a process
    // GIVEN staging's saved plan, and staging's file with its first route's first weight raised by 1
    const saved = path.join(dir, "staging.json");
    fs.writeFileSync(saved, run("plan", ["--stack", "staging", "--json"]).stdout);
    const doc = JSON.parse(fs.readFileSync(saved, "utf8"));
    const [router] = doc.mesh.routers;
    const [route] = router.routes;
    const stackDoc = parse(fs.readFileSync(path.join(PROJECT_DIR, "stacks/Pulumi.staging.yaml"), "utf8"));
    const env = (stackDoc.config["fargate-mesh:environment"] ??= {});
    (((env.routers ??= {})[router.name] ??= {}).routes ??= {})[route.name] = { ...env.routers[router.name].routes[route.name], targets: Object.fromEntries(route.targets.map((t: any, i: number) => [t.node, t.weight + (i ? 0 : 1)])) };
    const edited = path.join(fs.mkdtempSync(path.join(dir, "edited-")), "Pulumi.staging.yaml");
    fs.writeFileSync(edited, stringify(stackDoc));
    const diff = (...more: string[]) => {
      const r = run("plan", ["--config", edited, "--diff", saved, ...more]);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    // WHEN it is diffed as text, verbose text, Markdown and JSON
    const [text, verbose, markdown, json] = [diff(), diff("--verbose"), diff("--format", "markdown"), JSON.parse(diff("--json"))];
    // THEN JSON holds every changed input by its full path, with both values
    const weights = json.changed.flatMap((c: any) => c.changes.filter((ch: any) => ch.path.endsWith(".weight")).map((ch: any) => ({ resource: c.resource.name, ...ch })));
    assert.ok(weights.length >= 1 && weights.every((w: any) => typeof w.before === "number" && typeof w.after === "number" && w.path.includes("weighted_clusters")), JSON.stringify(weights));
    // the text prints each weight once per resource, folded; --verbose prints each full path once
    const change = `${route.targets[0].node} ${weights[0].before} → ${weights[0].after}`;
    assert.equal(text.split(change).length - 1, weights.filter((w: any) => w.before === weights[0].before && w.after === weights[0].after).length, text);
    assert.doesNotMatch(text, /static_resources/);
    for (const w of weights) assert.equal(verbose.split(`${w.path}: ${w.before} → ${w.after}`).length - 1, 1, w.path);
    // and the Markdown report's header names the stack that ran, and the command
    assert.ok(markdown.includes(`for stack \`staging\`: \`npm run plan -- --config ${edited} --diff ${saved} --format markdown\``), markdown.slice(0, 400));
    assert.doesNotMatch(markdown, /--all-stacks|static_resources/);
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
    assert.match(r.stdout, /^Stack open: 3 mandatory violations, \d+ advisory, 0 excepted: fails \(mandatory violations block the deployment\)\n/);
    assert.match(r.stdout, /MANDATORY {2}mesh-egress-drop-all \[AWS Config appmesh-mesh-deny-tcp-forwarding; Mondoo appmesh-egress-filter\] aws:ecs\/taskDefinition:TaskDefinition mesh-serviceA-task: the Envoy bootstrap passes unknown destinations through \(ORIGINAL_DST\); set mesh\.egressFilter: DROP_ALL/);
  });

  it("check prints each stack's verdict and one line per excepted policy, whose counts --verbose lists resource by resource", function () {
    this.timeout(300000); // every stack planned twice, each a process
    const [short, verbose] = [run("check", ["--all-stacks"]), run("check", ["--all-stacks", "--verbose"])];
    assert.equal(short.status, 0, short.stderr);
    assert.equal(verbose.status, 0, verbose.stderr);
    /** Each stack's heading and the lines under it. */
    const sections = (out: string) => out.split(/\n(?=Stack )/).map((s) => s.trim().split("\n"));
    const [byPolicy, byResource] = [sections(short.stdout), sections(verbose.stdout)];
    assert.deepEqual(byPolicy.map((s) => s[0].split(":")[0]), ["Stack dev", "Stack prod", "Stack staging"]);
    assert.deepEqual(byResource.map((s) => s[0]), byPolicy.map((s) => s[0]));
    for (const [i, [heading, ...lines]] of byPolicy.entries()) {
      assert.match(heading, /^Stack \S+: 0 mandatory violations, \d+ advisory, \d+ excepted: passes$/);
      const excepted = lines.filter((l) => l.startsWith("  EXCEPTED"));
      const policies = excepted.map((l) => /^ {2}EXCEPTED {3}(\S+): /.exec(l)![1]);
      assert.equal(new Set(policies).size, policies.length, "one line per policy");
      const listed = byResource[i].filter((l) => l.startsWith("  EXCEPTED"));
      assert.equal(Number(/(\d+) excepted/.exec(heading)![1]), listed.length);
      for (const [j, line] of excepted.entries()) {
        // The counts are the --verbose lines of that policy, and the distinct resources they name.
        const mine = listed.filter((l) => l.startsWith(`  EXCEPTED   ${policies[j]} `));
        const resources = new Set(mine.map((l) => /^ {2}EXCEPTED {3}\S+ (\(stack\)|\S+ \S+?): /.exec(l)![1])).size;
        const m = /: (?:(\d+) findings? on )?(\d+) resources?; reason: (.+)$/.exec(line)!;
        assert.ok(m, line);
        assert.deepEqual([Number(m[1] ?? m[2]), Number(m[2])], [mine.length, resources], line);
        assert.ok(mine.every((l) => l.endsWith(`(reason: ${m[3]})`)), "the same reason");
      }
    }
    assert.ok(short.stdout.split("\n").length < verbose.stdout.split("\n").length);
  });

  it("envoy-config prints a gateway's bootstrap as JSON, and refuses wrong arguments", () => {
    const r = run("envoy-config", ["--config", "examples/canary.yaml", "--service", "serviceA"]);
    assert.equal(r.status, 0, r.stderr);
    const b = JSON.parse(r.stdout);
    assert.deepEqual(b.node, { id: "apps-canary-serviceA", cluster: "serviceA" });
    const gw = run("envoy-config", ["--stack", "dev", "--gateway"]);
    assert.equal(gw.status, 0, gw.stderr);
    assert.deepEqual(JSON.parse(gw.stdout).static_resources.listeners.map((l: any) => l.name), ["gateway-8080", "gateway-ready"]);
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
