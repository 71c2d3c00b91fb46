/**
 * How long a rehearsal takes to start: from starting every task of a plan (tools/rehearse/) until
 * every task is HEALTHY as ECS computes it, with when each task's Envoy container turned HEALTHY
 * on the way (the applications wait for it), and the memory of every Envoy once all are up.
 */
import type { Plan } from "../plan-core";
import { Rehearsal } from "../rehearse/session";
import { envoysIn, EnvoyMemory, median } from "./proc";

export interface StartupReport {
  stack: string;
  tasks: number;
  /** Until every task was HEALTHY. */
  seconds: number;
  /** Median over tasks of when its Envoy container turned HEALTHY. */
  envoyHealthySeconds: number;
  memory: EnvoyMemory[];
}

/** Starts `plan`'s rehearsal, times it, reads its Envoys' memory, and removes it. */
export async function startup(plan: Plan, opts: { envoy: string; envoyImage: string }): Promise<StartupReport> {
  const r = new Rehearsal(plan, opts);
  const t0 = Date.now();
  const envoyHealthy = new Map<string, number>();
  // Polled, as the rehearsal itself polls for HEALTHY: precise to 50 ms.
  const watch = setInterval(() => {
    for (const t of r.mesh.tasks) if (!envoyHealthy.has(t.name) && t.containers.get("envoy")?.status === "HEALTHY") envoyHealthy.set(t.name, Date.now() - t0);
  }, 50);
  try {
    await r.start();
    const seconds = (Date.now() - t0) / 1000;
    return {
      stack: plan.stack, tasks: r.mesh.tasks.length, seconds,
      envoyHealthySeconds: median([...envoyHealthy.values()]) / 1000,
      memory: r.mesh.tasks.flatMap((t) => envoysIn(t.host.ns)),
    };
  } finally {
    clearInterval(watch);
    r.destroy();
  }
}
