/**
 * Every task of every reference stack, started for real as ECS runs it (tools/rehearse/): its
 * own network namespace with ECS's interception rules, the real Envoy with the task
 * definition's command, environment and user, stand-in applications on the app ports, health
 * checks run with the task definition's own command, interval, timeout, retries and start
 * period, and ECS's stop order. Needs Linux and root, as CI has; elsewhere it fails saying so.
 *
 * Bounds (stated, not tuned): a task is HEALTHY within 90 s of starting; an application that
 * fails turns its lifecycle container UNHEALTHY within Envoy's detection (unhealthyThreshold ×
 * interval + timeout) plus ECS's (retries × interval + timeout), plus 3 s for a loaded machine.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import { listStacks } from "../../stacks/files";
import { plan } from "../../tools/plan-core";
import type { Plan } from "../../tools/plan-core";
import { MeshRun } from "../../tools/rehearse/mesh";
import { rehearsalUnavailable } from "../../tools/rehearse/sys";
import type { TaskRun } from "../../tools/rehearse/task";
import { LIFECYCLE_CONTAINER } from "../../components/dataplanes/envoy/sidecar";

/** The project's own stacks, whatever they hold: each check below is a property of any stack. */
const STACKS = listStacks();
const HEALTHY_WITHIN = 90_000;

/**
 * GET `path` on `ip`:`port` from inside task `t`'s namespace, with bash as the images have it:
 * [status, body, what was tried]; status 0 (and the attempt as body) when nothing answered. As root by default, so a call
 * to another task is intercepted like an application's; `uid` 1337 goes around interception.
 */
export function httpInTask(t: TaskRun, port: number, path = "/", opts: { ip?: string; uid?: number; seconds?: number } = {}): Promise<[number, string, string]> {
  const ip = opts.ip ?? "127.0.0.1";
  return new Promise((resolve) => {
    const script = `exec 3<>/dev/tcp/${ip}/${port} || exit 7; printf 'GET ${path} HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3; timeout ${opts.seconds ?? 20} cat <&3`;
    const user = opts.uid === undefined ? [] : ["setpriv", `--reuid=${opts.uid}`, `--regid=${opts.uid}`, "--clear-groups"];
    const p = spawn("ip", ["netns", "exec", t.host.ns, ...user, "bash", "-c", script]);
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("exit", (code) => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(out)?.[1] ?? 0);
      const how = `${t.name} -> ${ip}:${port}${path}: exit ${code} ${out}`;
      resolve([status, status ? out.slice(out.indexOf("\r\n\r\n") + 4) : how, how]);
    });
  });
}

/** GET / on ip:port from task `from`, as Envoy's UID (not intercepted there). */
const httpFrom = (from: TaskRun, ip: string, port: number) => httpInTask(from, port, "/", { ip, uid: 1337, seconds: 5 });

/** A service that calls another service directly, and that backend: the pair traffic is checked on. */
function callerAndBackend(m: MeshRun) {
  const nodes = m.plan.model.nodes;
  const caller = nodes.find((n) => n.listeners.length && n.backendKeys.some((k) => nodes.some((x) => x.key === k)))!;
  const backend = nodes.find((n) => caller.backendKeys.includes(n.key))!;
  const url = `http://${m.services.find((s) => s.key === backend.key)!.dnsName!}:${backend.listeners[0].port}/`;
  return { caller, backend, url };
}

