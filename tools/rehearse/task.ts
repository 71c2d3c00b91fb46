/**
 * One ECS task of a plan, run on this machine as ECS would run it: in its own network namespace,
 * with the interception rules of its proxyConfiguration, each container started when its
 * dependsOn conditions hold, health-checked with its own healthCheck (ecs-health.ts), and
 * stopped in ECS's order: a container stops only after every container that depends on it has,
 * SIGTERM first and SIGKILL after its stopTimeout.
 *
 * Containers of the Envoy image run their own entryPoint and command (the wrapper and the inline
 * bootstrap) as their user, with the real binary where the image has it (/usr/local/bin/envoy,
 * mounted in that container's own mount namespace). Application containers run the stand-in
 * (standin.js) on their ports; the X-Ray daemon is an idle stand-in.
 */
import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ECS_HEALTH_DEFAULTS, HealthCheckDef, HealthState, healthArgv, Health } from "./ecs-health";
import { Fabric, Host } from "./fabric";
import { interceptionRules, ProxyProperties } from "./interception";
import { run } from "./sys";
import { ENVOY_ADMIN_PORT } from "../../model/task-ports";

export interface ContainerDef {
  name: string; image: string; essential?: boolean; user?: string;
  entryPoint?: string[]; command?: string[];
  environment?: { name: string; value: string }[]; secrets?: { name: string; valueFrom: string }[];
  portMappings?: { containerPort: number }[];
  dependsOn?: { containerName: string; condition: "START" | "HEALTHY" | "COMPLETE" | "SUCCESS" }[];
  healthCheck?: HealthCheckDef; stopTimeout?: number;
  mountPoints?: { sourceVolume: string; containerPath: string; readOnly?: boolean }[];
}

export interface TaskDef {
  /** The ECS service (or `gateway`) the task belongs to. */
  service: string;
  family: string;
  containers: ContainerDef[];
  proxyConfiguration?: { containerName: string; properties: ProxyProperties };
  /** Protocol of each application port (http, http2, grpc, tcp), for the stand-in. */
  appProtocols: Record<number, string>;
}

export interface RunOptions {
  /** The Envoy binary to put at /usr/local/bin/envoy. */
  envoy: string;
  /** The Envoy image of the plan: containers of this image run their own command. */
  envoyImage: string;
  /** Values ECS would read from `secrets` (TLS material), by variable name. */
  secretValues?: (container: ContainerDef, service: string) => Record<string, string>;
  /** ECS's default stopTimeout when a container sets none (ECS_CONTAINER_STOP_TIMEOUT). */
  defaultStopTimeout?: number;
  /** What AppConfig holds (the agent stand-in's folder, standin-agent.js). @default none: no agent can answer */
  appConfigDir?: string;
}

export const STANDIN = path.join(__dirname, "standin.js");
export const STANDIN_AGENT = path.join(__dirname, "standin-agent.js");
const AGENT_IMAGE = /aws-appconfig-agent/;
const ENVOY_IN_IMAGE = "/usr/local/bin/envoy";
const XRAY_IMAGE = /xray/;

/** Runs `argv` as the container's user, as ECS does (setpriv: user and group, no others). */
const asUserOf = (c: ContainerDef, argv: string[]) => (c.user ? ["setpriv", `--reuid=${c.user}`, `--regid=${c.user}`, "--clear-groups", "--", ...argv] : argv);

export type ContainerState = "PENDING" | "RUNNING" | "STOPPED";

