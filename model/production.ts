/**
 * A stack marked `production: true`: what it may not do, across fields. Reads the raw
 * description, like references.ts, so these come with every other problem.
 */
import { IssueList } from "./errors";

/** Carried by every resource of a production stack: how the policy pack knows (it sees resources only). */
export const PRODUCTION_TAG = "fargate-mesh:production";

/** Envoy log levels that print request headers and bodies' metadata, and cost about 2x CPU per request. */
export const VERBOSE_ENVOY_LEVELS = ["trace", "debug"];

type Raw = Record<string, any>;
const rec = (x: unknown): Raw => (x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Raw) : {});

export function checkProduction(raw: unknown, issues: IssueList): void {
  const d = rec(raw);
  if (d.production !== true) return;
  const level = rec(d.envoy).logLevel;
  if (typeof level === "string" && VERBOSE_ENVOY_LEVELS.includes(level))
    issues.add(["envoy", "logLevel"], `is ${level} in a stack marked production: at that level every Envoy, the internet-facing gateway's included, logs request headers (credentials among them) and spends about twice the CPU; use info (the default) or quieter`);
}
