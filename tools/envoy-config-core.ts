/**
 * The Envoy bootstrap of one service or the gateway, read back from the planned task
 * definition: exactly what ECS will pass to Envoy, not a second rendering of the model.
 */
import type { Plan } from "./plan-core";

export type EnvoyTarget = { service: string } | { gateway: true };

export function bootstrapOf(plan: Plan, target: EnvoyTarget): { ok: true; bootstrap: unknown } | { ok: false; message: string } {
  if (plan.model.dataPlane !== "envoy")
    return { ok: false, message: `stack ${plan.stack} runs the ${plan.model.dataPlane} data plane: its Envoys stream their configuration from App Mesh, so no bootstrap is generated` };
  const owner = "service" in target ? `mesh-${target.service}` : "mesh-gateway";
  if ("service" in target && !plan.model.nodes.some((n) => n.key === target.service))
    return { ok: false, message: `stack ${plan.stack} has no service ${target.service}; known: ${plan.model.nodes.map((n) => n.key).join(", ")}` };
  if (!("service" in target) && !plan.model.gateway) return { ok: false, message: `stack ${plan.stack} has no gateway` };
  const task = plan.resources.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.parent?.name === owner);
  const defs = task && JSON.parse(String(task.inputs.containerDefinitions));
  const envoy = defs?.find((c: any) => c.name === "envoy");
  const arg = envoy?.command?.find((a: string) => a.startsWith("{"));
  if (!arg) return { ok: false, message: `the task definition of ${owner} carries no Envoy bootstrap` };
  return { ok: true, bootstrap: JSON.parse(arg) };
}
