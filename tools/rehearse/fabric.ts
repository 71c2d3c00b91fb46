/**
 * The rehearsal's network, made of network namespaces only: a fabric namespace holding a
 * bridge (the VPC), one namespace per task with its own address on it, and a DNS server (Cloud
 * Map). Nothing is added to the host's own network: no interface, route or rule, so traffic can
 * only reach addresses this fabric made. Every namespace is named after the process that made it;
 * `sweep` removes those of processes that are gone (a crash, a SIGKILL), and `destroy` everything
 * of this one, also on exit and on SIGINT or SIGTERM.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run, tryRun } from "./sys";

/** Namespaces of this tool are named fm<pid>-<name>. */
const PREFIX = "fm";
/**
 * RFC 2544's benchmarking range: never a real network's. Each fabric's bridge lives in its own
 * namespace, so fabrics (of this process or others) cannot see each other's addresses.
 */
const SUBNET = "198.18.0";
let made = 0;

const live: Set<Fabric> = new Set();
let hooked = false;

function hookExit() {
  if (hooked) return;
  hooked = true;
  process.on("exit", () => { for (const f of live) f.destroy(); });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(sig, () => { for (const f of live) f.destroy(); process.exit(130); });
}

const namespaces = (): string[] => run("ip", ["netns", "list"]).split("\n").map((l) => l.split(" ")[0]).filter(Boolean);
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === "EPERM"; } };

/** Kills every process in namespace `ns`, then removes it (and its /etc/netns folder). */
function removeNamespace(ns: string) {
  const pids = tryRun("ip", ["netns", "pids", ns]) ? run("ip", ["netns", "pids", ns]).split("\n").filter(Boolean) : [];
  for (const p of pids) { try { process.kill(Number(p), "SIGKILL"); } catch { /* gone */ } }
  tryRun("ip", ["netns", "del", ns]);
  fs.rmSync(path.join("/etc/netns", ns), { recursive: true, force: true });
}

/** Removes `dir` if it holds nothing but empty directories. */
function removeEmpty(dir: string): void {
  for (const e of fs.readdirSync(dir)) removeEmpty(path.join(dir, e));
  fs.rmdirSync(dir);
}

/** Removes what rehearsals of processes that no longer run left behind. */
export function sweep(): string[] {
  const stale = namespaces().filter((ns) => { const m = new RegExp(`^${PREFIX}(\\d+)x\\d+-`).exec(ns); return m && !alive(Number(m[1])); });
  stale.forEach(removeNamespace);
  return stale;
}

export interface Host { ns: string; ip: string; name: string }

