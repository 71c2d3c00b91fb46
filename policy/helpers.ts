/**
 * Small helpers shared by the policies. Policies run in two places: inside `pulumi preview
 * --policy-pack policy/` (where values computed from other resources may still be unknown) and
 * in the offline check (`npm run check`). A value that is not known yet is skipped, never guessed.
 */
import type { EnforcementLevel, PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** What the policy table of docs/policies.md and the offline report show about a policy. */
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

/**
 * The Envoy data plane's bootstrap, carried inline as an argument of the Envoy container's
 * command (fargate-mesh starts Envoy with `--config-yaml`). Undefined for App Mesh's Envoy, which
 * streams its configuration, and while the definitions are unknown.
 */
export function inlineBootstrap(props: Props): { container: any; bootstrap: any } | undefined {
  for (const c of containerDefinitions(props) ?? []) {
    const args = list<string>(c.command);
    if (!args.some((a) => typeof a === "string" && a.includes("--config-yaml"))) continue;
    for (const a of args) {
      if (typeof a !== "string" || !a.startsWith("{")) continue;
      try { return { container: c, bootstrap: JSON.parse(a) }; } catch { /* not the bootstrap */ }
    }
  }
  return undefined;
}

/** Every HTTP route of a bootstrap's listeners, with where it is. */
export function bootstrapRoutes(bootstrap: any): { listener: string; route: any }[] {
  const out: { listener: string; route: any }[] = [];
  for (const l of list<any>(bootstrap?.static_resources?.listeners))
    for (const chain of list<any>(l.filter_chains))
      for (const f of list<any>(chain.filters))
        for (const vh of list<any>(f.typed_config?.route_config?.virtual_hosts))
          for (const route of list<any>(vh.routes)) out.push({ listener: l.name, route });
  return out;
}

/**
 * Whether a planned value (an ARN, id or name) refers to resource `r`: equal to one of its known
 * outputs, or the offline plan's marker for one (`{unknown:<name>.arn}`, or an ARN the mocks end
 * with the resource's name).
 */
export function refersTo(value: unknown, r: { name: string; props: Record<string, any> }): boolean {
  if (typeof value !== "string") return false;
  if ([r.props.arn, r.props.id, r.props.name].includes(value)) return true;
  return value.includes(`{unknown:${r.name}.`) || value.endsWith(`/${r.name}`);
}

/** Every object in a JSON tree, with its path (for messages). */
export function walk(node: any, visit: (o: any, path: string) => void, path = ""): void {
  if (Array.isArray(node)) node.forEach((x, i) => walk(x, visit, `${path}[${i}]`));
  else if (node && typeof node === "object") {
    visit(node, path);
    for (const [k, v] of Object.entries(node)) walk(v, visit, path ? `${path}.${k}` : k);
  }
}

/** The tag a production stack puts on every resource (model/production.ts). */
/**
 * The proxy's peers that are not applications: the X-Ray daemon, and the AppConfig Agent that
 * serves Envoy its route tables (routeUpdates: live), which Envoy waits for, not the reverse.
 */
export const isProxyPeer = (c: { name?: string; image?: string }) => /aws-xray-daemon|aws-appconfig-agent/.test(c.image ?? "");

export const PRODUCTION_TAG = "fargate-mesh:production";
export const isProduction = (props: Props) => props.tags?.[PRODUCTION_TAG] === "true";
