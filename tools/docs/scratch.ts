/**
 * Runs the commands of sample blocks (samples.ts) the way a reader would, in a scratch copy of
 * the project, so that a sample's edit never touches the reader's own files. The copy is also
 * a git repository whose HEAD is the project as it stands, so `--diff HEAD` compares an edit
 * with the project exactly as `npm run plan -- --diff HEAD` does in a clone.
 */
import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Sample } from "./samples";

/** The files a clone holds (tracked, or new and not ignored), as `git ls-files` names them. */
function projectFiles(root: string): string[] {
  const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ls-files: ${r.stderr.trim()}`);
  // A worktree's node_modules may be a symlink, which .gitignore's `node_modules/` does not match.
  return r.stdout.split("\0").filter((f) => f && f !== "node_modules" && fs.existsSync(path.join(root, f)));
}

function git(dir: string, args: string[]): void {
  const r = spawnSync("git", ["-c", "user.name=docs-samples", "-c", "user.email=docs-samples@localhost", "-c", "commit.gpgsign=false", ...args], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} in ${dir}: ${r.stderr.trim()}`);
}

/** What tools/run.js compares with bin/.built to decide whether the compiled tools are current. */
const SOURCES = ["index.ts", "model", "components", "stacks", "tools", "policy", "tsconfig.json", "tsconfig.build.json"];

function newest(p: string): number {
  const s = fs.statSync(p);
  if (!s.isDirectory()) return /\.(ts|json)$/.test(p) && !p.endsWith(".d.ts") ? s.mtimeMs : 0;
  return Math.max(0, ...fs.readdirSync(p).filter((f) => f !== "node_modules").map((f) => newest(path.join(p, f))));
}

/** Whether bin/ holds the sources as they are, by tools/run.js's rule: then a copy may use it too. */
function compiledIsCurrent(root: string): boolean {
  const stamp = path.join(root, "bin", ".built");
  return fs.existsSync(stamp) && Math.max(...SOURCES.map((s) => path.join(root, s)).filter((p) => fs.existsSync(p)).map(newest)) <= fs.statSync(stamp).mtimeMs;
}

/** A copy of the project in a new temporary folder, committed, with the project's node_modules linked. */
export function scratchCopy(root: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fargate-mesh-docs-"));
  for (const f of projectFiles(root)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(dir, f));
  }
  // The compiled tools start about three times faster than ts-node. Copied after the sources,
  // so the copy's bin/.built is newer than they are: only when the project's own bin/ is current.
  if (compiledIsCurrent(root)) fs.cpSync(path.join(root, "bin"), path.join(dir, "bin"), { recursive: true });
  git(dir, ["init", "-q"]);
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-qm", "the project as the samples were generated"]);
  // Linked after the commit: a symlink is not matched by .gitignore's `node_modules/`, and the
  // base plan of `--diff HEAD` links node_modules into its own copy of HEAD.
  fs.symlinkSync(fs.realpathSync(path.join(root, "node_modules")), path.join(dir, "node_modules"), "dir");
  return dir;
}

export interface Outcome { output: string; status: number | null }

/** Runs the sample's command in `dir` after its edits; stdout, then stderr. Paths into `dir` read as relative ones. */
export function runSample(dir: string, s: Sample): Promise<Outcome> {
  for (const e of s.edits) {
    const file = path.join(dir, e.file);
    const text = fs.readFileSync(file, "utf8");
    if (!text.includes(e.from)) throw new Error(`${s.file}:${s.line}: edit of ${e.file}: "${e.from}" is not in the file`);
    fs.writeFileSync(file, text.replace(e.from, e.to));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(dir, "tools", "run.js"), s.tool, ...s.args], { cwd: dir, env: { ...process.env, FORCE_COLOR: "0" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ output: (out + err).split(dir + path.sep).join("").split(dir).join("."), status }));
  });
}

/** Runs every sample, `parallel` at a time; samples with edits get a scratch copy of their own. */
export async function runAll(root: string, samples: Sample[], parallel = Math.max(1, Math.min(4, os.cpus().length))): Promise<Outcome[]> {
  const shared = scratchCopy(root);
  const copies = [shared];
  try {
    const results: Outcome[] = new Array(samples.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < samples.length; i = next++) {
        const dir = samples[i].edits.length ? scratchCopy(root) : shared;
        if (dir !== shared) copies.push(dir);
        results[i] = await runSample(dir, samples[i]);
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    return results;
  } finally {
    for (const d of copies) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** The description files every sample reads: what a user edits, and what makes samples differ. */
export function descriptionFiles(root: string): string[] {
  const yaml = (d: string) => fs.existsSync(path.join(root, d)) ? fs.readdirSync(path.join(root, d)).filter((f) => f.endsWith(".yaml")).sort().map((f) => path.posix.join(d, f)) : [];
  return ["Pulumi.yaml", ...yaml("stacks"), ...yaml("examples")];
}

/** `sha256  file` lines, as sha256sum writes them, of the description files. */
export function fingerprint(root: string): string {
  return descriptionFiles(root).map((f) => `${createHash("sha256").update(fs.readFileSync(path.join(root, f))).digest("hex")}  ${f}`).join("\n") + "\n";
}
