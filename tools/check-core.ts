/**
 * Runs the policy pack's own validation functions against an offline plan, so the same code
 * serves `pulumi preview --policy-pack policy/` and `npm run check`.
 */
import type { EnforcementLevel, PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { policies } from "../policy/policies";
import type { ConfigIssue } from "../model/errors";
import type { PolicyException } from "../model/types";
import type { Plan, PlannedResource } from "./plan-core";

export interface Finding {
  policy: string;
  level: EnforcementLevel;
  upstream: string;
  resource: { type: string; name: string } | null;
  message: string;
  /** Why the stack knowingly accepts this advisory violation, from its `exceptions`. */
  exception?: string;
}

const urnOf = (stack: string, r: { type: string; name: string }) => `urn:pulumi:${stack}::fargate-mesh::${r.type}::${r.name}`;

/** The plan's resources as the policy engine presents them: props are the inputs, parents are linked. */
export function policyResources(stack: string, resources: PlannedResource[]): PolicyResource[] {
  const byKey = new Map<string, PolicyResource>();
  const out = resources.map((r) => {
    const pr = {
      type: r.type, name: r.name, urn: urnOf(stack, r), props: r.inputs, opts: {} as any,
      dependencies: [], propertyDependencies: {},
      isType: () => false, asType: () => undefined,
    } as unknown as PolicyResource;
    byKey.set(`${r.type}::${r.name}`, pr);
    return pr;
  });
  resources.forEach((r, i) => { if (r.parent) (out[i] as any).parent = byKey.get(`${r.parent.type}::${r.parent.name}`); });
  return out;
}

/** How `check` and the exceptions name a finding's resource; `(stack)` for a stack-wide one. */
export const STACK = "(stack)";
const nameOf = (f: { resource: { name: string } | null }) => f.resource?.name ?? STACK;

/** The reason that excepts a finding: only an advisory one, only on a resource the exception names. */
function exceptedBy(exceptions: Record<string, PolicyException>, policy: string, level: EnforcementLevel, resource: string): string | undefined {
  const e = exceptions[policy];
  if (level !== "advisory" || !e || typeof e !== "object" || !Array.isArray(e.resources)) return undefined;
  return e.resources.includes(resource) ? e.reason : undefined;
}

export async function checkResources(stack: string, resources: PlannedResource[], exceptions: Record<string, PolicyException> = {}): Promise<Finding[]> {
  const prs = policyResources(stack, resources);
  const byUrn = new Map(prs.map((p) => [p.urn, p]));
  const findings: Finding[] = [];
  for (const policy of policies) {
    const add = (message: string, urn?: string) => {
      const r = urn ? byUrn.get(urn) : undefined;
      const level = policy.info.enforcementLevel;
      const reason = exceptedBy(exceptions, policy.name, level, r ? r.name : STACK);
      findings.push({
        policy: policy.name, level, upstream: policy.info.upstream, message,
        resource: r ? { type: r.type, name: r.name } : null,
        ...(reason ? { exception: reason } : {}),
      });
    };
    if ("validateResource" in policy && policy.validateResource) {
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const r of prs) {
        const args = { ...r, stackTags: new Map(), getConfig: () => ({}), notApplicable: () => { throw new Error("not applicable"); } } as unknown as ResourceValidationArgs;
        for (const v of validations) await v(args, (m) => add(m, r.urn));
      }
    }
    if ("validateStack" in policy) {
      const args = { resources: prs, stackTags: new Map(), getConfig: () => ({}), notApplicable: () => { throw new Error("not applicable"); } } as unknown as StackValidationArgs;
      await policy.validateStack(args, (m, urn) => add(m, urn));
    }
  }
  return findings;
}

/**
 * Exceptions must name an advisory policy of the pack (a mandatory one cannot be waived) and the
 * resources they cover. Checked for a description and for a saved plan alike, since a plan file
 * can be edited after it was written.
 */
