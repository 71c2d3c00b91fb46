import { planConfig, Plan, PlannedResource, resolveSource } from "../../tools/plan-core";
import { FIXTURE } from "../helpers";

const unedited = new Map<string, Promise<Plan>>();

/** Switches a stack-format config to another data plane: the one line a user would write. */
export const onDataPlane = (plane: string) => (config: any) => {
  config["fargate-mesh:environment"] = { ...(config["fargate-mesh:environment"] ?? {}), dataPlane: plane };
};

/**
 * Plans a stack of the tests' own project (test/fixtures/colors) or a stack-format file; `edit`
 * may change the resolved config first, or name a data plane. Plans without an edit function are
 * shared between tests (treat them as read-only) to keep the suite fast.
 */
export function planOf(stackOrFile: string, edit?: ((config: any) => void) | "appmesh" | "envoy" | "lattice"): Promise<Plan> {
  if (typeof edit === "function") return planFresh(stackOrFile, edit);
  const key = `${stackOrFile}#${edit ?? ""}`;
  if (!unedited.has(key)) unedited.set(key, planFresh(stackOrFile, edit && onDataPlane(edit)));
  return unedited.get(key)!;
}

async function planFresh(stackOrFile: string, edit?: (config: any) => void): Promise<Plan> {
  const src = stackOrFile.endsWith(".yaml") ? { configFile: stackOrFile, project: FIXTURE } : { stack: stackOrFile, project: FIXTURE };
  const { config, stack } = resolveSource(src);
  const copy = JSON.parse(JSON.stringify(config));
  edit?.(copy);
  const r = await planConfig(copy, stack);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  return r.plan;
}

export const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);

export function named(plan: Plan, name: string, type?: string): PlannedResource {
  const found = plan.resources.filter((r) => r.name === name && (!type || r.type === type));
  if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
  return found[0];
}

export function typeCounts(plan: Plan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of plan.resources) out[r.type] = (out[r.type] ?? 0) + 1;
  return out;
}

export const containers = (task: PlannedResource) => JSON.parse(task.inputs.containerDefinitions as string) as any[];
export const policy = (p: PlannedResource) => JSON.parse(p.inputs.policy as string);
