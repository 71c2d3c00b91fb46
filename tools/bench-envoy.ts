/**
 * The data plane's part of `npm run bench` (tools/bench.ts), with the real Envoy in the
 * rehearsal's network namespaces (tools/rehearse/, Linux and root):
 *
 * 1. one hop, side by side (bench-envoy/hop.ts): no Envoy, the minimal pair of Envoys (the
 *    floor), and the generated sidecars of a stack; requests per second and p50/p99 latency, and
 *    the issue's goal: the generated configuration within 10% of the minimal pair at p50 and p99;
 * 2. the time from starting a rehearsal of each reference stack until every task is HEALTHY
 *    (bench-envoy/startup.ts);
 * 3. memory per Envoy (bench-envoy/memory.ts): the running rehearsals' Envoys against the
 *    minimal pair's and the generated pair's after the same load.
 *
 * Settings (environment): BENCH_HOP_ROUNDS, BENCH_HOP_SECONDS (recorded per path per round),
 * BENCH_HOP_CONCURRENCY, BENCH_HOP_STACK, BENCH_HOP_VARIANTS=1 (the generated sidecars with one
 * kind of setting taken out at a time: what costs), BENCH_STACKS (comma-separated), and
 * BENCH_SHORT=1 for a quick run. Everything started is removed on exit, SIGINT and failure
 * (fabric.ts).
 */
import { envoyBinary } from "./envoy/binary";
import { HopBench, PathReport } from "./bench-envoy/hop";
import { summary, EnvoyMemory } from "./bench-envoy/proc";
import { startup, StartupReport } from "./bench-envoy/startup";
import { ABLATIONS } from "./bench-envoy/variants";
import { plan, Plan } from "./plan-core";
import { issuesText } from "./plan-format";

/** The issue's goal: the generated configuration within 10% of the minimal pair. */
export const GOAL = 1.1;

export interface EnvoyBenchOptions {
  stacks: string[];
  hopStack: string;
  rounds: number;
  seconds: number;
  warmup: number;
  concurrency: number;
  variants: boolean;
}