export class Fabric {
  readonly id = `${PREFIX}${process.pid}x${made++}`;
  readonly subnet = SUBNET;
  /** The bridge's own address: the tasks' gateway and the DNS server. */
  readonly gatewayIp = `${this.subnet}.1`;
  private readonly fabricNs = `${this.id}-net`;
  private readonly made: string[] = [];
  private readonly processes = new Set<ChildProcess>();
  private next = 10;
  private dns?: { proc: ChildProcess; hostsDir: string; records: Map<string, string[]>; ttl: number };
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), `${this.id}-`));

  constructor() {
    hookExit();
    sweep();
    live.add(this);
    this.namespace(this.fabricNs);
    const ip = (...a: string[]) => run("ip", ["-n", this.fabricNs, ...a]);
    // A fixed MAC: a bridge otherwise takes its lowest port's, which changes as tasks join, and
    // every task's cached ARP entry for the gateway (and DNS) address goes stale.
    ip("link", "add", "br0", "address", "02:fa:f0:00:00:01", "type", "bridge");
    ip("addr", "add", `${this.gatewayIp}/24`, "dev", "br0");
    ip("link", "set", "br0", "up");
  }

  private namespace(ns: string) {
    run("ip", ["netns", "add", ns]);
    this.made.push(ns);
    run("ip", ["-n", ns, "link", "set", "lo", "up"]);
  }

  /** A new host (a task, a client) on the bridge, with its own address and the fabric's DNS. */
  host(name: string): Host {
    const n = this.next++;
    if (n > 250) throw new Error("the rehearsal's subnet holds at most 240 hosts");
    const ns = `${this.id}-${name}`.slice(0, 60);
    this.namespace(ns);
    const ip = `${this.subnet}.${n}`;
    // The veth pair is made inside the fabric, one end moved into the task: the host's network never sees it.
    run("ip", ["-n", this.fabricNs, "link", "add", `v${n}`, "type", "veth", "peer", "name", "eth0", "netns", ns]);
    run("ip", ["-n", this.fabricNs, "link", "set", `v${n}`, "master", "br0", "up"]);
    run("ip", ["-n", ns, "addr", "add", `${ip}/24`, "dev", "eth0"]);
    run("ip", ["-n", ns, "link", "set", "eth0", "up"]);
    run("ip", ["-n", ns, "route", "add", "default", "via", this.gatewayIp]);
    // `ip netns exec` mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf.
    fs.mkdirSync(path.join("/etc/netns", ns), { recursive: true });
    fs.writeFileSync(path.join("/etc/netns", ns, "resolv.conf"), `nameserver ${this.gatewayIp}\noptions timeout:1 attempts:2\n`);
    fs.writeFileSync(path.join("/etc/netns", ns, "hosts"), `127.0.0.1 localhost\n${ip} ${name}\n`);
    return { ns, ip, name };
  }

  /** Starts a process (tracked: killed on destroy). */
  spawn(argv: string[], opts: { env?: Record<string, string>; ns?: string } = {}): ChildProcess {
    const full = opts.ns ? ["ip", "netns", "exec", opts.ns, ...argv] : argv;
    const p = spawn(full[0], full.slice(1), { env: opts.env ?? { PATH: process.env.PATH ?? "/usr/bin:/bin" }, stdio: ["pipe", "pipe", "pipe"], detached: true });
    // Tracked while it runs, so a long rehearsal does not keep every health probe it ever ran.
    this.processes.add(p);
    p.on("exit", () => this.processes.delete(p));
    return p;
  }

  /**
   * Cloud Map: a DNS server on the bridge answering each name with the addresses registered for
   * it. dnsmasq watches a folder of hosts files (inotify) and rereads one when it is replaced, so
   * a change needs no signal and none can arrive before dnsmasq is ready.
   */
  startDns(ttl: number, domains: string[]): void {
    const hostsDir = path.join(this.dir, "cloudmap");
    fs.mkdirSync(hostsDir);
    const proc = this.spawn(["dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--bind-interfaces",
      `--listen-address=${this.gatewayIp}`, `--hostsdir=${hostsDir}`, `--local-ttl=${ttl}`,
      // Authoritative for the namespace: a name with no healthy task is NXDOMAIN at once, as in Route 53.
      ...domains.map((d) => `--local=/${d}/`),
      "--user=root", "--pid-file=", "--log-facility=-", ...(process.env.FARGATE_MESH_DNS_LOG ? ["--log-queries"] : [])], { ns: this.fabricNs });
    // Read, or dnsmasq blocks on a full pipe and stops answering; the tail is kept for diagnosis.
    const keep = (d: Buffer) => { this.dnsLog = (this.dnsLog + d.toString()).slice(-20000); };
    proc.stdout!.on("data", keep);
    proc.stderr!.on("data", keep);
    proc.on("exit", (code, signal) => keep(Buffer.from(`dnsmasq exited: ${code ?? signal}\n`)));
    this.dns = { proc, hostsDir, records: new Map(), ttl };
  }

  /** Sets the addresses `name` resolves to (MULTIVALUE: all of them), as Cloud Map would. */
  setRecords(name: string, ips: string[]): void {
    const dns = this.dns;
    if (!dns) throw new Error("startDns first");
    if (!live.has(this)) return; // destroyed: the last processes' exits change nothing
    if (ips.length) dns.records.set(name, ips); else dns.records.delete(name);
    const tmp = path.join(this.dir, "cloudmap.tmp");
    fs.writeFileSync(tmp, [...dns.records].flatMap(([n, list]) => list.map((ip) => `${ip} ${n}`)).join("\n") + "\n");
    fs.renameSync(tmp, path.join(dns.hostsDir, "records"));
  }

  /** What the DNS server logged (the tail). */
  dnsLog = "";

  records(name: string): string[] { return this.dns?.records.get(name) ?? []; }

  /** Host directories made to mount task volumes on (a container path the host lacks), removed on destroy. */
  private readonly mountDirs: string[] = [];

  /**
   * A place on the host where containers can mount a task volume at `containerPath`: made if the
   * host has none (each container's mount namespace binds its volume there; the host sees only
   * an empty directory, removed again when this fabric goes).
   */
  mountPoint(containerPath: string): void {
    let top: string | undefined;
    for (let p = containerPath; p !== path.dirname(p) && !fs.existsSync(p); p = path.dirname(p)) top = p;
    if (!top) return;
    fs.mkdirSync(containerPath, { recursive: true, mode: 0o755 });
    this.mountDirs.push(top);
  }

  /** Removes every namespace and process this fabric made. Idempotent; synchronous, so it runs on exit too. */
  destroy(): void {
    if (!live.has(this)) return;
    live.delete(this);
    for (const p of this.processes) if (p.pid && p.exitCode === null) { try { process.kill(-p.pid, "SIGKILL"); } catch { /* gone */ } }
    for (const ns of [...this.made].reverse()) removeNamespace(ns);
    fs.rmSync(this.dir, { recursive: true, force: true });
    // Only empty directories: another rehearsal's mount point is left alone.
    for (const d of this.mountDirs) { try { removeEmpty(d); } catch { /* in use or gone */ } }
  }
}
