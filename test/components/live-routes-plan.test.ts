/**
 * envoy.routeUpdates: live in the plan: a weight change touches AppConfig only (a new hosted
 * version and its deployment per caller of the router), never a task definition; in restart mode
 * it replaces the callers' task definitions as before. Expected changes are derived from the
 * model (the router's callers), never from the stack's literal weights.
 */
import { strict as assert } from "assert";
import { isDeepStrictEqual } from "util";
import { diffPlans } from "../../tools/diff";
import type { Plan } from "../../tools/plan-core";
import { toDocument } from "../../tools/plan-document";
import { at, issues, withChange } from "../helpers";
import { containers, named, ofType, planOf, policy } from "./plan-helpers";
import { checkPlan } from "../../tools/check-core";
import { turnWeights } from "../../tools/bench-routes";

const TOPO = "fargate-mesh:topology";
const live = (c: any) => { c[TOPO].envoy.routeUpdates = "live"; };
const changed = (a: Plan, b: Plan) => {
  const before = new Map(a.resources.map((r) => [`${r.type}::${r.name}`, r.inputs]));
  return b.resources.filter((r) => !isDeepStrictEqual(before.get(`${r.type}::${r.name}`), r.inputs));
};
/** The services (and gateway) whose Envoy holds some router's routes. */
const routerCallers = (p: Plan) => [...new Set(p.model.routers.flatMap((r) => [
  ...p.model.nodes.filter((n) => n.backendKeys.includes(r.key)).map((n) => n.key),
  ...(p.model.gateway?.targetKeys.includes(r.key) ? ["gateway"] : []),
]))].sort();

describe("envoy.routeUpdates: live, in the plan", () => {
  let prev: Plan;
  let next: Plan;
  before(async () => {
    prev = await planOf("staging", live);
    next = await planOf("staging", (c) => { live(c); turnWeights(c); });
  });

  it("a weight change replaces one hosted version and one deployment per caller's table, and no task definition", () => {
    const callers = routerCallers(prev);
    assert.ok(callers.length > 0);
    const diff = changed(prev, next);
    assert.deepEqual([...new Set(diff.map((r) => r.type))].sort(), ["aws:appconfig/deployment:Deployment", "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion"]);
    for (const c of callers) {
      assert.ok(diff.some((r) => r.type.endsWith("HostedConfigurationVersion") && r.name.startsWith(`mesh-routes-${c}-`)), `${c} gets a new version`);
      assert.ok(diff.some((r) => r.type.endsWith("Deployment") && r.name.startsWith(`mesh-routes-${c}-`)), `${c} gets a deployment`);
    }
    const d = diffPlans(toDocument(prev), toDocument(next));
    assert.ok(d.summary.some((l) => /applies live through AppConfig within about \d+ s, no restart/.test(l)), d.summary.join("\n"));
  });

  it("in restart mode the same change replaces the callers' task definitions, as before", async () => {
    const [a, b] = [await planOf("staging"), await planOf("staging", turnWeights)];
    const tds = changed(a, b).filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition").map((r) => r.name.replace(/^mesh-|-task$/g, "")).sort();
    assert.deepEqual(tds, routerCallers(a));
    assert.deepEqual(ofType(a, "aws:appconfig/application:Application"), []);
  });

  it("each caller's agent prefetches exactly its tables; its role reads exactly those configurations; the pack passes", async () => {
    for (const caller of routerCallers(prev)) {
      const td = named(prev, `mesh-${caller}-task`, "aws:ecs/taskDefinition:TaskDefinition");
      const defs = containers(td);
      const agent = defs.find((c) => c.name === "appconfig-agent");
      const envoy = defs.find((c) => c.name === "envoy");
      const prefetch = agent.environment.find((e: any) => e.name === "PREFETCH_LIST").value.split(",");
      const tables = envoy.environment.find((e: any) => e.name === "ROUTE_TABLES").value.split(" ").map((t: string) => t.split("=")[1]);
      assert.deepEqual(prefetch, tables, caller);
      // As Envoy's UID, so that interception lets the agent's own calls to AppConfig out.
      assert.equal(agent.user, String(prev.model.envoy.uid), caller);
      const profiles = ofType(prev, "aws:appconfig/configurationProfile:ConfigurationProfile").filter((p) => p.name.startsWith(`mesh-routes-${caller}-`));
      assert.equal(profiles.length, tables.length, `${caller}: a profile per table`);
      const grant = policy(named(prev, `mesh-${caller}-task-policy`)).Statement.find((s: any) => s.Sid === "ReadOwnRouteTables");
      assert.deepEqual(grant.Resource.map((r: string) => /configurationProfileId|configuration\/\{unknown:([^.]+)\./.exec(r)![1]).sort(), profiles.map((p) => p.name).sort());
    }
    assert.deepEqual((await checkPlan(prev)).findings.filter((f) => f.level === "mandatory"), []);
  });

  it("is refused on the other data planes, with its path", () => {
    for (const plane of ["appmesh", "lattice"])
      assert.deepEqual(at(issues(withChange("staging", (t) => { t.dataPlane = plane; t.envoy.routeUpdates = "live"; if (plane === "appmesh") t.envoy.appMeshVersion = "v1.29.12.1"; })), "envoy.routeUpdates"),
        [`applies to the envoy data plane only; ${plane} updates routes in place without restarts already: remove it`]);
  });
});
