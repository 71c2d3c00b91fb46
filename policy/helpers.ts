/**
 * Small helpers shared by the policies. Policies run in two places: inside `pulumi preview
 * --policy-pack policy/` (where values computed from other resources may still be unknown) and
 * in the offline check (`npm run check`). A value that is not known yet is skipped, never guessed.
 */
import type { EnforcementLevel, PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** What the README's policy table and the offline report show about a policy. */
export interface PolicyInfo {
  name: string;
  /** The scanner rule(s) it mirrors, or the guidance it follows. */
  upstream: string;
  enforcementLevel: EnforcementLevel;
  /** What it checks, one sentence. */
  checks: string;
}

export type MeshPolicy = (ResourceValidationPolicy | StackValidationPolicy) & { info: PolicyInfo };

type Props = Record<string, any>;

/** A policy over the resources of some types; `check` reports through `violation`. */
export function resourcePolicy(info: PolicyInfo, types: string[], check: (props: Props, violation: (m: string) => void, name: string) => void): MeshPolicy {
  return {
    name: info.name, description: `${info.upstream}: ${info.checks}`, enforcementLevel: info.enforcementLevel, info,
    validateResource: (args, report) => {
      if (types.includes(args.type)) check(args.props, (m) => report(m), args.name);
    },
  };
}

export function stackPolicy(info: PolicyInfo, check: (resources: PolicyResource[], report: ReportViolation) => void): MeshPolicy {
  return {
    name: info.name, description: `${info.upstream}: ${info.checks}`, enforcementLevel: info.enforcementLevel, info,
    validateStack: (args, report) => check(args.resources, report),
  };
}

/** Container definitions of a task definition, or undefined while they are not known. */
export function containerDefinitions(props: Props): any[] | undefined {
  const raw = props.containerDefinitions;
  if (typeof raw !== "string") return Array.isArray(raw) ? raw : undefined;
  try { return JSON.parse(raw); } catch { return undefined; }
}

/** A policy document (JSON string or object), or undefined while it is not known. */
export function policyDocument(raw: unknown): { Statement?: any[] } | undefined {
  if (raw && typeof raw === "object") return raw as any;
  if (typeof raw !== "string") return undefined;
  try { return JSON.parse(raw); } catch { return undefined; }
}

export const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

export const TASK = "aws:ecs/taskDefinition:TaskDefinition";
export const ECS_SERVICE = "aws:ecs/service:Service";
export const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
export const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
export const LB = "aws:lb/loadBalancer:LoadBalancer";
