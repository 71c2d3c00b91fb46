/**
 * The Envoy bootstrap of one service or the gateway, read back from the planned task
 * definition: exactly what ECS will pass to Envoy, not a second rendering of the model.
 */
import type { Plan, PlannedResource } from "./plan-core";

/** The bootstrap argument of the Envoy container in the task definition of component `owner` (`mesh-blue`, `mesh-gateway`). */
export function bootstrapIn(resources: PlannedResource[], owner: string): unknown | undefined {
  const task = resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.parent?.name === owner);
  const envoy = task && JSON.parse(String(task.inputs.containerDefinitions)).find((c: { name: string }) => c.name === "envoy");
  const arg = envoy?.command?.find((a: string) => a.startsWith("{"));
  return arg === undefined ? undefined : JSON.parse(arg);
}

export type EnvoyTarget = { service: string } | { gateway: true };

export function bootstrapOf(plan: Plan, target: EnvoyTarget): { ok: true; bootstrap: unknown } | { ok: false; message: string } {
  if (plan.model.dataPlane !== "envoy")
    return { ok: false, message: `stack ${plan.stack} runs the ${plan.model.dataPlane} data plane: its Envoys stream their configuration from App Mesh, so no bootstrap is generated` };
  const owner = "service" in target ? `mesh-${target.service}` : "mesh-gateway";
  if ("service" in target && !plan.model.nodes.some((n) => n.key === target.service))
    return { ok: false, message: `stack ${plan.stack} has no service ${target.service}; known: ${plan.model.nodes.map((n) => n.key).join(", ")}` };
  if (!("service" in target) && !plan.model.gateway) return { ok: false, message: `stack ${plan.stack} has no gateway` };
  const bootstrap = bootstrapIn(plan.resources, owner);
  if (bootstrap === undefined) return { ok: false, message: `the task definition of ${owner} carries no Envoy bootstrap` };
  return { ok: true, bootstrap };
}
