/**
 * One hop, measured side by side: the same request from a caller's namespace to an application
 * in another, carried three ways on the rehearsal's network (tools/rehearse/fabric.ts):
 *
 * - `none`: client → app, no Envoy at all;
 * - `minimal`: caller Envoy → target Envoy → app with the hand-written pair of minimal.ts, the
 *   floor (Envoy's own cost), behind the same interception rules as the generated tasks;
 * - `generated`: the plan's own caller and target tasks (task.ts runs them: the Envoy
 *   containers' commands, users, environment and ECS's interception rules, the lifecycle
 *   container), caller Envoy → target Envoy → app, found by DNS as Cloud Map would answer;
 *
 * plus any variants of the generated sidecars (variants.ts). Every path ends at the same stand-in
 * application (tools/rehearse/standin.js) and is driven by the same load generator
 * (tools/bench-load.js: keep-alive, a fixed number of connections) from the caller's namespace.
 * The paths take turns, in a rotating order, for several rounds: on a shared machine only ratios
 * within a round mean much, so each path's figures are medians over rounds, and its ratios to the
 * minimal pair are medians of the ratios within each round. Each generated variant has a fabric
 * of its own (its DNS answers the target's name with its own target task).
 */
import * as path from "path";
import type { Plan } from "../plan-core";
import { PROJECT_DIR } from "../../stacks/files";
import { Fabric } from "../rehearse/fabric";
import { plannedServices, PlannedService } from "../rehearse/mesh";
import { ContainerDef, TaskDef, TaskRun } from "../rehearse/task";
import { envoyStats, upstreamRequests } from "./admin";
import { cpuSeconds, envoysIn, EnvoyMemory, median } from "./proc";
import { minimalCaller, minimalTarget } from "./minimal";
import { benchTask, GENERATED, Variant } from "./variants";

/** The load generator, from the sources (it is plain JavaScript, run by path, compiled or not). */
const LOAD = path.join(PROJECT_DIR, "tools", "bench-load.js");

export interface LoadResult {
  requests: number; seconds: number; rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  statuses: Record<string, number>; errors: Record<string, number>;
  /** Answers that carried Envoy's x-envoy-upstream-service-time header. */
  viaEnvoy: number;
  /** Every answer, the warm-up's included. */
  completed: number;
  /** CPU time the path's Envoys used per answer, in µs (set by the bench, not the load generator). */
  envoyCpuUs?: number;
}

export interface HopOptions {
  envoy: string;
  envoyImage: string;
  /** Connections the load generator keeps busy. */
  concurrency: number;
  /** Recorded seconds per path per round, after `warmup` seconds that are not. */
  seconds: number;
  warmup: number;
  rounds: number;
  /** Variants of the generated sidecars to measure beside it. @default none */
  variants?: Variant[];
}

/** The hop of a plan: the first service that calls a service (not a router) over HTTP, and that service. */
export function hopOf(plan: Plan): { caller: PlannedService; target: PlannedService; host: string; port: number } {
  const services = plannedServices(plan);
  for (const node of plan.model.nodes)
    for (const backend of node.backends) {
      const vs = plan.model.virtualServices.find((v) => v.name === backend);
      if (!vs || vs.provider.kind !== "node") continue;
      const targetKey = vs.provider.node;
      const listener = plan.model.nodes.find((n) => n.key === targetKey)?.listeners.find((l) => l.protocol === "http" && !l.tls);
      const caller = services.find((s) => s.key === node.key), target = services.find((s) => s.key === targetKey);
      if (listener && caller && target?.dnsName && caller.task.proxyConfiguration && target.task.proxyConfiguration)
        return { caller, target, host: vs.name, port: listener.port };
    }
  throw new Error(`stack ${plan.stack} has no service that calls another service over plain HTTP with transparent interception: nothing to measure one hop with`);
}

/** One way of carrying the hop, running. */
export interface HopPath {
  name: string;
  label: string;
  fabric: Fabric;
  /** Where the load generator runs. */
  callerNs: string;
  url: string;
  headers: Record<string, string>;
  /** The namespaces whose Envoy carries the hop: caller's and target's (none for `none`). */
  envoyNs: string[];
  tasks: TaskRun[];
}

