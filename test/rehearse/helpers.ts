/** What the rehearsal tests share: starting rehearsals, and probing what the network admits. */
import { spawnSync } from "child_process";
import type { Plan } from "../../tools/plan-core";
import type { MeshRunOptions } from "../../tools/rehearse/mesh";
import { Rehearsal } from "../../tools/rehearse/session";
import { rehearsalUnavailable } from "../../tools/rehearse/sys";

/**
 * Whether a TCP connection from namespace `ns` to ip:port is established within 1.5 s, made as
 * UID `uid` (Envoy's UID bypasses ECS's interception: the packet meets only the security groups).
 */
export function connects(ns: string, ip: string, port: number, uid?: string): boolean {
  const probe = `const s = require("net").connect(${port}, "${ip}", () => process.exit(0)); s.on("error", () => process.exit(2)); setTimeout(() => process.exit(3), 1500);`;
  const as = uid ? ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--"] : [];
  return spawnSync("ip", ["netns", "exec", ns, ...as, process.execPath, "-e", probe]).status === 0;
}

/** What a service may reach: its backends, and through a router every target of its routes. */
export const reachOf = (m: Plan["model"]) => (key: string) => m.nodes.find((n) => n.key === key)!.backendKeys.flatMap((b) => {
  const router = m.routers.find((r) => r.key === b);
  return router ? router.routes.flatMap((r) => r.targets.map((t) => t.node)) : [b];
});

/** Starts a rehearsal of each plan, all at once, with the suite's Envoy; fails saying why where it cannot run. */
export async function rehearseAll(plans: Plan[], opts: Partial<MeshRunOptions> = {}): Promise<Rehearsal[]> {
  const why = rehearsalUnavailable();
  if (why) throw new Error(`the rehearsal runs Envoy in network namespaces: ${why}`);
  const runs = plans.map((p) => new Rehearsal(p, { envoy: process.env.FARGATE_MESH_ENVOY!, envoyImage: p.model.envoy.image, ...opts }));
  await Promise.all(runs.map((r) => r.start()));
  return runs;
}

