/**
 * `npm run bench` on a fresh clone: its plan part, at one small size, from a copy of the
 * repository's files with nothing beside them, so that a baseline kept outside the repository
 * (as ../shared/bench/floor.js once was) fails here. Times nothing: a shared machine is too noisy.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../../stacks/files";

/** The repository's files (tracked, or new and not ignored), copied into an empty directory. */
function cloneOfRepository(): string {
  const clone = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fm-clone-")), "fargate-mesh");
  const files = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: PROJECT_DIR, encoding: "utf8" }).stdout.split("\0").filter(Boolean);
  for (const f of files) {
    // Skipped: files deleted in the work tree, and a worktree's node_modules link.
    if (f === "node_modules" || !fs.existsSync(path.join(PROJECT_DIR, f))) continue;
    fs.mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(clone, f));
  }
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(clone, "node_modules"));
  return clone;
}

describe("the plan bench", function () {
  this.timeout(240000);

  it("runs from a clone alone, against a floor of about as many resources as the plan registers", () => {
    // GIVEN a copy of the repository with no directory beside it
    const clone = cloneOfRepository();
    assert.equal(fs.existsSync(path.join(clone, "..", "shared")), false);
    // WHEN its plan bench runs once at 4 services
    const r = spawnSync(process.execPath, ["--expose-gc", "tools/run.js", "bench"], {
      cwd: clone, encoding: "utf8", env: { ...process.env, BENCH_PARTS: "plan", BENCH_SIZES: "4", BENCH_RUNS: "1" },
    });
    // THEN it prints a row whose floor registers within 20% of the plan's resources
    assert.equal(r.status, 0, r.stderr);
    const row = r.stdout.split("\n").find((l) => /^\s+4\s/.test(l));
    assert.ok(row, r.stdout);
    const [, , , , planRes, floorRes] = row.trim().split(/\s+/).map(Number);
    assert.ok(floorRes > planRes * 0.8 && floorRes <= planRes, `plan ${planRes}, floor ${floorRes}`);
    fs.rmSync(path.dirname(clone), { recursive: true, force: true });
  });

  it("names no file outside the repository", () => {
    const benchFiles = fs.readdirSync(path.join(PROJECT_DIR, "tools")).filter((f) => f.startsWith("bench")).map((f) => path.join("tools", f))
      .flatMap((f) => fs.statSync(path.join(PROJECT_DIR, f)).isDirectory() ? fs.readdirSync(path.join(PROJECT_DIR, f)).map((g) => path.join(f, g)) : [f]);
    assert.ok(benchFiles.includes(path.join("tools", "bench-floor.ts")), "the floor is in tools/");
    for (const f of benchFiles) {
      const text = fs.readFileSync(path.join(PROJECT_DIR, f), "utf8");
      // A path that climbs out of the project: the project's directory followed by "..".
      assert.doesNotMatch(text, /PROJECT_DIR,\s*["'`]\.\./, f);
    }
  });
});
