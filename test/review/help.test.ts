/**
 * Every command explains itself: `--help` and `-h` print a usage that names every flag its parser
 * accepts, exit 0 and write nothing; a bogus flag exits 2 with the problem and the usage, never a
 * stack trace. The commands are read from package.json's scripts and the flags from each tool's
 * parser definitions (FLAGS), so a new command or flag is covered without touching this test.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../../stacks/files";
import { COMMANDS } from "../../tools/cli";

interface Ran { status: number | null; stdout: string; stderr: string }
const run = (args: string[], cwd = PROJECT_DIR) => new Promise<Ran>((resolve) => {
  const child = spawn(process.execPath, [path.join(PROJECT_DIR, "tools/run.js"), ...args], { cwd });
  let [stdout, stderr] = ["", ""];
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.on("close", (status) => resolve({ status, stdout, stderr }));
});

/** `npm run <script>` scripts that start a tool: script name and tool file. */
const scripts = Object.entries<string>(JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).scripts)
  .map(([name, cmd]) => [name, / tools\/run\.js ([\w-]+)/.exec(cmd)?.[1]] as const)
  .filter((s): s is readonly [string, string] => s[1] !== undefined);

const flagsOf = (tool: string): string[] => Object.keys(require(path.join(PROJECT_DIR, "tools", tool)).FLAGS);

/** The options section's flags: each line's first column, split at ", " (`-H, --header <name: value>`). */
function listed(usage: string): string[] {
  const options = usage.split("\noptions:\n")[1] ?? "";
  return options.split("\n").filter((l) => /^ {2}-/.test(l)).flatMap((l) => l.trim().split(/ {2,}/)[0].split(", ").map((o) => o.split(" ")[0]));
}

const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

/** Every file of the repository with its modification time (node_modules, .git, caches and the build output aside). */
function mtimes(dir = PROJECT_DIR, out = new Map<string, number>()): Map<string, number> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (!["node_modules", ".git", ".cache", "bin"].includes(e.name)) mtimes(p, out); } else out.set(p, fs.lstatSync(p).mtimeMs);
  }
  return out;
}

describe("every command's --help", function () {
  this.timeout(600000);
  let snapshot: Map<string, number>;
  const results = new Map<string, Ran>();

  before(async () => {
    snapshot = mtimes();
    // A few at a time: each start loads the tool (seconds under ts-node), and the machine is shared.
    // `--help` through npm run and `-h` through fargate-mesh: one parser reads both.
    const runs: [string, string[]][] = [];
    for (const [, tool] of scripts) for (const a of ["--help", "--bogus"]) runs.push([`${tool} ${a}`, [tool, a]]);
    for (const c of Object.keys(COMMANDS)) runs.push([`cli ${c} -h`, ["cli", c, "-h"]]);
    for (const a of [[], ["--help"], ["-h"], ["bogus"]]) runs.push([`cli ${a}`, ["cli", ...a]]);
    runs.push(["api-limits missing", ["api-limits", "no-such-model.json"]]);
    const next = async (): Promise<void> => {
      const job = runs.shift();
      if (!job) return;
      results.set(job[0], await run(job[1]));
      return next();
    };
    await Promise.all(Array.from({ length: Math.max(2, os.cpus().length) }, next));
  });

  it("covers the repository's commands", () => {
    assert.ok(scripts.length >= 9, scripts.map((s) => s[0]).join(", "));
  });

  for (const [script, tool] of scripts) {
    it(`npm run ${script} -- --help: exit 0, a usage that lists every flag the parser accepts`, () => {
      const r = results.get(`${tool} --help`)!;
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, "");
      assert.match(r.stdout, new RegExp(`^usage: npm run ${script}\\b`));
      assert.deepEqual(listed(r.stdout).sort(), [...flagsOf(tool), "-h", "--help"].sort());
    });

    it(`npm run ${script} -- --bogus: exit 2 with the problem and the usage, no stack trace`, () => {
      const r = results.get(`${tool} --bogus`)!;
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /^unknown argument --bogus\nusage: /);
      assert.doesNotMatch(r.stderr, STACK_TRACE);
      assert.equal(r.stdout, "");
    });
  }

  it("fargate-mesh with no arguments, --help or -h lists every command and exits 0", () => {
    for (const a of ["", "--help", "-h"]) {
      const r = results.get(`cli ${a}`)!;
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^usage: fargate-mesh <command>/);
      const commands = r.stdout.split("\ncommands:\n")[1].split("\n\n")[0].split("\n").map((l) => l.trim().split(" ")[0]);
      assert.deepEqual(commands, Object.keys(COMMANDS));
    }
    const bad = results.get("cli bogus")!;
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^unknown command bogus\n/);
  });

  for (const c of Object.keys(COMMANDS)) {
    it(`fargate-mesh ${c} -h names the installed command and every flag`, () => {
      const r = results.get(`cli ${c} -h`)!;
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^usage: fargate-mesh ${c} `));
      assert.deepEqual(listed(r.stdout).sort(), [...flagsOf(COMMANDS[c].tool), "-h", "--help"].sort());
    });
  }

  it("api-limits with a model that does not exist says so, exits 1 and leaves the fixture alone", () => {
    const r = results.get("api-limits missing")!;
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no-such-model\.json: no such API model/);
    assert.doesNotMatch(r.stderr, STACK_TRACE);
  });

  it("writes no file: neither the fixtures resource-names and api-limits regenerate nor anything else", () => {
    const after = mtimes();
    const changed = [...new Set([...snapshot.keys(), ...after.keys()])].filter((f) => snapshot.get(f) !== after.get(f));
    assert.deepEqual(changed.map((f) => path.relative(PROJECT_DIR, f)), []);
  });
});