export function envoyBenchOptions(env: NodeJS.ProcessEnv = process.env): EnvoyBenchOptions {
  const short = env.BENCH_SHORT === "1";
  const num = (name: string, dflt: number) => {
    const v = env[name] === undefined ? dflt : Number(env[name]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}=${env[name]}: give a positive number`);
    return v;
  };
  return {
    stacks: (env.BENCH_STACKS ?? (short ? "dev" : "dev,staging,prod")).split(",").filter(Boolean),
    hopStack: env.BENCH_HOP_STACK ?? "staging",
    rounds: Math.round(num("BENCH_HOP_ROUNDS", short ? 2 : 7)),
    seconds: num("BENCH_HOP_SECONDS", short ? 0.5 : 1),
    warmup: short ? 0.1 : 0.2,
    concurrency: Math.round(num("BENCH_HOP_CONCURRENCY", 8)),
    variants: env.BENCH_HOP_VARIANTS === "1",
  };
}

async function planOf(stack: string): Promise<Plan> {
  const r = await plan({ stack });
  if (!r.ok) throw new Error(issuesText(r.stack, r.issues));
  if (r.plan.model.dataPlane !== "envoy") throw new Error(`stack ${stack} runs the ${r.plan.model.dataPlane} data plane; the bench runs Envoy's`);
  return r.plan;
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (x: number, digits = 2, width = 7) => (Number.isFinite(x) ? x.toFixed(digits) : "-").padStart(width);
const mib = (x: number) => `${x.toFixed(0)} MiB`.padStart(9);

/** The hop's table and the goal's verdict. */
export function hopTable(stack: string, reports: PathReport[], o: EnvoyBenchOptions): string {
  const lines = [
    `One hop, stack ${stack}: ${o.concurrency} keep-alive connections, ${o.rounds} rounds of ${o.seconds} s per path in turn; medians over rounds, ratios to the minimal pair within each round`,
    `${pad("path", 40)}  req/s  p50 ms  p99 ms  Envoy CPU µs/req  req/s×  p50×   p99×   CPU×   requests through caller, target Envoy`,
    ...reports.map((r) => `${pad(r.label, 40)}${num(r.rps, 0)} ${num(r.p50)} ${num(r.p99)}  ${r.throughEnvoys.length ? num(r.cpuUs, 0, 16) : "-".padStart(16)}  ${num(r.vsMinimal.rps, 2, 5)}  ${num(r.vsMinimal.p50, 2, 5)}  ${num(r.vsMinimal.p99, 2, 5)}  ${r.throughEnvoys.length ? num(r.vsMinimal.cpuUs, 2, 5) : "    -"}   ${r.throughEnvoys.length ? r.throughEnvoys.join(", ") : "(no Envoy)"}`),
  ];
  const g = reports.find((r) => r.name === "generated")!;
  const floor = reports.find((r) => r.name === "minimal")!;
  const spread = (f: (x: PathReport["rounds"][number]) => number) => {
    const rs = g.rounds.map((x, i) => f(x) / f(floor.rounds[i]));
    return `${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)}`;
  };
  if (g.rounds.length) lines.push(`Generated / minimal in each round (the noise): p50 ×${spread((x) => x.latencyMs.p50)}, p99 ×${spread((x) => x.latencyMs.p99)}, req/s ×${spread((x) => x.rps)}`);
  const met = g.vsMinimal.p50 <= GOAL && g.vsMinimal.p99 <= GOAL;
  lines.push(`Goal, the generated configuration within 10% of the minimal pair at p50 and p99: ${met ? "met" : "NOT met"} (p50 ×${g.vsMinimal.p50.toFixed(2)}, p99 ×${g.vsMinimal.p99.toFixed(2)})` +
    (met || o.variants ? "" : "; BENCH_HOP_VARIANTS=1 measures which of its settings cost"));
  return lines.join("\n") + "\n";
}

export function startupTable(reports: StartupReport[]): string {
  return [
    "Start of a rehearsal until every task is HEALTHY (as ECS computes it from the task definitions' health checks)",
    `${pad("stack", 9)} tasks  all HEALTHY  Envoy containers HEALTHY (median)`,
    ...reports.map((r) => `${pad(r.stack, 9)}${String(r.tasks).padStart(6)}  ${num(r.seconds, 1, 9)} s  ${num(r.envoyHealthySeconds, 1, 9)} s`),
  ].join("\n") + "\n";
}

export function memoryTable(rows: [string, EnvoyMemory[]][]): string {
  return [
    "Memory per Envoy, from /proc (own: RssAnon, its heap; the rest of RSS is the binary's pages, shared by every Envoy)",
    `${pad("", 40)} Envoys  RSS median    RSS max  own median`,
    ...rows.map(([label, ms]) => { const s = summary(ms); return `${pad(label, 40)}${String(s.count).padStart(7)}  ${mib(s.rssMedianMiB)}  ${mib(s.rssMaxMiB)}  ${mib(s.anonMedianMiB)}`; }),
  ].join("\n") + "\n";
}

export async function envoyBench(o: EnvoyBenchOptions, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<void> {
  const envoy = envoyBinary();
  const hopPlan = await planOf(o.hopStack);
  const image = hopPlan.model.envoy.image;
  write(`\nData plane: Envoy ${envoy.release} (${envoy.path}), in network namespaces\n`);

  const hop = await new HopBench(hopPlan, { envoy: envoy.path, envoyImage: image, concurrency: o.concurrency, seconds: o.seconds, warmup: o.warmup, rounds: o.rounds, variants: o.variants ? ABLATIONS : [] }).start();
  let paths: PathReport[];
  try { paths = await hop.measure(); } finally { hop.destroy(); }
  write(hopTable(o.hopStack, paths, o));

  const starts: StartupReport[] = [];
  for (const stack of o.stacks) {
    const p = await planOf(stack);
    starts.push(await startup(p, { envoy: envoy.path, envoyImage: p.model.envoy.image }));
  }
  write("\n" + startupTable(starts));

  const of = (name: string) => paths.find((p) => p.name === name)!.memory;
  write("\n" + memoryTable([
    ["minimal pair, after the hop's load", of("minimal")],
    ["generated pair, after the hop's load", of("generated")],
    ...starts.map((s) => [`${s.stack} rehearsal, all HEALTHY`, s.memory] as [string, EnvoyMemory[]]),
  ]));
}
