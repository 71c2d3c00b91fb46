/**
 * The real Envoy as the judge of a generated bootstrap: `envoy --mode validate` loads it fully
 * (every extension, every cluster, listener and TLS context) without serving. The bootstrap is
 * given exactly as the task's container passes it (`--config-yaml`), merged with one static
 * runtime layer that makes any deprecated field fatal, so a field a future release removes fails
 * here first. Any warning Envoy logs about the configuration fails it too.
 */
import { spawn } from "child_process";
import * as os from "os";
import * as fs from "fs";
import * as path from "path";

/** The runtime layer that turns every deprecated field into a load error. */
export const FAIL_ON_DEPRECATED = {
  layered_runtime: { layers: [{ name: "fail-on-deprecated", static_layer: { "envoy.features.fail_on_any_deprecated_feature": true } }] },
};

export interface Validation {
  ok: boolean;
  /** Envoy's own words: the load error, or the warnings it logged. */
  problems: string[];
}

/**
 * Log lines that say nothing about the configuration: the machine's limits and the validate
 * mode itself. Everything else at warning level or above is a problem.
 */
const NOT_ABOUT_CONFIG = [/hot restart/i, /cgroup/i];

/** Warnings and errors Envoy logged, less the lines that are about the machine. */
export function configWarnings(log: string): string[] {
  return log.split("\n").filter((l) => /\]\[(warning|error|critical)\]/.test(l) && !NOT_ABOUT_CONFIG.some((re) => re.test(l)))
    .map((l) => l.replace(/^\[[^\]]+\]\[\d+\]/, "").trim());
}

/**
 * Validates one bootstrap with `envoy`. `env` is what ECS gives the container (TLS material from
 * secrets arrives as environment variables).
 */
export function validateBootstrap(envoy: string, bootstrap: unknown, env: Record<string, string> = {}): Promise<Validation> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-validate-"));
  const runtime = path.join(dir, "runtime.json");
  fs.writeFileSync(runtime, JSON.stringify(FAIL_ON_DEPRECATED));
  const args = ["--mode", "validate", "-c", runtime, "--config-yaml", JSON.stringify(bootstrap), "--log-level", "warning", "--disable-hot-restart"];
  return new Promise((resolve) => {
    const p = spawn(envoy, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    p.stdout.on("data", (d) => (log += d));
    p.stderr.on("data", (d) => (log += d));
    p.on("close", (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      const warnings = code === 0 ? configWarnings(log) : [];
      // Envoy's reason: its error lines (a failed parse also echoes the configuration, left out).
      const reason = log.split("\n").filter((l) => /^\[.*\]\[(error|critical)\]|validation failed|rror/.test(l)).map((l) => l.replace(/^\[[^\]]+\]\[\d+\]/, "").trim());
      const failed = code !== 0 ? [reason.join("\n") || `exit ${code}`] : [];
      resolve({ ok: code === 0 && warnings.length === 0, problems: [...failed, ...warnings] });
    });
  });
}

/** Runs `jobs` at most `limit` at a time (Envoy processes in parallel, one per core). */
export async function inParallel<T>(jobs: (() => Promise<T>)[], limit = Math.max(2, os.cpus().length)): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => { while (next < jobs.length) { const i = next++; out[i] = await jobs[i](); } };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}