export interface PathReport {
  name: string;
  label: string;
  rounds: LoadResult[];
  rps: number; p50: number; p99: number;
  /** CPU time of the path's Envoys (caller and target together) per request, in µs. */
  cpuUs: number;
  /** Medians of the ratios to the minimal pair within each round. */
  vsMinimal: { rps: number; p50: number; p99: number; cpuUs: number };
  /** Requests each of the path's Envoys sent upstream, caller first (read from their admin stats). */
  throughEnvoys: number[];
  memory: EnvoyMemory[];
}

const app = (port: number): ContainerDef => ({ name: "app", image: "bench/standin", essential: true, portMappings: [{ containerPort: port }] });

function minimalEnvoy(image: string, uid: string, bootstrap: unknown): ContainerDef {
  return { name: "envoy", image, essential: true, user: uid, entryPoint: ["/usr/local/bin/envoy"], command: ["--config-yaml", JSON.stringify(bootstrap), "--disable-hot-restart"] };
}

export class HopBench {
  readonly paths: HopPath[] = [];
  private readonly fabrics: Fabric[] = [];

  constructor(readonly plan: Plan, private readonly opts: HopOptions) {}

  private fabric(): Fabric {
    const f = new Fabric();
    this.fabrics.push(f);
    return f;
  }

  private task(fabric: Fabric, def: TaskDef, index = 0): TaskRun {
    return new TaskRun(fabric, def, index, { envoy: this.opts.envoy, envoyImage: this.opts.envoyImage });
  }

  /** Starts every path and resolves once each carries requests (within `ms`). */
  async start(ms = 60_000): Promise<this> {
    try {
      const hop = hopOf(this.plan);
      const image = this.opts.envoyImage;
      const props = (s: PlannedService) => s.task.proxyConfiguration!.properties;
      const hostHeader = hop.port === 80 ? hop.host : `${hop.host}:${hop.port}`;

      // The generated paths first: each on a fabric whose DNS answers the target's name.
      const namespace = hop.target.dnsName!.slice(hop.target.dnsName!.indexOf(".") + 1);
      let shared: Fabric | undefined;
      for (const v of [GENERATED, ...(this.opts.variants ?? [])]) {
        const fabric = this.fabric();
        shared ??= fabric;
        fabric.startDns(hop.target.ttl ?? 10, [namespace]);
        const target = this.task(fabric, benchTask(hop.target.task, v, image));
        const caller = this.task(fabric, benchTask(hop.caller.task, v, image));
        fabric.setRecords(hop.target.dnsName!, [target.ip]);
        target.start();
        caller.start();
        this.paths.push({ name: v.name, label: v.label, fabric, callerNs: caller.host.ns, url: `http://${target.ip}:${hop.port}/`, headers: { host: hostHeader }, envoyNs: [caller.host.ns, target.host.ns], tasks: [caller, target] });
      }

      // The floor and the bare hop, on the generated path's fabric: the same bridge.
      const f = shared!;
      const minTargetDef: TaskDef = {
        service: "minimal-target", family: "minimal-target", appProtocols: { [hop.port]: "http" },
        containers: [minimalEnvoy(image, props(hop.target).IgnoredUID, minimalTarget(Number(props(hop.target).ProxyIngressPort), hop.port)), app(hop.port)],
        proxyConfiguration: { containerName: "envoy", properties: props(hop.target) },
      };
      const minTarget = this.task(f, minTargetDef);
      const minCaller = this.task(f, {
        service: "minimal-caller", family: "minimal-caller", appProtocols: {},
        containers: [minimalEnvoy(image, props(hop.caller).IgnoredUID, minimalCaller(Number(props(hop.caller).ProxyEgressPort), minTarget.ip, hop.port))],
        proxyConfiguration: { containerName: "envoy", properties: props(hop.caller) },
      });
      minTarget.start();
      minCaller.start();
      this.paths.unshift({ name: "minimal", label: "minimal pair (the floor)", fabric: f, callerNs: minCaller.host.ns, url: `http://${minTarget.ip}:${hop.port}/`, headers: { host: hostHeader }, envoyNs: [minCaller.host.ns, minTarget.host.ns], tasks: [minCaller, minTarget] });

      const bare = this.task(f, { service: "none-app", family: "none-app", appProtocols: { [hop.port]: "http" }, containers: [app(hop.port)] });
      const client = f.host("none-client");
      bare.start();
      this.paths.unshift({ name: "none", label: "no Envoy (client → app)", fabric: f, callerNs: client.ns, url: `http://${bare.ip}:${hop.port}/`, headers: { host: hostHeader }, envoyNs: [], tasks: [bare] });

      await Promise.all(this.paths.map((p) => this.ready(p, Date.now() + ms)));
    } catch (e) { this.destroy(); throw e; }
    return this;
  }

