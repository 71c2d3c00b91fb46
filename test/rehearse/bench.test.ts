/**
 * The data plane's bench (tools/bench-envoy.ts) at a tiny size: it measures nothing here (no
 * timed assertion), it shows that each piece works. The hop carries requests on each of its
 * paths, through no Envoy, the minimal pair and the generated pair (Envoy's own counters say so);
 * the startup piece times a rehearsal and reads its Envoys' memory; everything is removed after.
 * Needs Linux and root, as the rehearsal does; elsewhere it fails saying so.
 */
import { strict as assert } from "assert";
import { run, rehearsalUnavailable } from "../../tools/rehearse/sys";
import { HopBench, PathReport } from "../../tools/bench-envoy/hop";
import { minimalCaller, minimalTarget } from "../../tools/bench-envoy/minimal";
import { startup } from "../../tools/bench-envoy/startup";
import { ABLATIONS, benchTask, GENERATED, without, withoutRetries } from "../../tools/bench-envoy/variants";
import { envoyBenchOptions, hopTable } from "../../tools/bench-envoy";
import { validateBootstrap } from "../../tools/envoy/validate";
import { plannedServices } from "../../tools/rehearse/mesh";
import type { Plan } from "../../tools/plan-core";
import { planOf } from "../components/plan-helpers";

const mine = () => run("ip", ["netns", "list"]).split("\n").filter((l) => l.startsWith(`fm${process.pid}x`));

function needsRehearsal() {
  const why = rehearsalUnavailable();
  if (why) throw new Error(`the bench runs Envoy in network namespaces: ${why}`);
}

describe("the data plane's bench: its pieces, without timing", () => {
  it("the variants take out only what they name, and the bench's tasks start their applications with Envoy", async () => {
    // GIVEN the staging plan's blue task
    const plan = await planOf("staging");
    const blue = plannedServices(plan).find((s) => s.key === "blue")!.task;
    // WHEN it is prepared for the bench, unchanged and with all five settings taken out
    const generated = benchTask(blue, GENERATED, plan.model.envoy.image);
    const stripped = benchTask(blue, ABLATIONS.find((v) => v.name === "stripped")!, plan.model.envoy.image);
    // THEN no container waits for HEALTHY, the generated bootstrap is the plan's, and the stripped one lacks exactly those keys
    assert.deepEqual(generated.containers.flatMap((c) => c.dependsOn ?? []).filter((d) => d.condition === "HEALTHY"), []);
    const bootstrap = (t: typeof blue) => t.containers.find((c) => c.name === "envoy")!.command!.find((a) => a.startsWith("{"))!;
    assert.equal(bootstrap(generated), bootstrap(blue));
    const text = bootstrap(stripped);
    for (const key of ["access_log", "health_checks", "outlier_detection", "retry_policy", "overload_manager"]) assert.ok(!text.includes(`"${key}"`), key);
    assert.ok(text.includes('"connect_timeout"'), "connect timeouts stay");
    assert.deepEqual(without({ a: [{ b: 1, c: 2 }], c: 3 }, ["c"]), { a: [{ b: 1 }] });
    assert.deepEqual(withoutRetries({ route: { cluster: "x", timeout: "15s", retry_policy: {} }, timeout: "2s" }), { route: { cluster: "x" }, timeout: "2s" });
  });

  it("the minimal pair loads in Envoy, which warns only that it sets no connection limit", async () => {
    for (const b of [minimalCaller(15001, "198.18.0.9", 80), minimalTarget(15000, 80)]) {
      const v = await validateBootstrap(process.env.FARGATE_MESH_ENVOY!, b);
      assert.deepEqual(v.problems.filter((p) => !/no configured limit to the number of allowed active downstream connections/.test(p)), []);
    }
  });

  it("the verdict says whether the generated configuration is within 10% of the minimal pair", () => {
    const row = (name: string, p50: number, p99: number): PathReport =>
      ({ name, label: name, rounds: [], rps: 1, p50, p99, cpuUs: 1, vsMinimal: { rps: 1, p50, p99, cpuUs: 1 }, throughEnvoys: [1, 1], memory: [] });
    const o = envoyBenchOptions({});
    assert.match(hopTable("s", [row("minimal", 1, 1), row("generated", 1.1, 1.09)], o), /at p50 and p99: met \(p50 ×1\.10, p99 ×1\.09\)\n$/);
    assert.match(hopTable("s", [row("minimal", 1, 1), row("generated", 1.05, 1.2)], o), /NOT met \(p50 ×1\.05, p99 ×1\.20\); BENCH_HOP_VARIANTS=1 measures/);
    assert.throws(() => envoyBenchOptions({ BENCH_HOP_ROUNDS: "0" }), /BENCH_HOP_ROUNDS=0: give a positive number/);
  });
});

