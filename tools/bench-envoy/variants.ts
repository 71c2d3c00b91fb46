/**
 * Task definitions for the hop bench, read from the plan and changed only where the bench says:
 * the generated task as the plan has it (its applications start with Envoy instead of waiting for
 * it to be HEALTHY, so a bench need not sit through health-check intervals), and variants of its
 * Envoy bootstrap with one kind of setting taken out, to find what in the generated
 * configuration costs. Pure: task definitions in, task definitions out.
 */
import type { ContainerDef, TaskDef } from "../rehearse/task";

type Json = unknown;

/** A way to change the generated sidecars, and what it takes out. */
export interface Variant {
  name: string;
  /** What the variant differs in, for the bench's table. */
  label: string;
  bootstrap?: (b: Json) => Json;
  environment?: Record<string, string>;
}

/** `value` without any property named in `keys`, at any depth. */
export function without(value: Json, keys: string[]): Json {
  if (Array.isArray(value)) return value.map((v) => without(v, keys));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value as Record<string, Json>).filter(([k]) => !keys.includes(k)).map(([k, v]) => [k, without(v, keys)]));
  return value;
}

/** `value` with each route action that retries stripped of its retry policy and timeout. */
export function withoutRetries(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutRetries);
  if (value && typeof value === "object") {
    const o = value as Record<string, Json>;
    const drop = "retry_policy" in o ? ["retry_policy", "timeout"] : [];
    return Object.fromEntries(Object.entries(o).filter(([k]) => !drop.includes(k)).map(([k, v]) => [k, withoutRetries(v)]));
  }
  return value;
}

/** The generated configuration, unchanged. */
export const GENERATED: Variant = { name: "generated", label: "generated" };

/** One setting at a time taken out of both generated Envoys, then all of them. */
export const ABLATIONS: Variant[] = [
  { name: "no-access-log", label: "generated, no access log", bootstrap: (b) => without(b, ["access_log"]) },
  { name: "no-health-checks", label: "generated, no active health checks", bootstrap: (b) => without(b, ["health_checks"]) },
  { name: "no-outlier", label: "generated, no outlier detection", bootstrap: (b) => without(b, ["outlier_detection"]) },
  { name: "no-retry", label: "generated, no retry policy or timeouts", bootstrap: withoutRetries },
  { name: "no-overload", label: "generated, no overload manager", bootstrap: (b) => without(b, ["overload_manager"]) },
  {
    name: "stripped", label: "generated, all five taken out",
    bootstrap: (b) => withoutRetries(without(b, ["access_log", "health_checks", "outlier_detection", "overload_manager"])),
  },
  { name: "debug-log", label: "generated, log level debug (as dev)", environment: { ENVOY_LOG_LEVEL: "debug" } },
];

/** The Envoy container's bootstrap argument is the one that starts with `{` (tools/envoy-config-core.ts reads it so too). */
const isBootstrap = (arg: string) => arg.startsWith("{");

function change(c: ContainerDef, v: Variant, envoyImage: string): ContainerDef {
  if (c.image !== envoyImage || !c.command?.some(isBootstrap)) return c;
  const command = v.bootstrap ? c.command.map((a) => (isBootstrap(a) ? JSON.stringify(v.bootstrap!(JSON.parse(a))) : a)) : c.command;
  const environment = v.environment
    ? [...(c.environment ?? []).filter((e) => !(e.name in v.environment!)), ...Object.entries(v.environment).map(([name, value]) => ({ name, value }))]
    : c.environment;
  return { ...c, command, environment };
}

/**
 * The plan's task as the hop bench runs it: each container that waits for another to be HEALTHY
 * waits for it to START instead (the Envoy containers' configuration, users and interception
 * are the plan's), with variant `v`'s change to the sidecar.
 */
export function benchTask(def: TaskDef, v: Variant, envoyImage: string): TaskDef {
  return {
    ...def,
    containers: def.containers.map((c) => ({
      ...change(c, v, envoyImage),
      ...(c.dependsOn ? { dependsOn: c.dependsOn.map((d) => (d.condition === "HEALTHY" ? { ...d, condition: "START" as const } : d)) } : {}),
    })),
  };
}