export function checkExceptions(exceptions: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, e] of Object.entries(exceptions)) {
    const p = policies.find((x) => x.name === name);
    if (!p) issues.push({ path: `exceptions.${name}`, message: `no policy has this name; known: ${policies.map((x) => x.name).join(", ")}` });
    else if (p.info.enforcementLevel === "mandatory") issues.push({ path: `exceptions.${name}`, message: "is a mandatory policy and cannot be excepted; change the stack instead" });
    const x = e as Partial<PolicyException> | null;
    if (!x || typeof x !== "object" || typeof x.reason !== "string" || !x.reason || !Array.isArray(x.resources) || !x.resources.length || !x.resources.every((r) => typeof r === "string" && r))
      issues.push({ path: `exceptions.${name}`, message: "must be { reason, resources: [...] } naming the resources it covers" });
  }
  return issues;
}

/** Exception entries that except nothing in this plan: a resource renamed or gone, or a fixed finding. */
export function unusedExceptions(findings: Finding[], exceptions: Record<string, PolicyException>): { policy: string; resource: string }[] {
  const used = new Set(findings.filter((f) => f.exception).map((f) => `${f.policy}\u0000${nameOf(f)}`));
  const out: { policy: string; resource: string }[] = [];
  for (const [policy, e] of Object.entries(exceptions))
    for (const resource of Array.isArray(e?.resources) ? e.resources : []) if (!used.has(`${policy}\u0000${resource}`)) out.push({ policy, resource });
  return out;
}

export async function checkPlan(plan: Plan): Promise<{ findings: Finding[]; issues: ConfigIssue[] }> {
  const issues = checkExceptions(plan.model.exceptions);
  return { findings: await checkResources(plan.stack, plan.resources, plan.model.exceptions), issues };
}

export const blocking = (f: Finding[]) => f.filter((x) => x.level === "mandatory");

/**
 * One stack's report: the verdict, then each violation by resource. Excepted findings, the same
 * reason for many resources, are one line per policy with its counts; `verbose` lists them by
 * resource too.
 */
export function reportText(stack: string, findings: Finding[], o: { verbose?: boolean; exceptions?: Record<string, PolicyException> } = {}): string {
  const mandatory = findings.filter((f) => f.level === "mandatory");
  const advisory = findings.filter((f) => f.level === "advisory" && !f.exception);
  const excepted = findings.filter((f) => f.exception);
  const verdict = mandatory.length ? "fails (mandatory violations block the deployment)" : "passes";
  const lines = [`Stack ${stack}: ${mandatory.length} mandatory violation${mandatory.length === 1 ? "" : "s"}, ${advisory.length} advisory, ${excepted.length} excepted: ${verdict}`];
  const where = (f: Finding) => (f.resource ? `${f.resource.type} ${f.resource.name}` : "(stack)");
  for (const f of mandatory) lines.push(`  MANDATORY  ${f.policy} [${f.upstream}] ${where(f)}: ${f.message}`);
  for (const f of advisory) lines.push(`  ADVISORY   ${f.policy} [${f.upstream}] ${where(f)}: ${f.message}`);
  if (o.verbose) for (const f of excepted) lines.push(`  EXCEPTED   ${f.policy} ${where(f)}: ${f.message} (reason: ${f.exception})`);
  else for (const [policy, fs] of byPolicy(excepted)) lines.push(`  EXCEPTED   ${policy}: ${counts(fs)}; reason: ${fs[0].exception}`);
  for (const u of unusedExceptions(findings, o.exceptions ?? {})) lines.push(`  UNUSED     exceptions.${u.policy} names ${u.resource}, which has no such finding in this plan; remove it`);
  if (advisory.length) lines.push(`  (to accept an advisory finding, list its resource under exceptions.<policy>.resources with a reason)`);
  return lines.join("\n");
}

function byPolicy(findings: Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) out.set(f.policy, [...(out.get(f.policy) ?? []), f]);
  return out;
}

/** "5 resources", or "12 findings on 6 resources" when a resource has several. */
function counts(findings: Finding[]): string {
  const resources = new Set(findings.map((f) => (f.resource ? `${f.resource.type}::${f.resource.name}` : "(stack)"))).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return resources === findings.length ? `${plural(resources, "resource")}` : `${plural(findings.length, "finding")} on ${plural(resources, "resource")}`;
}