describe("the data plane's bench at a tiny size, with real Envoy", function () {
  this.timeout(60_000);

  it("one hop carries requests on every path: none bypasses Envoy, the minimal and generated pairs cross both Envoys", async () => {
    needsRehearsal();
    const plan = await planOf("staging");
    // GIVEN the three paths of staging's blue → red hop, one round of 0.3 s each
    const hop = await new HopBench(plan, { envoy: process.env.FARGATE_MESH_ENVOY!, envoyImage: plan.model.envoy.image, concurrency: 2, seconds: 0.3, warmup: 0, rounds: 1 }).start();
    let reports: PathReport[];
    try { reports = await hop.measure(); } finally { hop.destroy(); }
    // THEN each path answered every recorded request with 200, with finite positive figures
    assert.deepEqual(reports.map((r) => r.name), ["none", "minimal", "generated"]);
    for (const r of reports) {
      const [x] = r.rounds;
      assert.ok(x.requests > 0 && x.statuses["200"] === x.requests && Object.keys(x.errors).length === 0, `${r.name}: ${JSON.stringify(x)}`);
      for (const v of [r.rps, r.p50, r.p99, r.vsMinimal.rps, r.vsMinimal.p50, r.vsMinimal.p99]) assert.ok(Number.isFinite(v) && v > 0, `${r.name}: ${v}`);
      assert.ok(r.p99 >= r.p50);
    }
    // AND no Envoy answered on the bare path, while on the others every answer came through Envoy
    // and each of the two Envoys sent at least the recorded requests upstream (its own counters)
    const [none, minimal, generated] = reports;
    assert.equal(none.rounds[0].viaEnvoy, 0);
    assert.deepEqual(none.throughEnvoys, []);
    assert.equal(none.cpuUs, 0);
    for (const r of [minimal, generated]) {
      assert.equal(r.rounds[0].viaEnvoy, r.rounds[0].requests, r.name);
      assert.equal(r.throughEnvoys.length, 2);
      for (const n of r.throughEnvoys) assert.ok(n >= r.rounds[0].requests, `${r.name}: ${r.throughEnvoys} < ${r.rounds[0].requests}`);
      assert.equal(r.memory.length, 2, `${r.name}: one Envoy process in each task`);
      assert.ok(Number.isFinite(r.cpuUs) && r.cpuUs > 0 && r.vsMinimal.cpuUs > 0, `${r.name}: Envoy CPU ${r.cpuUs} µs per request`);
      for (const m of r.memory) assert.ok(m.rssKiB > 0 && m.anonKiB > 0 && m.anonKiB <= m.rssKiB);
    }
    assert.deepEqual(mine(), []);
  });

  it("the startup piece times a rehearsal until HEALTHY and reads its Envoys' memory", async () => {
    needsRehearsal();
    // GIVEN staging's red alone, its health checks cut to the Envoy container's, probed every second
    // (the reference stacks wait out intervals of 5 s; their start is what `npm run bench` times)
    const quick = quickPlan(await planOf("staging"), "red");
    // WHEN the startup piece starts it
    const r = await startup(quick, { envoy: process.env.FARGATE_MESH_ENVOY!, envoyImage: quick.model.envoy.image });
    // THEN it reports one task, HEALTHY after its Envoy container was, and that Envoy's memory
    assert.equal(r.tasks, 1);
    assert.ok(Number.isFinite(r.seconds) && r.seconds > 0 && r.envoyHealthySeconds > 0 && r.envoyHealthySeconds <= r.seconds, JSON.stringify(r));
    assert.equal(r.memory.length, 1);
    assert.ok(r.memory[0].rssKiB > 0);
    assert.deepEqual(mine(), []);
  });
});

/** `plan` with only service `key`'s task (no gateway), whose only health check is the Envoy container's, every second. */
function quickPlan(plan: Plan, key: string): Plan {
  const owner = `mesh-${key}`;
  const keep = plan.resources.filter((r) => r.parent?.name === owner || r.type.startsWith("aws:servicediscovery/") && r.type !== "aws:servicediscovery/instance:Instance");
  const resources = keep.map((r) => {
    if (r.type !== "aws:ecs/taskDefinition:TaskDefinition") return r;
    const containers = (JSON.parse(String(r.inputs.containerDefinitions)) as { name: string; healthCheck?: object }[])
      .map((c) => (c.name === "envoy" ? { ...c, healthCheck: { ...c.healthCheck, interval: 1, startPeriod: 0 } } : { ...c, healthCheck: undefined }));
    return { ...r, inputs: { ...r.inputs, containerDefinitions: JSON.stringify(containers) } };
  });
  assert.equal(resources.filter((r) => r.type === "aws:ecs/service:Service").length, 1, `one ECS service of ${owner}`);
  return { ...plan, resources };
}
