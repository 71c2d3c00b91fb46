import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { documentsAtRevision, documentsFromFile } from "../../tools/base-plan";
import { diffPlans, hasChanges, PlanDiff, summaryLine } from "../../tools/diff";
import { diffMarkdown, diffText, markdownReport } from "../../tools/diff-format";
import { PlanDocument, toDocument } from "../../tools/plan-document";
import { onDataPlane, planOf } from "../components/plan-helpers";

const ENV = "fargate-mesh:environment";
const doc = async (stack: string, edit?: (c: any) => void) => toDocument(await planOf(stack, edit));
const changedNames = (d: PlanDiff) => d.changed.map((c) => `${c.resource.name}:${c.action}`).sort();

describe("plan diffs", () => {
  const base: Record<string, PlanDocument> = {};
  before(async () => { for (const s of ["dev", "staging", "prod"]) base[s] = await doc(s); });

  it("an unchanged tree shows no change", async () => {
    const d = diffPlans(base.dev, await doc("dev"));
    assert.equal(hasChanges(d), false);
    assert.equal(summaryLine(d), "Stack dev: no changes");
    assert.equal(diffText(d), "Stack dev: no changes");
  });

  it("a weight change in prod shows up in prod only, as one route line naming the callers that roll out", async () => {
    const edit = (c: any) => { c[ENV].routers.colors.routes["color-route"].targets = { green: 75, yellow: 25 }; };
    for (const s of ["dev", "staging"]) assert.equal(hasChanges(diffPlans(base[s], await doc(s))), false, s);
    const d = diffPlans(base.prod, await doc("prod", edit));
    assert.deepEqual(d.summary, ["route colors/color-route: green 100% → 75%, yellow 0% → 25%; rolls out to callers: blue, gateway"]);
    assert.equal(summaryLine(d), "Stack prod: 0 to add, 4 to change (2 replaced), 0 to remove");
    assert.deepEqual(changedNames(d), ["mesh-blue-service:update", "mesh-blue-task:replace", "mesh-gateway-service:update", "mesh-gateway-task:replace"]);
    // The bootstrap is compared as a document: the change reads as the two weights.
    const blue = d.changed.find((c) => c.resource.name === "mesh-blue-task")!;
    const vh = "containerDefinitions[envoy].command[2].static_resources.listeners[outbound].filter_chains[http-80].filters[envoy.filters.network.http_connection_manager].typed_config.route_config.virtual_hosts[colors-80]";
    assert.deepEqual(blue.changes.map((c) => [c.path, c.before, c.after]), [
      [`${vh}.routes[color-route].route.weighted_clusters.clusters[node-green-80].weight`, 100, 75],
      [`${vh}.routes[color-route].route.weighted_clusters.clusters[node-yellow-80].weight`, 0, 25],
    ]);
  });

  it("a weight change on the App Mesh data plane updates the route alone, in place", async () => {
    const appmesh = (c: any) => { c[ENV].dataPlane = "appmesh"; };
    const d = diffPlans(await doc("prod", appmesh), await doc("prod", (c) => { appmesh(c); c[ENV].routers.colors.routes["color-route"].targets = { green: 75, yellow: 25 }; }));
    assert.deepEqual(d.summary, ["route colors/color-route: green 100% → 75%, yellow 0% → 25%"]);
    assert.equal(summaryLine(d), "Stack prod: 0 to add, 1 to change, 0 to remove");
    assert.deepEqual(changedNames(d), ["mesh-appmesh-route-colors-color-route:update"]);
    assert.deepEqual(d.changed[0].changes.map((c) => [c.path, c.before, c.after]), [
      ["spec.httpRoute.action.weightedTargets[green].weight", 100, 75],
      ["spec.httpRoute.action.weightedTargets[yellow].weight", 0, 25],
    ]);
  });

  it("an image bump shows the task definition (replaced) and the service that follows it", async () => {
    const d = diffPlans(base.staging, await doc("staging", (c) => { c[ENV].services.yellow.containers.app.image = "forsakenidol/colorapp:1.4"; }));
    assert.deepEqual(d.summary, ["service yellow: image forsakenidol/colorapp:1.3 → forsakenidol/colorapp:1.4"]);
    assert.deepEqual(changedNames(d), ["mesh-yellow-service:update", "mesh-yellow-task:replace"]);
    const task = d.changed.find((c) => c.resource.name === "mesh-yellow-task")!;
    assert.deepEqual(task.changes, [{ path: "containerDefinitions[app].image", before: "forsakenidol/colorapp:1.3", after: "forsakenidol/colorapp:1.4" }]);
    assert.deepEqual(task.replacedBy, ["containerDefinitions[app].image"]);
    const service = d.changed.find((c) => c.resource.name === "mesh-yellow-service")!;
    assert.deepEqual(service.changes.map((c) => c.path), ["taskDefinition"]);
    assert.ok(diffText(d).includes(`± aws:ecs/taskDefinition:TaskDefinition  mesh-yellow-task: replace (every change forces it)\n      container app › image: ${task.changes[0].before} → ${task.changes[0].after}\n`), diffText(d));
  });

  it("an added service shows its new resources and the new permission to call it", async () => {
    const d = diffPlans(base.dev, await doc("dev", (c) => {
      const t = c["fargate-mesh:topology"];
      t.services.purple = JSON.parse(JSON.stringify(t.services.red));
      t.services.purple.containers.app.environment.COLOR = "purple";
      t.services.blue.backends = [...t.services.blue.backends, "purple"];
    }));
    const added = d.added.map((r) => r.name);
    for (const n of ["mesh-purple", "mesh-purple-task", "mesh-purple-service", "mesh-purple-sg",
      "mesh-namespace-purple", "mesh-in-purple-from-blue-80", "mesh-out-blue-to-purple-80"])
      assert.ok(added.includes(n), `${n} is added`);
    assert.ok(!added.some((n) => n.includes("appmesh") || n.endsWith("-task-policy")), "no App Mesh resource, no task policy");
    assert.equal(d.removed.length, 0);
    assert.deepEqual(d.summary, ["service blue: may now call purple.colors.local", "service purple: added (forsakenidol/colorapp:1.3)"]);
    // blue's Envoy learns the new backend from its bootstrap: a new task definition revision.
    assert.deepEqual(changedNames(d), ["mesh-blue-service:update", "mesh-blue-task:replace"]);
  });

  it("renders Markdown for a pull request with weights before and after and the topology", async () => {
    const head = await doc("prod", (c) => { c[ENV].routers.colors.routes["color-route"].targets = { green: 50, yellow: 50 }; });
    const text = diffMarkdown(diffPlans(base.prod, head), head);
    for (const line of [
      "### Stack `prod`",
      "**0 to add, 4 to change (2 replaced), 0 to remove**",
      "- route colors/color-route: green 100% → 50%, yellow 0% → 50%; rolls out to callers: blue, gateway",
      "| colors | color-route | green | 100% | 50% ⬅ |",
      "| colors | color-route | yellow | 0% | 50% ⬅ |",
      "```mermaid",
      "flowchart LR",
      "  clients([clients]) --> gw_colors_prod_gateway[[\"gateway colors-prod-gateway\"]]",
      "  gw_colors_prod_gateway -- \"/router\" --> vs_router_colors_local",
      "  gw_colors_prod_gateway -- \"/\" --> vs_blue_colors_local",
      "  vs_router_colors_local([\"router.colors.local\"]) --> router_colors{{\"router colors\"}}",
      "  router_colors -- \"color-route 50%\" --> node_green",
      "  router_colors -- \"color-route 50%\" --> node_yellow",
      "  vs_red_colors_local([\"red.colors.local\"]) --> node_red",
      "  node_blue -. calls .-> vs_red_colors_local",
      "  node_blue -. calls .-> vs_router_colors_local",
    ]) assert.ok(text.split("\n").includes(line), `missing line: ${line}\n---\n${text}`);
    assert.match(text, /\| ± \| `mesh-blue-task` \| `aws:ecs\/taskDefinition:TaskDefinition` \| replace \(every change forces it\):<br>envoy › listener outbound › [^|<]* › weights: green \d+ → 50, yellow \d+ → 50 \|/);
  });

  it("takes a saved JSON plan as the base", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fm-plan-")), "prod.json");
    fs.writeFileSync(file, JSON.stringify({ stacks: [base.prod] }));
    const [saved] = documentsFromFile(file);
    const d = diffPlans(saved, await doc("prod", (c) => { c[ENV].services.red.desiredCount = 3; }));
    assert.deepEqual(d.summary, ["service red: desired count 2 → 3"]);
    assert.deepEqual(changedNames(d), ["mesh-red-service:update"]);
  });

  it("plans a git revision in a scratch copy, and has no base for a stack that did not exist", async function () {
    this.timeout(60000);
    const [dev, none] = await documentsAtRevision("HEAD", [{ stack: "dev" }, { stack: "no-such-stack" }]);
    assert.equal(dev!.stack, "dev");
    assert.ok(dev!.resources.some((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === "mesh-blue-task"));
    assert.equal(none, undefined);
    const d = diffPlans(undefined, base.dev);
    assert.equal(d.added.length, base.dev.resources.length);
  });
});

