/**
 * A rehearsal: a plan's data plane running (mesh.ts), plus the NLB in front of the gateway and
 * a way to send requests from the internet's side or from any service's task, and to count
 * where they went. The NLB is a port forward in a client namespace: its listener port on the
 * NLB's address goes to the HEALTHY gateway tasks' target port, each connection to one of them.
 */
import { spawn } from "child_process";
import * as path from "path";
import type { Plan } from "../plan-core";
import type { Host } from "./fabric";
import { MeshRun, MeshRunOptions } from "./mesh";
import { STANDIN } from "./task";
import { run } from "./sys";

const LOAD = path.join(__dirname, "load.js");

export interface Observed {
  /** Answers per service (null: answered by Envoy itself, such as a 404 without a route). */
  byService: Record<string, number>;
  byTask: Record<string, number>;
  byStatus: Record<string, number>;
  /** Connection errors by code (ECONNREFUSED, ECONNRESET, ...). */
  errors: Record<string, number>;
  total: number;
  /** What the applications received, per answer (stand-ins echo the path and the headers). */
  seen: { status: number; service: string | null; path?: string; headers?: Record<string, string> }[];
}

export interface RequestOptions {
  /** Start requests at this rate instead of as fast as answers come. */
  rps?: number;
  /** For https: the CA that signed the server's certificate, and the name to ask for (SNI). */
  caFile?: string;
  servername?: string;
  /** HTTP/2 without TLS (prior knowledge), as gRPC clients speak. */
  h2?: boolean;
}

export class Rehearsal {
  readonly mesh: MeshRun;
  client?: Host;
  /** The address and port the NLB answers on (inside the rehearsal's network). */
  nlb?: { ip: string; port: number; targetPort: number; tls: boolean };

  constructor(readonly plan: Plan, opts: MeshRunOptions) {
    this.mesh = new MeshRun(plan, opts);
  }

  /** Starts every task and waits until all are HEALTHY, then opens the NLB to the gateway. */
  async start(healthyWithin = 120_000): Promise<this> {
    this.mesh.start();
    try {
      await this.mesh.healthy(healthyWithin);
      this.openNlb();
    } catch (e) { this.destroy(); throw e; }
    return this;
  }

  private openNlb(): void {
    const listener = this.plan.resources.find((r) => r.type === "aws:lb/listener:Listener");
    const group = this.plan.resources.find((r) => r.type === "aws:lb/targetGroup:TargetGroup");
    this.client = this.mesh.nlbHost("client");
    if (!listener || !group) return;
    const ip = `${this.mesh.fabric.subnet}.2`;
    const port = Number(listener.inputs.port), targetPort = Number(group.inputs.port);
    const targets = this.mesh.tasksOf("gateway").filter((t) => t.health === "HEALTHY");
    // One target per connection, evenly: the k-th rule takes 1/(n-k) of what the earlier ones left.
    targets.forEach((t, k) => {
      const share = k === targets.length - 1 ? [] : ["-m", "statistic", "--mode", "random", "--probability", (1 / (targets.length - k)).toFixed(5)];
      run("ip", ["netns", "exec", this.client!.ns, "iptables", "-w", "-t", "nat", "-A", "OUTPUT", "-d", ip, "-p", "tcp", "--dport", String(port), ...share, "-j", "DNAT", "--to-destination", `${t.ip}:${targetPort}`]);
    });
    // TCP passes TLS through: the gateway's listener terminates it where the plan says so.
    const tls = this.plan.model.gateway?.listeners.some((l) => l.port === targetPort && l.tls !== undefined) ?? false;
    this.nlb = { ip, port, targetPort, tls };
  }

  /**
   * Sends `count` requests. `from` is `gateway` (through the NLB, with a path) or a service key
   * (from one of its tasks' namespaces, as its application would: intercepted by its Envoy).
   */
  request(from: string, method: string, target: string, count: number, headers: Record<string, string> = {}, opts: RequestOptions = {}): Promise<Observed> {
    let ns: string, url: string, proxy: string | undefined;
    if (from === "gateway") {
      if (!this.nlb || !this.client) throw new Error(`${this.plan.stack} has no gateway behind an NLB`);
      ns = this.client.ns;
      url = target.startsWith("/") ? `${this.nlb.tls ? "https" : "http"}://${this.nlb.ip}:${this.nlb.port}${target}` : target;
    } else {
      const task = this.mesh.tasksOf(from).find((t) => !t.isStopping);
      if (!task) throw new Error(`no running task of service ${from}; services: ${this.mesh.services.map((s) => s.key).join(", ")}`);
      if (target.startsWith("/")) throw new Error(`from a service, give a URL ("GET http://red.colors.local/"), not a path`);
      ns = task.host.ns;
      url = target;
      // Proxy interception: the application sends to the HTTP_PROXY its container was given.
      proxy = task.def.containers.flatMap((c) => c.environment ?? []).find((e) => e.name === "HTTP_PROXY")?.value;
    }
    const args = [process.execPath, LOAD, method, url, String(count), ...Object.entries(headers).map(([k, v]) => `${k}:${v}`)];
    return new Promise((resolve, reject) => {
      const env = { ...process.env, ...(opts.rps ? { LOAD_RPS: String(opts.rps) } : {}), ...(opts.caFile ? { LOAD_CA_FILE: opts.caFile } : {}), ...(opts.servername ? { LOAD_SERVERNAME: opts.servername } : {}),
        ...(opts.h2 ? { LOAD_H2: "1" } : {}), ...(proxy && !opts.h2 ? { LOAD_PROXY: proxy } : {}) };
      const p = spawn("ip", ["netns", "exec", ns, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
      let out = "", err = "";
      p.stdout.on("data", (d) => (out += d));
      p.stderr.on("data", (d) => (err += d));
      p.on("exit", (code) => {
        if (code !== 0) { reject(new Error(`requests from ${from} failed: ${err.trim()}`)); return; }
        const { results, errors } = JSON.parse(out) as { results: (Observed["seen"][number] & { task: string | null })[]; errors: Record<string, number> };
        const tally = (key: (r: (typeof results)[number]) => string) => results.reduce<Record<string, number>>((acc, r) => ({ ...acc, [key(r)]: (acc[key(r)] ?? 0) + 1 }), {});
        resolve({
          byService: tally((r) => (r.status < 400 && r.service ? r.service : `(${r.status})`)),
          byTask: tally((r) => r.task ?? `(${r.status})`), byStatus: tally((r) => String(r.status)),
          errors, total: results.length + Object.values(errors).reduce((a, b) => a + b, 0),
          seen: results.map(({ status, service, path, headers }) => ({ status, service, path, headers })),
        });
      });
    });
  }

  /**
   * A host outside the mesh (the internet, an AWS API) answering HTTP on `port` as the service
   * `name`, behind no security group. Its address is the rehearsal's own.
   */
  outside(name: string, port: number): Host {
    const h = this.mesh.fabric.host(name);
    this.mesh.fabric.spawn([process.execPath, STANDIN], { ns: h.ns, env: { PATH: process.env.PATH ?? "", STANDIN_SERVICE: name, STANDIN_TASK: `${name}/0`, STANDIN_PORTS: `${port}/http` } });
    return h;
  }

  async stop(): Promise<void> { await this.mesh.stop(); }
  destroy(): void { this.mesh.destroy(); }
}