export class Container {
  state: ContainerState = "PENDING";
  health?: HealthState;
  proc?: ChildProcess;
  exitCode: number | null = null;
  startedAt = 0;
  stoppedAt = 0;
  log = "";
  private waiters: (() => void)[] = [];
  constructor(readonly def: ContainerDef) {}
  /** The container's health as ECS reports it (a container without a check has none). */
  get status(): Health | undefined { return this.health?.status; }
  changed() { for (const w of this.waiters.splice(0)) w(); }
  /** Resolves when `test` holds (checked at every change), or rejects after `ms`. */
  until(test: () => boolean, ms: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => { if (test()) { clearTimeout(timer); resolve(); return true; } return false; };
      const timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms (container ${this.def.name} is ${this.state}, health ${this.status ?? "none"})\n${this.log.slice(-2000)}`)), ms);
      const loop = () => { if (!check()) this.waiters.push(loop); };
      loop();
    });
  }
}

export class TaskRun {
  readonly host: Host;
  readonly containers: Map<string, Container>;
  private stopping?: Promise<void>;
  /** Each checked container's next probe. */
  private readonly healthTimers = new Map<string, NodeJS.Timeout>();
  /** Called when the task's health changes (for Cloud Map registration) and when it stops. */
  onChange: () => void = () => {};

  constructor(readonly fabric: Fabric, readonly def: TaskDef, readonly index: number, private readonly opts: RunOptions) {
    this.host = fabric.host(`${def.service}-${index}`);
    this.containers = new Map(def.containers.map((c) => [c.name, new Container(c)]));
  }

  get ip() { return this.host.ip; }

  /** The host folder of task volume `name` (made on first use, owned by root with mode 755, as Fargate's). */
  private volume(name: string): string {
    const dir = path.join(this.fabric.dir, "volumes", `${this.def.service}-${this.index}`, name);
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    return dir;
  }
  get name() { return `${this.def.service}/${this.index}`; }
  container(name: string): Container {
    const c = this.containers.get(name);
    if (!c) throw new Error(`task ${this.name} has no container ${name}`);
    return c;
  }

  /** ECS's task health: UNHEALTHY if an essential container is, UNKNOWN while any is unknown, else HEALTHY. */
  get health(): Health {
    const checked = [...this.containers.values()].filter((c) => c.def.essential !== false && c.health);
    if (checked.some((c) => c.status === "UNHEALTHY")) return "UNHEALTHY";
    if (checked.some((c) => c.status !== "HEALTHY")) return "UNKNOWN";
    return "HEALTHY";
  }

  get stopped() { return [...this.containers.values()].every((c) => c.state === "STOPPED"); }

  /** Sets up interception as the CNI plugin does, then starts containers as their dependencies allow. */
  start(): void {
    const proxy = this.def.proxyConfiguration;
    if (proxy) for (const rule of interceptionRules(proxy.properties)) run("ip", ["netns", "exec", this.host.ns, "iptables", "-w", ...rule]);
    this.schedule();
  }

  private ready(c: Container): boolean {
    return (c.def.dependsOn ?? []).every(({ containerName, condition }) => {
      const d = this.container(containerName);
      if (condition === "START") return d.state !== "PENDING";
      if (condition === "HEALTHY") return d.status === "HEALTHY";
      if (condition === "COMPLETE") return d.state === "STOPPED";
      return d.state === "STOPPED" && d.exitCode === 0;
    });
  }

  private schedule(): void {
    if (this.stopping) return;
    for (const c of this.containers.values()) if (c.state === "PENDING" && this.ready(c)) this.launch(c);
  }

  /** The container's environment as ECS gives it: its variables and its secrets' values. */
  private envOf(c: ContainerDef): Record<string, string> {
    const env: Record<string, string> = { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: "/" };
    for (const e of c.environment ?? []) env[e.name] = e.value;
    return Object.assign(env, this.opts.secretValues?.(c, this.def.service) ?? {});
  }

  private argv(c: ContainerDef): { argv: string[]; env: Record<string, string> } {
    const env = this.envOf(c);
    if (c.image === this.opts.envoyImage) {
      // The image's binary where the command expects it, in this container's mount namespace only.
      // Task volumes: one folder per volume and task, root's as on Fargate, bound where the container mounts it.
      for (const m of c.mountPoints ?? []) this.fabric.mountPoint(m.containerPath);
      const binds = (c.mountPoints ?? []).map((m) => `mount --bind '${this.volume(m.sourceVolume)}' '${m.containerPath}'${m.readOnly ? ` && mount -o remount,bind,ro '${m.containerPath}'` : ""} && `).join("");
      const setup = `${binds}mount -t tmpfs -o size=64k,mode=755 fm-envoy /usr/local/bin && ln -s '${this.opts.envoy}' ${ENVOY_IN_IMAGE} && exec "$@"`;
      return { argv: ["bash", "-c", setup, "container", ...asUserOf(c, [...(c.entryPoint ?? []), ...(c.command ?? [])])], env };
    }
    if (AGENT_IMAGE.test(c.image)) {
      if (!this.opts.appConfigDir) throw new Error(`task ${this.name}: container ${c.name} is an AppConfig Agent, and the rehearsal has no AppConfig (appConfigDir)`);
      return { argv: asUserOf(c, [process.execPath, STANDIN_AGENT]), env: { ...env, FM_APPCONFIG_DIR: this.opts.appConfigDir } };
    }
    if (XRAY_IMAGE.test(c.image)) return { argv: asUserOf(c, ["bash", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]), env };
    const ports = (c.portMappings ?? []).map((p) => `${p.containerPort}/${this.def.appProtocols[p.containerPort] ?? "http"}`).join(",");
    Object.assign(env, { STANDIN_SERVICE: this.def.service, STANDIN_TASK: this.name, STANDIN_PORTS: ports });
    return { argv: asUserOf(c, [process.execPath, STANDIN]), env };
  }

  private launch(c: Container): void {
    const { argv, env } = this.argv(c.def);
    const proc = this.fabric.spawn(argv, { ns: this.host.ns, env });
    c.proc = proc;
    c.state = "RUNNING";
    c.startedAt = Date.now();
    const keep = (d: Buffer) => { c.log = (c.log + d.toString()).slice(-200000); };
    proc.stdout!.on("data", keep);
    proc.stderr!.on("data", keep);
    proc.on("exit", (code, signal) => {
      c.state = "STOPPED";
      c.exitCode = code ?? (signal ? 128 : null);
      c.stoppedAt = Date.now();
      // The container's cgroup goes with it: anything it left running is killed.
      try { process.kill(-proc.pid!, "SIGKILL"); } catch { /* none */ }
      c.changed();
      this.onChange();
      if (c.def.essential !== false && !this.stopping) void this.stop();
      this.schedule();
    });
    if (c.def.healthCheck) this.watchHealth(c);
    c.changed();
    this.schedule();
  }

  private watchHealth(c: Container): void {
    const hc = c.def.healthCheck!;
    const state = (c.health = new HealthState(hc, c.startedAt));
    // Docker runs the check in the container, as its user, with its environment.
    const argv = asUserOf(c.def, healthArgv(hc.command));
    const env = this.envOf(c.def);
    const probe = () => {
      if (c.state !== "RUNNING" || this.stopping) return;
      const p = this.fabric.spawn(argv, { ns: this.host.ns, env });
      p.stdout!.resume();
      p.stderr!.resume();
      const killer = setTimeout(() => { try { process.kill(-p.pid!, "SIGKILL"); } catch { /* gone */ } }, (hc.timeout ?? ECS_HEALTH_DEFAULTS.timeout) * 1000);
      p.on("exit", (code) => {
        clearTimeout(killer);
        const before = state.status;
        state.record(code === 0, Date.now());
        if (state.status !== before) { c.changed(); this.onChange(); this.schedule(); }
        this.healthTimers.set(c.def.name, setTimeout(probe, state.interval * 1000));
      });
    };
    this.healthTimers.set(c.def.name, setTimeout(probe, state.interval * 1000));
  }

  /** Tells a stand-in application how to behave (standin.js). */
  tell(container: string, message: Record<string, unknown>): void {
    this.container(container).proc?.stdin?.write(JSON.stringify(message) + "\n");
  }

  /** Tells every application container of the task (the stand-ins on its ports). */
  tellApps(message: Record<string, unknown>): void {
    for (const c of this.def.containers)
      if (c.image !== this.opts.envoyImage && !XRAY_IMAGE.test(c.image) && c.portMappings?.length) this.tell(c.name, message);
  }

  /**
   * Stops the task as ECS does: each container once every container that depends on it has
   * stopped; SIGTERM, then SIGKILL after its stopTimeout.
   */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.onChange();
    const dependents = (name: string) => [...this.containers.values()].filter((c) => (c.def.dependsOn ?? []).some((d) => d.containerName === name));
    const stopOne = async (c: Container): Promise<void> => {
      await Promise.all(dependents(c.def.name).map((d) => d.until(() => d.state !== "RUNNING", 600000, "dependent stops")));
      if (c.state !== "RUNNING") { c.state = "STOPPED"; return; }
      c.proc!.kill("SIGTERM");
      const timeout = (c.def.stopTimeout ?? this.opts.defaultStopTimeout ?? 30) * 1000;
      const kill = setTimeout(() => { try { process.kill(-c.proc!.pid!, "SIGKILL"); } catch { /* gone */ } }, timeout);
      await c.until(() => c.state === "STOPPED", timeout + 5000, "container stops");
      clearTimeout(kill);
    };
    this.stopping = Promise.all([...this.containers.values()].map(stopOne)).then(() => {
      for (const t of this.healthTimers.values()) clearTimeout(t);
      this.onChange();
    });
    return this.stopping;
  }

  get isStopping() { return this.stopping !== undefined; }

  /**
   * Envoy's counters and gauges in this task whose names match `filter` (a regular expression),
   * read from its admin interface on the task's loopback, as an operator would.
   */
  envoyStats(filter: string): Record<string, number> {
    const script = `require("http").get("http://127.0.0.1:${ENVOY_ADMIN_PORT}/stats?format=json&filter=" + encodeURIComponent(process.argv[1]), (r) => { let b = ""; r.on("data", (d) => (b += d)); r.on("end", () => process.stdout.write(b)); }).on("error", (e) => { console.error(e.message); process.exit(1); })`;
    const { stats } = JSON.parse(this.exec(process.execPath, ["-e", script, filter])) as { stats: { name: string; value?: number }[] };
    return Object.fromEntries(stats.filter((x) => typeof x.value === "number").map((x) => [x.name, x.value!]));
  }

  /** Runs a command in the task's namespace (as root), for probes from the test. */
  exec(cmd: string, args: string[]): string { return run("ip", ["netns", "exec", this.host.ns, cmd, ...args]); }
}
