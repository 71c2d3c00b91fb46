/**
 * Where the VPC Lattice rendering sends a request, by Lattice's documented rules: the caller's
 * security group must reach the service network on the port; with AWS_IAM auth the service's
 * auth policy must name the caller's role; the listener's rules are evaluated by priority
 * (lowest first), matching method, path (prefix or exact) and header matches (exact, prefix,
 * contains; header names case-insensitive); no match takes the listener's default action.
 * References between resources are read from the offline plan's markers.
 */
import { describeShares, refused, RouteAnswer, RouteRequest, sharesOf } from "./request";
import type { PlannedResource } from "../plan-core";

type J = any;
/** `…{unknown:mesh-lattice-service-red.id}…` -> `mesh-lattice-service-red` */
const ref = (v: unknown) => /\{unknown:([^.}]+)\./.exec(String(v))?.[1];

function nodeOfTargetGroup(rs: PlannedResource[], id: unknown): string {
  const tg = rs.find((r) => r.name === ref(id));
  return (tg?.inputs as J)?.tags?.["fargate-mesh:target"] ?? String(id);
}

function headerOk(h: J, req: RouteRequest): boolean {
  const v = req.headers[String(h.name).toLowerCase()];
  if (v === undefined) return false;
  const [value, m] = h.caseSensitive ? [v, h.match] : [v.toLowerCase(), Object.fromEntries(Object.entries(h.match).map(([k, x]) => [k, String(x).toLowerCase()]))];
  return m.exact !== undefined ? value === m.exact : m.prefix !== undefined ? value.startsWith(m.prefix) : value.includes(m.contains);
}

export function routeThroughLattice(rs: PlannedResource[], caller: string, req: RouteRequest, steps: string[] = []): RouteAnswer {
  steps = [...steps, `${caller} → VPC Lattice`];
  const service = rs.find((r) => r.type === "aws:vpclattice/service:Service" && (r.inputs as J).customDomainName === req.host);
  if (!service) return refused(steps, `${req.host ?? "(no host)"} is no Lattice service of the mesh`);
  const allowed = rs.some((r) => {
    const i = r.inputs as J;
    return r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && String(ref(i.securityGroupId)).endsWith("-lattice-association-sg")
      && String(ref(i.referencedSecurityGroupId)).endsWith(`-${caller}-sg`) && i.fromPort <= req.port && req.port <= i.toPort;
  });
  if (!allowed) return refused(steps, `${caller}'s security group may not reach the service network on port ${req.port}`);
  if ((service.inputs as J).authType === "AWS_IAM") {
    const auth = rs.find((r) => r.type === "aws:vpclattice/authPolicy:AuthPolicy" && ref((r.inputs as J).resourceIdentifier) === service.name);
    const principals: string[] = JSON.parse(String((auth?.inputs as J)?.policy ?? "{}")).Statement?.[0]?.Principal?.AWS ?? [];
    if (!principals.some((p) => p.includes(`-${caller}-task-role.`))) return refused(steps, `the auth policy of ${req.host} does not allow ${caller}'s task role (403)`);
    steps.push(`auth policy allows ${caller}'s task role`);
  }
  const listener = rs.find((r) => r.type === "aws:vpclattice/listener:Listener" && ref((r.inputs as J).serviceIdentifier) === service.name && (r.inputs as J).port === req.port);
  if (!listener) return refused(steps, `${req.host} has no listener on port ${req.port}`);
  steps.push(`Lattice service ${(service.inputs as J).name}, listener ${req.port}`);
  const rules = rs.filter((r) => r.type === "aws:vpclattice/listenerRule:ListenerRule" && ref((r.inputs as J).listenerIdentifier) === listener.name)
    .map((r) => r.inputs as J).sort((a, b) => a.priority - b.priority);
  for (const rule of rules) {
    const m = rule.match.httpMatch;
    const pm = m.pathMatch?.match ?? {};
    const path = m.pathMatch?.caseSensitive === false ? req.path.toLowerCase() : req.path;
    const ok = (m.method === undefined || m.method === req.method) && (pm.prefix !== undefined ? path.startsWith(pm.prefix) : pm.exact === undefined || path === pm.exact)
      && (m.headerMatches ?? []).every((h: J) => headerOk(h, req));
    if (!ok) { steps.push(`rule ${rule.name} (priority ${rule.priority}) skipped`); continue; }
    const shares = sharesOf(rule.action.forward.targetGroups.map((t: J) => [nodeOfTargetGroup(rs, t.targetGroupIdentifier), t.weight ?? 100]));
    steps.push(`rule ${rule.name} (priority ${rule.priority}) matches`, `→ ${describeShares(shares)}`, "retries: none (VPC Lattice has no retry policy)");
    return { outcome: "routed", shares, steps };
  }
  const d = (listener.inputs as J).defaultAction;
  if (d.fixedResponse) return refused(steps, `no rule matches: Lattice answers ${d.fixedResponse.statusCode}`);
  const shares = sharesOf(d.forwards[0].targetGroups.map((t: J) => [nodeOfTargetGroup(rs, t.targetGroupIdentifier), t.weight ?? 100]));
  steps.push("the listener's default action", `→ ${describeShares(shares)}`);
  return { outcome: "routed", shares, steps };
}
