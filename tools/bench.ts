/**
 * npm run bench: validation in process, then the offline plan side by side with the floor
 * (bench-floor.ts: the same size of mesh registered with plain @pulumi/aws calls under the same
 * mocks) as whole processes, alternating, median of several runs. Machines are shared and noisy:
 * read the ratios, which compare runs made moments apart, not the absolute times. Then the data
 * plane with the real Envoy (bench-envoy.ts): one hop through the generated sidecars against no
 * Envoy and a minimal pair of Envoys, the time until a rehearsal of each reference stack is
 * HEALTHY, and memory per Envoy. It needs Linux and root; elsewhere that part says why it is
 * skipped.
 *
 * Then envoy.routeUpdates (bench-routes.ts): a caller's task definition by backends in each
 * mode, and with the rehearsal the time from publishing a route version until its split shows.
 *
 * The component package's start-up (bench-plugin.ts), against a minimal component package.
 *
 * BENCH_PARTS=plan, =plugin, =envoy or =routes runs one part; BENCH_SHORT=1 shortens both (one run of the plan at
 * 4 and 46 services; bench-envoy.ts lists its own settings); BENCH_SIZES=4,46 sets the numbers
 * of services.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { validateMesh } from "../model/load";
import { meshInput, PROJECT_DIR } from "../stacks/files";
import { scaledConfig } from "./bench-mesh";
import { envoyBench, envoyBenchOptions } from "./bench-envoy";
import { rehearsalUnavailable } from "./rehearse/sys";
import { parseFlags, usageExit } from "./args";
import { liveSwitch, taskDefinitionSizes } from "./bench-routes";
import { pluginBench } from "./bench-plugin";
import { envoyBinary } from "./envoy/binary";

export const FLAGS = {} as const;
const usage = usageExit({
  tool: "bench",
  forms: [""],
  about: "Times validation in process, then the offline plan against the floor (the same mesh registered with plain @pulumi/aws under mocks), then the data plane with the real Envoy (Linux, root; skipped elsewhere). It takes no options; the environment sets what runs: BENCH_PARTS=plan, =plugin, =envoy or =routes runs one part (comma-separated for several), BENCH_SHORT=1 shortens both, BENCH_RUNS=N sets the plan's runs.",
  options: [],
});

const RSS = path.join(PROJECT_DIR, "tools", "bench-rss.js");
// Beside this file: compiled in bin/tools when the build is fresh, else the sources through
// ts-node (tools/run.js decides), which both scripts then pay alike.
const compiled = __filename.endsWith(".js");
export const BENCH_SCRIPTS = { plan: path.join(__dirname, `bench-plan.${compiled ? "js" : "ts"}`), floor: path.join(__dirname, `bench-floor.${compiled ? "js" : "ts"}`) };
const PRELOAD = compiled ? ["-r", RSS] : ["-r", RSS, "-r", "ts-node/register/transpile-only"];

interface Run { ms: number; resources: number; rssMiB: number }

function run(script: string, n: number): Run {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [...PRELOAD, script, String(n)], { cwd: PROJECT_DIR, encoding: "utf8", env: { ...process.env, NODE_PATH: path.join(PROJECT_DIR, "node_modules") } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${script} ${n} failed: ${r.stderr}`);
  return { ms, resources: Number(/resources=(\d+)/.exec(r.stdout)![1]), rssMiB: Number(/maxrss-kib=(\d+)/.exec(r.stderr)![1]) / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const SHORT = process.env.BENCH_SHORT === "1";
const SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(",").map(Number) : SHORT ? [4, 46] : [4, 46, 200];

function validation() {
  for (const n of SIZES) {
    const input = meshInput(scaledConfig(n), "dev");
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) validateMesh(input);
    process.stdout.write(`validate + model, ${String(n).padStart(3)} services: ${(Number(process.hrtime.bigint() - t0) / 1e6 / 20).toFixed(2)} ms\n`);
  }
}

function sideBySide(runs: number) {
  process.stdout.write("\nservices  plan ms  floor ms  plan/floor  plan res  floor res  per-resource ratio  plan peak MiB  floor peak MiB\n");
  for (const n of SIZES) {
    const plan: Run[] = [];
    const floor: Run[] = [];
    for (let i = 0; i < runs; i++) { floor.push(run(BENCH_SCRIPTS.floor, n)); plan.push(run(BENCH_SCRIPTS.plan, n)); }
    const [p, f] = [median(plan.map((r) => r.ms)), median(floor.map((r) => r.ms))];
    const perResource = (p / plan[0].resources) / (f / floor[0].resources);
    process.stdout.write(`${String(n).padStart(8)}  ${p.toFixed(0).padStart(7)}  ${f.toFixed(0).padStart(8)}  ${(p / f).toFixed(2).padStart(10)}  ${String(plan[0].resources).padStart(8)}  ${String(floor[0].resources).padStart(9)}  ${perResource.toFixed(2).padStart(18)}  ${Math.max(...plan.map((r) => r.rssMiB)).toFixed(0).padStart(13)}  ${Math.max(...floor.map((r) => r.rssMiB)).toFixed(0).padStart(14)}\n`);
  }
}

async function main() {
  parseFlags(process.argv.slice(2), FLAGS, usage);
  const parts = (process.env.BENCH_PARTS ?? "plan,plugin,envoy,routes").split(",");
  if (parts.includes("plan")) {
    validation();
    sideBySide(Number(process.env.BENCH_RUNS ?? (SHORT ? 1 : 3)));
  }
  if (parts.includes("envoy")) {
    const why = rehearsalUnavailable();
    if (why) process.stdout.write(`\nData plane: skipped (${why})\n`);
    else await envoyBench(envoyBenchOptions());
  }
  if (parts.includes("plugin")) await pluginBench(SHORT ? 2 : 5);
  if (parts.includes("routes")) {
    taskDefinitionSizes();
    const why = rehearsalUnavailable();
    if (why) process.stdout.write(`\nLive route update: skipped (${why})\n`);
    else await liveSwitch("staging", SHORT ? 2 : 6, envoyBinary().path);
  }
}

if (require.main === module) main().then(() => process.exit(0), (e) => { process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`); process.exit(1); });