/** What the network looks like from a task, for a failure's message. */
function diagnose(m: MeshRun, t: TaskRun, url: string): string {
  const host = new URL(url).hostname;
  const sh = (c: string) => { try { return t.exec("bash", ["-c", c]); } catch (e) { return String(e); } };
  return [`records of ${host}: ${m.fabric.records(host).join(", ")}`, `dnsmasq: ${m.fabric.dnsLog.slice(-1500)}`, sh(`getent hosts ${host}; cat /etc/resolv.conf; ip route; iptables -t nat -S`)].join("\n");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("every task of every reference stack, run as ECS runs it, with real Envoy", function () {
  this.timeout(240_000);
  const runs = new Map<string, MeshRun>();
  const plans = new Map<string, Plan>();

  before(async () => {
    const why = rehearsalUnavailable();
    if (why) throw new Error(`these tests run Envoy in network namespaces: ${why}`);
    for (const s of STACKS) {
      const r = await plan({ stack: s });
      assert.ok(r.ok);
      plans.set(s, r.plan);
    }
    // All stacks at once: Envoys start in parallel, and the waits overlap.
    for (const s of STACKS) {
      const p = plans.get(s)!;
      runs.set(s, new MeshRun(p, { envoy: process.env.FARGATE_MESH_ENVOY!, envoyImage: p.model.envoy.image, count: (svc) => svc.desiredCount }).start());
    }
    await Promise.all([...runs.values()].map((m) => m.healthy(HEALTHY_WITHIN)));
  });

  after(() => { for (const m of runs.values()) m.destroy(); });

  for (const stack of STACKS) {
    it(`${stack}: every task reaches HEALTHY under its own health checks, applications only after Envoy`, () => {
      const m = runs.get(stack)!;
      assert.equal(m.tasks.length, m.services.reduce((n, s) => n + s.desiredCount, 0), "the desired count of every service, the gateway's too");
      for (const t of m.tasks) {
        assert.equal(t.health, "HEALTHY", t.name);
        const envoy = t.container("envoy");
        const healthyAt = envoy.health!.transitions.find((x) => x.status === "HEALTHY")!.at;
        for (const c of t.containers.values()) {
          if (c.def.healthCheck) assert.equal(c.status, "HEALTHY", `${t.name} ${c.def.name}`);
          if ((c.def.dependsOn ?? []).some((d) => d.containerName === "envoy" && d.condition === "HEALTHY"))
            assert.ok(c.startedAt >= healthyAt, `${t.name} ${c.def.name} started after Envoy was HEALTHY`);
        }
      }
    });
  }

  it("requests cross the mesh: an application's call leaves its task through interception and reaches its backend", async () => {
    for (const stack of STACKS) {
      const m = runs.get(stack)!;
      const { caller, backend, url } = callerAndBackend(m);
      const [status, body] = await httpInTask(m.tasksOf(caller.key)[0], caller.listeners[0].port, `/call?url=${url}`);
      assert.equal(status, 200, `${body}\n${diagnose(m, m.tasksOf(caller.key)[0], url)}`);
      const via = JSON.parse(body).via;
      assert.equal(via.status, 200, body);
      assert.equal(via.body.service, backend.key);
      assert.equal(via.headers.server, "envoy", "answered through the backend's Envoy");
    }
  });

  it("a failing application turns its lifecycle container UNHEALTHY within the stated bound, whether it answers 500 or stops", async () => {
    const checks: Promise<void>[] = [];
    for (const stack of STACKS) {
      const m = runs.get(stack)!;
      // Not the pair whose traffic is checked during the drain below.
      const { caller, backend } = callerAndBackend(m);
      const victims = m.plan.model.nodes.filter((n) => n.listeners.length && n !== caller && n !== backend).slice(0, 2);
      assert.ok(victims.length >= 1, `${stack} has a service to fail`);
      victims.forEach((node, i) => {
        const t = m.tasksOf(node.key)[0];
        const lifecycle = t.container(LIFECYCLE_CONTAINER);
        const hc = node.listeners[0].healthCheck;
        const ecs = lifecycle.def.healthCheck!;
        const bound = hc.unhealthyThreshold * hc.intervalMillis + hc.timeoutMillis + (ecs.retries! * ecs.interval! + ecs.timeout!) * 1000 + 3000;
        const start = Date.now();
        t.tell("app", i === 0 ? { status: 500 } : { stop: true });
        checks.push(lifecycle.until(() => lifecycle.status === "UNHEALTHY", bound, `${stack} ${t.name} UNHEALTHY`).then(() => {
          assert.ok(Date.now() - start <= bound);
          assert.equal(t.health, "UNHEALTHY", "the lifecycle container is essential: the task is unhealthy");
          assert.ok(!m.fabric.records(m.services.find((s) => s.key === node.key)!.dnsName!).includes(t.ip), "and leaves Cloud Map");
        }));
      });
    }
    await Promise.all(checks);
  });

  it("stopping drains the inbound listeners exactly once, in ECS's order, while outbound calls keep flowing", async () => {
    const stops: Promise<void>[] = [];
    const calls: Promise<[number, string, string]>[] = [];
    for (const stack of STACKS) {
      const m = runs.get(stack)!;
      const { caller, url } = callerAndBackend(m);
      const draining = m.tasksOf(caller.key)[0];
      const others = m.tasks.filter((t) => t !== draining);
      // The caller drains first, alone: its backend stays up, so its outbound calls must succeed throughout.
      stops.push((async () => {
        const neighbour = others.find((t) => t.def.service !== caller.key)!;
        // Up to three tries: on a loaded machine a first connection is now and then closed
        // unanswered (not understood yet; README, known gaps); the drain assertions below are exact.
        let [before, , how] = await httpFrom(neighbour, draining.ip, caller.listeners[0].port);
        for (let i = 0; i < 2 && before !== 200; i++) {
          process.stderr.write(`  (retrying ${how.trim()})\n`);
          await sleep(500);
          [before, , how] = await httpFrom(neighbour, draining.ip, caller.listeners[0].port);
        }
        if (before !== 200) {
          const [, stats] = await httpInTask(draining, 9901, "/stats?filter=(no_filter_chain|overload|downstream_cx_total|downstream_cx_destroy|rq_total|upstream_cx_connect_fail)");
          assert.fail(`reachable before it stops: ${how}\n${stats}\n${draining.container("envoy").log.slice(-4000)}\n${draining.container("app").log.slice(-1000)}`);
        }
        // An application that finishes its work for 5 s after SIGTERM: no new caller may reach it meanwhile.
        draining.tell("app", { stopDelayMs: 5000 });
        const stopped = draining.stop();
        const drainSeconds = Number(draining.container(LIFECYCLE_CONTAINER).def.environment!.find((e) => e.name === "LISTENER_DRAIN_WAIT_TIME_S")!.value);
        for (let i = 0; i < 5; i++) {
          await sleep((drainSeconds * 1000) / 6);
          calls.push(httpInTask(draining, caller.listeners[0].port, `/call?url=${url}`));
        }
        const app = draining.container("app");
        await draining.container(LIFECYCLE_CONTAINER).until(() => app.state === "RUNNING" && draining.container(LIFECYCLE_CONTAINER).state === "STOPPED", 60_000, "drained");
        // The drain is over and the application still runs: Envoy has closed its inbound listener,
        // so a new caller is refused rather than sent to an application that is stopping.
        const reads: string[] = [];
        for (let i = 0; i < 5 && !/listener_stopped: 1\b/.test(reads.join()); i++) {
          const [code, body] = await httpInTask(draining, 9901, "/stats?filter=^listener_manager.listener_stopped$");
          reads.push(`${Date.now() - draining.container(LIFECYCLE_CONTAINER).stoppedAt} ms: ${code} ${body.trim()}`);
          if (!code) await sleep(200);
        }
        assert.match(reads.join("\n"), /listener_stopped: 1\b/, `${stack} ${draining.name}: its inbound listener stopped (${reads.join("; ")}; app ${app.state})`);
        const [refused] = await httpFrom(neighbour, draining.ip, caller.listeners[0].port);
        assert.equal(refused, 0, `${stack} ${draining.name}: a new connection to the draining task is refused`);
        await stopped;
        await Promise.all(others.map((t) => t.stop()));
      })());
    }
    await Promise.all(stops);
    for (const [status, body] of await Promise.all(calls)) {
      assert.equal(status, 200, body);
      assert.equal(JSON.parse(body).via.status, 200, `an outbound call during the drain: ${body}`);
    }
    for (const stack of STACKS)
      for (const t of runs.get(stack)!.tasks) {
        const c = (n: string) => t.containers.get(n);
        const logs = [...t.containers.values()].map((x) => x.log).join("\n");
        assert.equal(logs.match(/fargate-mesh: draining inbound listeners/g)?.length, 1, `${stack} ${t.name} drained once:\n${logs.slice(-1500)}`);
        const envoy = c("envoy")!;
        const lifecycle = c(LIFECYCLE_CONTAINER);
        if (lifecycle) {
          // ECS's order: the lifecycle container (nothing depends on it) first, the application, then Envoy.
          assert.ok(lifecycle.stoppedAt <= c("app")!.stoppedAt && c("app")!.stoppedAt <= envoy.stoppedAt, `${t.name} stop order`);
          assert.match(envoy.log, /fargate-mesh: drained already, stopping Envoy/);
        }
        assert.notEqual(envoy.exitCode, 128, `${t.name} Envoy exited on its own, before any SIGKILL`);
      }
  });
});
