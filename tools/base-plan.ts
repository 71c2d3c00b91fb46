/**
 * The base of a plan diff: a JSON plan saved earlier, or the plan of a git revision. In this
 * repository a revision's code is under review as much as its config, so the revision's own
 * plan tool runs in a scratch copy. In a user's project the code is the installed package, so
 * the revision's Pulumi.yaml and stack file are planned with it.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigFileError, PROJECT_DIR, readText, stackConfig, stackConfigDir, stackFile, stackNameOf } from "../stacks/files";
import { planConfig, PlanSource } from "./plan-core";
import { PlanDocument, toDocument } from "./plan-document";
import { issuesText } from "./plan-format";


/** A saved plan: one document, or `{ stacks: [...] }` as `--all-stacks --json` writes it. */
/** The plan documents of a file saved with `--json`; anything else is an error naming the file. */
export function documentsFromFile(file: string): PlanDocument[] {
  let json: any;
  try { json = JSON.parse(readText(file, "plan file")); } catch (e) {
    if (e instanceof ConfigFileError) throw e;
    throw new ConfigFileError(`${file}: not JSON (${(e as Error).message}); save a plan with npm run --silent plan -- --json`);
  }
  const docs: unknown[] = Array.isArray(json?.stacks) ? json.stacks : [json];
  for (const d of docs as any[])
    if (!d || typeof d.stack !== "string" || !Array.isArray(d.resources))
      throw new ConfigFileError(`${file}: not a plan document (no stack and resources); save one with npm run --silent plan -- --json`);
  return docs as PlanDocument[];
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
/** Child plans still running, stopped with the scratch folders when the tool is interrupted. */
const running = new Set<ReturnType<typeof spawn>>();
const scratch = new Set<string>();
let interruptible = false;

/** Ctrl-C or SIGTERM: stop the child plans and remove the scratch copies, then exit as interrupted. */
function onInterrupt(signal: NodeJS.Signals): void {
  for (const child of running) child.kill("SIGTERM");
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
  process.exit(signal === "SIGINT" ? 130 : 143);
}

/** A scratch folder, removed if the tool is interrupted while it exists. */
function scratchDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fargate-mesh-base-"));
  scratch.add(dir);
  if (!interruptible) { interruptible = true; process.once("SIGINT", onInterrupt); process.once("SIGTERM", onInterrupt); }
  return dir;
}

export async function documentsAtRevision(rev: string, targets: PlanSource[]): Promise<(PlanDocument | undefined)[]> {
  if (!fs.existsSync(path.join(PROJECT_DIR, "tools", "plan-core.ts"))) return configAtRevision(rev, targets);
  const dir = scratchDir();
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
    scratch.delete(dir);
  }
}

function planIn(src: string, rev: string, t: PlanSource): Promise<PlanDocument | undefined> {
  const rel = path.relative(PROJECT_DIR, "stack" in t ? stackFile(t.stack) : path.resolve(t.configFile));
  if (!fs.existsSync(path.join(src, rel)) || !fs.existsSync(path.join(src, "tools", "plan.ts"))) return Promise.resolve(undefined);
  const args = [require.resolve("ts-node/dist/bin"), "--transpile-only", "tools/plan.ts", ...("stack" in t ? ["--stack", t.stack] : ["--config", rel]), "--json"];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: src });
    running.add(child);
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      running.delete(child);
      if (code !== 0) reject(new Error(`planning ${rel} at ${rev} failed:\n${err.trim()}`));
      else resolve(JSON.parse(out) as PlanDocument);
    });
  });
}

/** The file `rel` (from the project folder) as it was at `rev`, or undefined where it did not exist. */
function showAt(rev: string, rel: string): string | undefined {
  const spec = `${rev}:./${rel.split(path.sep).join("/")}`;
  if (rel.startsWith("..") || spawnSync("git", ["cat-file", "-e", spec], { cwd: PROJECT_DIR }).status !== 0) return undefined;
  return git(["show", spec]);
}

/** A user's project at `rev`: its Pulumi.yaml and stack files then, planned with the installed package. */
async function configAtRevision(rev: string, targets: PlanSource[]): Promise<(PlanDocument | undefined)[]> {
  const project = showAt(rev, "Pulumi.yaml");
  if (project === undefined) return targets.map(() => undefined);
  const dir = scratchDir();
  try {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project);
    const out: (PlanDocument | undefined)[] = [];
    for (const t of targets) {
      const rel = "stack" in t ? path.relative(dir, path.join(stackConfigDir(dir), `Pulumi.${t.stack}.yaml`)) : path.relative(PROJECT_DIR, path.resolve(t.configFile));
      const text = showAt(rev, rel);
      if (text === undefined) { out.push(undefined); continue; }
      const file = path.join(dir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      const stack = "stack" in t ? t.stack : stackNameOf(file);
      const r = await planConfig(stackConfig(file, dir), stack, path.basename(file));
      if (!r.ok) throw new ConfigFileError(`planning ${rel} at ${rev} failed:\n${issuesText(r.stack, r.issues)}`);
      out.push(toDocument(r.plan));
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    scratch.delete(dir);
  }
}