  /** Runs the load generator on path `p`. */
  load(p: HopPath, seconds: number, warmup: number, concurrency = this.opts.concurrency): Promise<LoadResult> {
    const argv = [process.execPath, LOAD, p.url, String(concurrency), String(seconds), String(warmup), ...Object.entries(p.headers).map(([k, v]) => `${k}:${v}`)];
    return new Promise((resolve, reject) => {
      const proc = p.fabric.spawn(argv, { ns: p.callerNs });
      let out = "", err = "";
      proc.stdout!.on("data", (d) => (out += d));
      proc.stderr!.on("data", (d) => (err += d));
      // "close", not "exit": the output may still be in the pipe when the process has exited.
      proc.on("close", (code, signal) => {
        try {
          if (code !== 0) throw new Error(`exit ${code ?? signal}`);
          resolve(JSON.parse(out) as LoadResult);
        } catch (e) { reject(new Error(`load on path ${p.name} failed (${(e as Error).message}): ${err.trim()}`)); }
      });
    });
  }

  /** Until one short burst is answered 200 throughout, through Envoy where the path has Envoy. */
  private async ready(p: HopPath, deadline: number): Promise<void> {
    let last: LoadResult | undefined;
    while (Date.now() < deadline) {
      const stopped = p.tasks.find((t) => t.stopped);
      if (stopped) throw new Error(`path ${p.name}: task ${stopped.name} stopped while starting:\n${[...stopped.containers.values()].map((c) => `--- ${c.def.name} (exit ${c.exitCode})\n${c.log.slice(-1500)}`).join("\n")}`);
      last = await this.load(p, 0.2, 0, 1);
      const ok = last.requests > 0 && last.statuses["200"] === last.requests && Object.keys(last.errors).length === 0;
      if (ok && (last.viaEnvoy === last.requests) === (p.envoyNs.length > 0)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`path ${p.name} carried no request within the time allowed; last try: ${JSON.stringify(last)}`);
  }

  /** The paths in turn, in a rotating order, for the given rounds; then each Envoy's counters and memory. */
  async measure(): Promise<PathReport[]> {
    const rounds = new Map(this.paths.map((p) => [p.name, [] as LoadResult[]]));
    for (let r = 0; r < this.opts.rounds; r++) {
      const order = this.paths.map((_, i) => this.paths[(i + r) % this.paths.length]);
      for (const p of order) {
        const pids = p.envoyNs.flatMap(envoysIn).map((e) => e.pid);
        const cpu = () => pids.reduce((a, pid) => a + cpuSeconds(pid), 0);
        const before = cpu();
        const x = await this.load(p, this.opts.seconds, this.opts.warmup);
        rounds.get(p.name)!.push({ ...x, envoyCpuUs: ((cpu() - before) / x.completed) * 1e6 });
      }
    }
    const floor = rounds.get("minimal")!;
    const ratio = (rs: LoadResult[], f: (x: LoadResult) => number) => median(rs.map((x, i) => f(x) / f(floor[i])));
    return this.paths.map((p) => {
      const rs = rounds.get(p.name)!;
      return {
        name: p.name, label: p.label, rounds: rs,
        rps: median(rs.map((x) => x.rps)), p50: median(rs.map((x) => x.latencyMs.p50)), p99: median(rs.map((x) => x.latencyMs.p99)),
        cpuUs: median(rs.map((x) => x.envoyCpuUs!)),
        vsMinimal: { rps: ratio(rs, (x) => x.rps), p50: ratio(rs, (x) => x.latencyMs.p50), p99: ratio(rs, (x) => x.latencyMs.p99), cpuUs: ratio(rs, (x) => x.envoyCpuUs!) },
        throughEnvoys: p.envoyNs.map((ns) => upstreamRequests(envoyStats(ns))),
        memory: p.envoyNs.flatMap(envoysIn),
      };
    });
  }

  destroy(): void { for (const f of this.fabrics) f.destroy(); }
}
