/**
 * The bench of envoy.routeUpdates: how a caller's task definition grows with its direct
 * backends in each mode (restart: routes and clusters inline; live: clusters inline, routes in
 * AppConfig), the largest caller that still plans under ECS's 64 KiB, and, with the rehearsal
 * (Linux, root), the time from publishing a new version until the new split is observed.
 */
import { validateMesh } from "../model/load";
import { issuesText } from "./plan-format";
import { meshInput, stackConfig, stackFile } from "../stacks/files";
import { AGENT_POLL_SECONDS, RELAY_INTERVAL_SECONDS } from "../components/dataplanes/envoy/route-relay";
import { planConfig, type Plan } from "./plan-core";
import { judge } from "./rehearse/check";
import { appConfigVersions } from "./rehearse/mesh";
import { Rehearsal } from "./rehearse/session";
import { renderingIssues, TASK_DEFINITION_LIMIT } from "../components/dataplanes";
import { envoySidecar } from "../components/dataplanes/envoy/sidecar";
import { appContainer } from "../components/service/containers";
import type { MeshModel } from "../model/types";
import { scaledConfig } from "./bench-mesh";

const LOG = { group: "g", region: "us-east-1" };

/** The dev stack with a caller `hub` that calls `n` services directly, in a route-updates mode. */
function hubModel(n: number, mode: "restart" | "live"): MeshModel | undefined {
  const config = scaledConfig(4 + n);
  const t = config["fargate-mesh:topology"];
  t.envoy.routeUpdates = mode;
  t.services.hub = { ...t.services.red, backends: Array.from({ length: n }, (_, i) => `svc${i}`) };
  const r = validateMesh(meshInput(config, "dev"));
  return r.ok ? r.model : undefined;
}

/** Bytes of the hub's container definitions, as renderingIssues counts them. */
function hubBytes(m: MeshModel): number {
  const node = m.nodes.find((x) => x.key === "hub")!;
  const s = envoySidecar(m, "hub", LOG);
  return Buffer.byteLength(JSON.stringify([...node.containers.map((c) => appContainer(c, LOG, s.appEnvironment)), ...(s.containers as object[])]));
}

/** Whether the hub with `n` backends plans (no rendering issue at services.hub). */
const plans = (n: number, mode: "restart" | "live") => {
  const m = hubModel(n, mode);
  return !!m && !renderingIssues(m).some((i) => i.path === "services.hub");
};

function largest(mode: "restart" | "live"): number {
  let lo = 1, hi = 400;
  while (lo < hi) { const mid = Math.ceil((lo + hi) / 2); if (plans(mid, mode)) lo = mid; else hi = mid - 1; }
  return lo;
}

export function taskDefinitionSizes(): void {
  process.stdout.write(`\nTask definition of a caller by direct backends (ECS's limit ${TASK_DEFINITION_LIMIT / 1024} KiB)\nbackends  restart KiB  live KiB  live/restart\n`);
  for (const n of [1, 10, 25, 50]) {
    const [r, l] = [hubModel(n, "restart")!, hubModel(n, "live")!].map(hubBytes);
    process.stdout.write(`${String(n).padStart(8)}  ${(r / 1024).toFixed(1).padStart(11)}  ${(l / 1024).toFixed(1).padStart(8)}  ${(l / r).toFixed(2).padStart(12)}\n`);
  }
  process.stdout.write(`largest caller that plans: restart ${largest("restart")} backends, live ${largest("live")} backends\n`);
}

/** A plan of `stack` from the project's files, with its config changed first. */
async function planWith(stack: string, edit: (config: any) => void): Promise<Plan> {
  const config = JSON.parse(JSON.stringify(stackConfig(stackFile(stack))));
  edit(config);
  const r = await planConfig(config, stack);
  if (!r.ok) throw new Error(issuesText(r.stack, r.issues));
  return r.plan;
}

/**
 * A canary step on a stack's config, whatever its weights were: each target of every route takes
 * the next one's weight (the first one more), with the environment's weights folded in first.
 */
export function turnWeights(c: any): void {
  const t = c["fargate-mesh:topology"];
  const env = c["fargate-mesh:environment"];
  const routers = { ...t.routers };
  for (const [k, r] of Object.entries<any>(env?.routers ?? {})) for (const [rk, route] of Object.entries<any>(r.routes ?? {})) if (route.targets) routers[k].routes[rk].targets = route.targets;
  if (env) delete env.routers;
  for (const r of Object.values<any>(routers))
    for (const route of Object.values<any>(r.routes)) {
      const keys = Object.keys(route.targets);
      const ws = keys.map((k) => (typeof route.targets[k] === "number" ? route.targets[k] : route.targets[k].weight));
      route.targets = Object.fromEntries(keys.map((k, i) => [k, ws[(i + 1) % ws.length] + (i === 0 ? 1 : 0)]));
    }
  t.routers = routers;
}

/**
 * From publishing a version until the gateway's split is the new one, in a rehearsal of `stack`
 * with routeUpdates live: the agent's poll of AppConfig aside (the stand-in serves at once), so
 * this is the relay's interval and Envoy's reload. Alternates between the two versions.
 */
export async function liveSwitch(stack: string, rounds: number, envoy: string): Promise<void> {
  const live = (c: any) => { c["fargate-mesh:topology"].envoy.routeUpdates = "live"; };
  const a = await planWith(stack, live);
  const b = await planWith(stack, (c) => { live(c); turnWeights(c); });
  const m = a.model;
  const gr = m.gateway!.routes.find((r) => m.routers.some((x) => x.serviceName === r.target.virtualService))!;
  const shares = (p: Plan) => Object.fromEntries(p.model.routers.find((x) => x.serviceName === gr.target.virtualService)!.routes[0].targets.map((t) => [t.node, t.percent]));
  const r = await new Rehearsal(a, { envoy, envoyImage: m.envoy.image }).start();
  const times: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const to = i % 2 === 0 ? b : a;
      const t0 = Date.now();
      for (const v of appConfigVersions(to)) r.mesh.publish(v.path, v.content);
      while (Date.now() - t0 < 30_000) {
        const o = await r.request("gateway", "GET", gr.match.prefix!, 200);
        if (judge({ from: "gateway", request: `GET ${gr.match.prefix}`, expect: shares(to) }, o).ok) break;
      }
      times.push((Date.now() - t0) / 1000);
    }
  } finally { r.destroy(); }
  const sorted = [...times].sort((x, y) => x - y);
  process.stdout.write(`\nLive route update (${stack}, relay every ${RELAY_INTERVAL_SECONDS} s; AppConfig's poll, ${AGENT_POLL_SECONDS} s, aside): new split observed after ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} s median (${sorted.map((t) => t.toFixed(1)).join(", ")} s over ${rounds} publishes; each observation is 200 requests)\n`);
}