/** A weight change of the test's own: the first route's first target gains 1, whatever the stack's weights are. */
function shiftFirstWeight(base: PlanDocument, plane?: string) {
  const router = base.mesh.routers[0];
  const route = router.routes[0];
  const targets = Object.fromEntries(route.targets.map((t, i) => [t.node, t.weight + (i === 0 ? 1 : 0)]));
  return (c: any) => {
    if (plane) onDataPlane(plane)(c);
    const env = (c[ENV] ??= {});
    const r = ((env.routers ??= {})[router.name] ??= {});
    ((r.routes ??= {})[route.name] ??= {}).targets = targets;
  };
}

/** The resource's lines in a text diff: its heading and the indented lines under it. */
function linesOf(text: string, resource: string): string[] {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => / {2}[~±] \S+ {2}(\S+):/.exec(l)?.[1] === resource);
  assert.ok(at >= 0, `${resource} in\n${text}`);
  const end = lines.findIndex((l, i) => i > at && !l.startsWith("      "));
  return lines.slice(at, end < 0 ? undefined : end);
}

describe("plan diffs, folded for reading", function () {
  this.timeout(60000);
  it("a weight change reads as one line per task definition, with each target's weights once, and --verbose gives the full paths", async () => {
    // GIVEN staging's plan and the same with one weight changed
    const base = await doc("staging");
    const d = diffPlans(base, await doc("staging", shiftFirstWeight(base)));
    const tasks = d.changed.filter((c) => c.resource.type === "aws:ecs/taskDefinition:TaskDefinition");
    assert.ok(tasks.length >= 1, "some caller's bootstrap holds the weights");
    // WHEN it is printed, folded and verbose
    const text = diffText(d);
    const verbose = diffText(d, { verbose: true });
    for (const t of tasks) {
      // THEN each task definition has one line for its route, naming every changed target by its service
      const [heading, ...body] = linesOf(text, t.resource.name);
      assert.equal(heading.endsWith(": replace (every change forces it)"), true, heading);
      assert.equal(body.length, 1, body.join("\n"));
      assert.doesNotMatch(body[0], /static_resources|containerDefinitions|typed_config/);
      assert.ok(body[0].length < 160, body[0]);
      for (const ch of t.changes) {
        const node = /clusters\[node-(.+)-\d+\]\.weight$/.exec(ch.path)![1];
        assert.ok(body[0].includes(`${node} ${ch.before} → ${ch.after}`), `${node} in ${body[0]}`);
      }
      // and --verbose prints each full path once, under a heading that lists none
      const full = linesOf(verbose, t.resource.name);
      for (const ch of t.changes) assert.equal(full.filter((l) => l.includes(ch.path)).length, 1, ch.path);
      assert.doesNotMatch(full[0], /\.weight/);
    }
    // Each weight appears once per resource that holds it, nowhere else in the resource lines.
    const ch0 = tasks[0].changes[0];
    const node = /clusters\[node-(.+)-\d+\]/.exec(ch0.path)![1];
    const holders = tasks.filter((t) => t.changes.some((c) => c.path.includes(`[node-${node}-`) && c.before === ch0.before && c.after === ch0.after));
    assert.equal(text.split(`${node} ${ch0.before} → ${ch0.after}`).length - 1, holders.length);
  });

  it("the Markdown table folds the same way, and prints each change once", async () => {
    const base = await doc("staging");
    const head = await doc("staging", shiftFirstWeight(base));
    const d = diffPlans(base, head);
    const text = diffMarkdown(d, head);
    for (const c of d.changed) {
      const row = text.split("\n").filter((l) => l.includes(`| \`${c.resource.name}\` |`));
      assert.equal(row.length, 1, c.resource.name);
      assert.doesNotMatch(row[0], /static_resources/);
      for (const ch of c.changes.filter((x) => typeof x.after === "number")) assert.equal(row[0].split(` ${ch.before} → ${ch.after}`).length - 1, 1, `${ch.path} once in ${row[0]}`);
    }
    const verbose = diffMarkdown(d, head, [], { verbose: true }).split("\n");
    for (const c of d.changed) {
      const row = verbose.find((l) => l.includes(`| \`${c.resource.name}\` |`))!;
      for (const ch of c.changes) assert.equal(row.split(`${ch.path}: `).length - 1, 1, ch.path);
    }
  });

  for (const plane of ["appmesh", "lattice"]) {
    it(`on the ${plane} data plane, a route's weights read as one line naming its targets`, async () => {
      const base = await doc("staging", (c) => onDataPlane(plane)(c));
      const d = diffPlans(base, await doc("staging", shiftFirstWeight(base, plane)));
      const targets = base.mesh.routers[0].routes[0].targets.map((t) => t.node);
      const routes = d.changed.filter((c) => c.changes.some((ch) => ch.path.endsWith(".weight")));
      assert.equal(routes.length, 1, "one resource holds the weights");
      const [, ...body] = linesOf(diffText(d), routes[0].resource.name);
      assert.equal(body.length, 1, body.join("\n"));
      assert.match(body[0], / › weights: /);
      // The changed targets by their names (Lattice lists its target groups by position only).
      const named = body[0].split(": ")[1].split(", ").map((x) => x.split(" ")[0]);
      assert.ok(named.every((n) => targets.includes(n)), `${named} are among ${targets}`);
    });
  }

  it("a saved plan's header names the stacks it holds and the command as run", () => {
    const report = markdownReport([], ["staging"], "npm run plan -- --stack staging --diff base.json --format markdown");
    assert.ok(report.includes("Computed without cloud credentials for stack `staging`: `npm run plan -- --stack staging --diff base.json --format markdown`."));
    assert.ok(markdownReport([], ["dev", "prod"], "x").includes("for stacks `dev`, `prod`:"));
  });
});
