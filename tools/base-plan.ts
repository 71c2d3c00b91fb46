/**
 * The base of a plan diff: a JSON plan saved earlier, or the plan of a git revision (its stack
 * config and its code), computed by running that revision's own plan tool in a scratch copy.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../stacks/files";
import type { PlanSource } from "./plan-core";
import type { PlanDocument } from "./plan-document";


/** A saved plan: one document, or `{ stacks: [...] }` as `--all-stacks --json` writes it. */
export function documentsFromFile(file: string): PlanDocument[] {
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  return Array.isArray(json.stacks) ? json.stacks : [json];
}

function git(args: string[], cwd = PROJECT_DIR): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout;
}

export function isRevision(rev: string): boolean {
  return spawnSync("git", ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { cwd: PROJECT_DIR }).status === 0;
}

/** Plans each target as it was at `rev`. A target whose file did not exist there has no base (undefined). */
export async function documentsAtRevision(rev: string, targets: PlanSource[]): Promise<(PlanDocument | undefined)[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fargate-mesh-base-"));
  try {
    const tar = path.join(dir, "base.tar");
    git(["archive", "--format=tar", "-o", tar, rev]);
    const src = path.join(dir, "src");
    fs.mkdirSync(src);
    const untar = spawnSync("tar", ["-xf", tar, "-C", src]);
    if (untar.status !== 0) throw new Error(`could not unpack ${rev}: ${untar.stderr}`);
    // The revision is planned with today's installed packages; its lockfile may differ.
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(src, "node_modules"), "dir");
    return await Promise.all(targets.map((t) => planIn(src, rev, t)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function planIn(src: string, rev: string, t: PlanSource): Promise<PlanDocument | undefined> {
  const rel = "stack" in t ? path.join("stacks", `Pulumi.${t.stack}.yaml`) : path.relative(PROJECT_DIR, path.resolve(t.configFile));
  if (!fs.existsSync(path.join(src, rel)) || !fs.existsSync(path.join(src, "tools", "plan.ts"))) return Promise.resolve(undefined);
  const args = [require.resolve("ts-node/dist/bin"), "--transpile-only", "tools/plan.ts", ...("stack" in t ? ["--stack", t.stack] : ["--config", rel]), "--json"];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: src });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`planning ${rel} at ${rev} failed:\n${err.trim()}`));
      else resolve(JSON.parse(out) as PlanDocument);
    });
  });
}
