/**
 * The gateway's autoscaling bounds, across fields the schema checks one at a time: min ≤ max,
 * and the first deployment's desiredCount within them (the autoscaler would move it at once, and
 * a desiredCount outside says the two settings disagree). Reads the raw description, like
 * references.ts, so these come with every other problem.
 */
import { DEFAULTS, GATEWAY_AUTOSCALING, MAX_GATEWAY_TASKS } from "./defaults";
import { IssueList } from "./errors";

type Raw = Record<string, any>;
const rec = (x: unknown): Raw => (x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Raw) : {});
const count = (x: unknown): number | undefined => (Number.isInteger(x) && (x as number) >= 0 ? (x as number) : undefined);

export function checkGatewayScaling(raw: unknown, issues: IssueList): void {
  if (rec(raw).gateway === undefined) return;
  const g = rec(rec(raw).gateway);
  const a = rec(g.autoscaling);
  const min = count(a.min), max = count(a.max), desired = count(g.desiredCount);
  const path = ["gateway", "autoscaling"];
  if (min !== undefined && max !== undefined && min > max)
    issues.add([...path, "max"], `must be at least autoscaling.min (${min}), got ${max}`);
  if (min === undefined && max !== undefined && max < (desired ?? DEFAULTS.gateway.desiredCount))
    issues.add([...path, "max"], `must be at least the gateway's desiredCount (${desired ?? DEFAULTS.gateway.desiredCount}${desired === undefined ? ", its default" : ""}), which autoscaling.min defaults to; got ${max}`);
  const upper = max ?? Math.max(min ?? 0, Math.min(MAX_GATEWAY_TASKS, GATEWAY_AUTOSCALING.maxFactor * (min ?? 0)));
  if (desired !== undefined && min !== undefined && desired < min)
    issues.add(["gateway", "desiredCount"], `must be within autoscaling.min and max (${min} to ${upper}), got ${desired}; leave it out to start at autoscaling.min`);
  else if (desired !== undefined && min !== undefined && desired > upper && min <= upper)
    issues.add(["gateway", "desiredCount"], `must be within autoscaling.min and max (${min} to ${upper}), got ${desired}`);
  if (desired === 0 && g.autoscaling !== undefined && min === undefined)
    issues.add(["gateway", "desiredCount"], "is 0, which runs no gateway task: the autoscaling would start one at once; leave gateway.autoscaling out, or the desiredCount");
}
