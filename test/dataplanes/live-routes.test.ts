/**
 * envoy.routeUpdates: live, the pure renderer: which route tables leave the bootstrap, what the
 * files hold, and what the Envoy container gets. A weight change must change the files only,
 * never the bootstrap (which is the task definition). Real Envoy loads and reloads them in
 * test/rehearse/live-routes.test.ts.
 */
import { strict as assert } from "assert";
import { gatewayBootstrap, sidecarBootstrap } from "../../components/dataplanes/envoy/bootstrap";
import { carriesWeights, liveRoutes, ROUTE_CONFIGURATION, routeFile, ROUTES_DIR } from "../../components/dataplanes/envoy/live-routes";
import { liveTask } from "../../components/dataplanes/envoy/live-task";
import { AGENT_CONTAINER, loadedStat, ROUTES_INIT_CONTAINER } from "../../components/dataplanes/envoy/route-relay";
import { envoyGateway, envoySidecar, LIVE_ENVOY_WRAPPER } from "../../components/dataplanes/envoy/sidecar";
import type { MeshModel } from "../../model/types";
import { model, withChange } from "../helpers";

const LOG = { group: "g", region: "us-east-1" };
const liveModel = (stack: string, edit: (t: any, e: any) => void = () => {}) => model(withChange(stack, (t, e) => { t.envoy.routeUpdates = "live"; edit(t, e); }));
/** Every route of every router with new weights, whatever they were. */
const reweigh = (t: any, e: any) => {
  delete e.routers;
  for (const r of Object.values<any>(t.routers)) for (const route of Object.values<any>(r.routes)) for (const k of Object.keys(route.targets)) route.targets[k] = 7;
};
const hcms = (b: any) => b.static_resources.listeners.flatMap((l: any) => l.filter_chains.flatMap((c: any) => c.filters)).filter((f: any) => f.name === "envoy.filters.network.http_connection_manager").map((f: any) => f.typed_config);
const callers = (m: MeshModel) => [...m.nodes.filter((n) => n.backendKeys.length).map((n) => ({ key: n.key, bootstrap: sidecarBootstrap(m, n.key) })), ...(m.gateway ? [{ key: "gateway", bootstrap: gatewayBootstrap(m) }] : [])];

describe("envoy.routeUpdates: live, rendered", () => {
  for (const stack of ["dev", "staging", "prod"])
    it(`${stack}: weighted tables (outbound, gateway listeners) load from files in ${ROUTES_DIR}; the rest stay inline; every file's clusters are the bootstrap's`, () => {
      const m = liveModel(stack);
      for (const { key, bootstrap } of callers(m)) {
        const { bootstrap: b, tables } = liveRoutes(bootstrap, carriesWeights) as { bootstrap: any; tables: ReturnType<typeof liveRoutes>["tables"] };
        for (const h of hcms(b)) {
          const name = h.stat_prefix;
          if (carriesWeights(name)) {
            assert.equal(h.route_config, undefined, `${key} ${name}`);
            assert.deepEqual(h.rds.config_source.path_config_source, { path: routeFile(name), watched_directory: { path: ROUTES_DIR } });
          } else assert.ok(h.route_config, `${key}: ${name} stays inline`);
        }
        const clusters = new Set(b.static_resources.clusters.map((c: any) => c.name));
        for (const t of tables) {
          const [resource] = (t.document as any).resources;
          assert.equal(resource["@type"], ROUTE_CONFIGURATION);
          assert.equal(resource.validate_clusters, true);
          const named: string[] = JSON.stringify(resource).match(/"(?:cluster|name)":"(node-[^"]+)"/g)?.map((x) => x.split(":")[1].replace(/"/g, "")) ?? [];
          for (const c of named) assert.ok(clusters.has(c), `${key} ${t.name}: cluster ${c} is in the bootstrap`);
        }
      }
    });

  it("a weight change changes the files and their versions, never a bootstrap or a container", () => {
    const [a, b] = [liveModel("staging"), liveModel("staging", reweigh)];
    const side = (m: MeshModel) => [...m.nodes.map((n) => envoySidecar(m, n.key, LOG)), envoyGateway(m, LOG)];
    const [sa, sb] = [side(a), side(b)];
    let changedTables = 0;
    sa.forEach((s, i) => {
      assert.deepEqual(sb[i].containers, s.containers, "the task definition's containers are the same");
      for (const [j, t] of (s.routeTables?.tables ?? []).entries()) {
        const u = sb[i].routeTables!.tables[j];
        if (JSON.stringify(u.document) !== JSON.stringify(t.document)) {
          changedTables++;
          assert.notEqual((u.document as any).version_info, (t.document as any).version_info);
        }
      }
    });
    assert.ok(changedTables > 0, "some table carries the weights");
  });

  it("the task: Envoy waits for its volume's owner to be set and for the agent, mounts the volume, and is ready only once every table loaded", () => {
    const m = liveModel("staging");
    const caller = m.nodes.find((n) => n.backendKeys.length)!;
    const live = liveTask(m, caller.key, sidecarBootstrap(m, caller.key), LOG, String(m.envoy.uid))!;
    const s = envoySidecar(m, caller.key, LOG);
    const defs = s.containers as any[];
    const envoy = defs.find((c) => c.name === "envoy");
    assert.equal(envoy.command[0], LIVE_ENVOY_WRAPPER);
    assert.deepEqual(envoy.dependsOn, [{ containerName: ROUTES_INIT_CONTAINER, condition: "SUCCESS" }, { containerName: AGENT_CONTAINER, condition: "START" }]);
    assert.deepEqual(envoy.mountPoints.map((p: any) => p.containerPath), [ROUTES_DIR]);
    for (const t of live.tables) assert.ok(envoy.healthCheck.command[3].includes(loadedStat(t.name).replace(/\./g, "\\.")), `ready waits for ${t.name}`);
    const init = defs.find((c) => c.name === ROUTES_INIT_CONTAINER);
    assert.equal(init.essential, false);
    assert.match(init.command[0], new RegExp(`^chown ${m.envoy.uid} ${ROUTES_DIR} `));
    assert.equal(defs.find((c) => c.name === AGENT_CONTAINER).user, String(m.envoy.uid), "the agent's calls to AppConfig pass interception as Envoy's do");
    assert.deepEqual(s.volumes, [{ name: envoy.mountPoints[0].sourceVolume }]);
  });

  it("restart mode, and a task with no weighted table, get none of it", () => {
    const m = model(withChange("staging", () => {}));
    for (const n of m.nodes) assert.equal(liveTask(m, n.key, sidecarBootstrap(m, n.key), LOG, "1337"), undefined);
    const l = liveModel("staging");
    for (const n of l.nodes.filter((x) => !x.backendKeys.length)) {
      const defs = envoySidecar(l, n.key, LOG).containers as any[];
      assert.ok(!defs.some((c) => c.name === AGENT_CONTAINER), `${n.key} calls nothing: no agent`);
    }
  });
});
