/** IAM around the VPC Lattice data plane: who may invoke, and what ECS's infrastructure role holds. */
import type { PolicyResource } from "@pulumi/policy";
import { ECS_SERVICE, inlineBootstrap, list, MeshPolicy, policyDocument, refersTo, stackPolicy, TASK } from "./helpers";

/** The managed policy AWS documents for the role ECS registers Lattice targets with. */
const INFRASTRUCTURE_POLICY = /^arn:aws[\w-]*:iam::aws:policy\/AmazonECSInfrastructureRolePolicyForVpcLattice$/;
const ROLE = "aws:iam/role:Role";
const conditioned = (s: any) => s.Condition && Object.keys(s.Condition).length > 0;

/** Roles ECS services name in vpcLatticeConfigurations, with the target groups each registers. */
function infrastructureRoles(all: PolicyResource[]): Map<PolicyResource, string[]> {
  const out = new Map<PolicyResource, string[]>();
  for (const svc of all.filter((r) => r.type === ECS_SERVICE))
    for (const c of list<any>(svc.props.vpcLatticeConfigurations))
      for (const role of all.filter((r) => r.type === ROLE && refersTo(c.roleArn, r))) out.set(role, [...(out.get(role) ?? []), c.targetGroupArn]);
  // A role carrying the Lattice infrastructure policy is one too, even if no service names it yet.
  for (const a of all.filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && INFRASTRUCTURE_POLICY.test(String(r.props.policyArn))))
    for (const role of all.filter((r) => r.type === ROLE && refersTo(a.props.role, r))) if (!out.has(role)) out.set(role, []);
  return out;
}

const AUTH_POLICY = "aws:vpclattice/authPolicy:AuthPolicy";
const AWS_IAM_TARGETS = ["aws:vpclattice/serviceNetwork:ServiceNetwork", "aws:vpclattice/service:Service"];
const SIGNING_FILTER = "envoy.filters.http.aws_request_signing";
/** Whether an Envoy cluster signs what it sends (an upstream aws_request_signing filter). */
const signs = (c: any) => Object.values(c.typed_extension_protocol_options ?? {}).some((o: any) => list<any>(o?.http_filters).some((f) => f?.name === SIGNING_FILTER));

export const latticeIamPolicies: MeshPolicy[] = [
  stackPolicy({ name: "lattice-iam-callable", upstream: "AWS VPC Lattice user guide (auth policies, SigV4)", enforcementLevel: "mandatory", checks: "with AWS_IAM auth every service network and Lattice service has an auth policy (AWS denies all without one), and every Envoy that sends to Lattice signs (SigV4)" },
    (all, report) => {
      const iam = all.filter((r) => AWS_IAM_TARGETS.includes(r.type) && r.props.authType === "AWS_IAM");
      for (const r of iam)
        if (!all.some((p) => p.type === AUTH_POLICY && refersTo(p.props.resourceIdentifier, r)))
          report(`${r.type.endsWith("serviceNetwork:ServiceNetwork") ? "service network" : "Lattice service"} ${r.name} has auth type AWS_IAM and no auth policy, so AWS denies every request to it; add one that allows its callers' task roles (lattice.auth: iam does)`, r.urn);
      if (!iam.length) return;
      for (const t of all.filter((r) => r.type === TASK)) {
        const found = inlineBootstrap(t.props);
        for (const c of list<any>(found?.bootstrap?.static_resources?.clusters))
          if (c?.metadata?.filter_metadata?.["fargate-mesh"]?.upstream === "vpc-lattice" && !signs(c))
            report(`container ${found!.container.name}: cluster ${c.name} sends to VPC Lattice unsigned, which an AWS_IAM service refuses (403); sign with the ${SIGNING_FILTER} upstream filter, service vpc-lattice-svcs`, t.urn);
      }
    }),
  stackPolicy({ name: "lattice-auth-no-anonymous", upstream: "AWS VPC Lattice user guide (auth policies)", enforcementLevel: "mandatory", checks: "no Lattice auth policy allows Principal * without a condition (aws:PrincipalOrgID, vpc-lattice-svcs:SourceVpc)" },
    (all, report) => {
      for (const r of all.filter((x) => x.type === "aws:vpclattice/authPolicy:AuthPolicy"))
        for (const s of list<any>(policyDocument(r.props.policy)?.Statement))
          if (s.Effect === "Allow" && (s.Principal === "*" || list(s.Principal?.AWS).includes("*")) && !conditioned(s))
            report("allows Principal * to invoke; name the callers' task roles (lattice.auth: iam does) or add an aws:PrincipalOrgID condition", r.urn);
    }),
  stackPolicy({ name: "lattice-infrastructure-role-scoped", upstream: "Amazon ECS developer guide (infrastructure IAM role for VPC Lattice)", enforcementLevel: "mandatory", checks: "the role ECS registers Lattice targets with trusts ecs.amazonaws.com under an aws:SourceAccount condition and holds nothing beyond its target groups" },
    (all, report) => {
      for (const [role, targetGroups] of infrastructureRoles(all)) {
        for (const s of list<any>(policyDocument(role.props.assumeRolePolicy)?.Statement).filter((x) => x.Effect === "Allow")) {
          const services = list<string>(s.Principal?.Service);
          if (s.Principal === "*" || s.Principal?.AWS !== undefined || services.some((x) => x !== "ecs.amazonaws.com"))
            report(`trusts ${JSON.stringify(s.Principal)}; trust only the service ecs.amazonaws.com`, role.urn);
          else if (!conditioned(s)) report("trusts ecs.amazonaws.com without a condition; add aws:SourceAccount (or aws:SourceArn of the cluster) so no other account's ECS can use it", role.urn);
        }
        for (const a of all.filter((r) => refersTo(r.props.role, role) || list<string>(r.props.roles).some((x) => refersTo(x, role)))) {
          if (/Attachment/.test(a.type)) {
            for (const arn of [...list<string>(a.props.policyArn), ...list<string>(a.props.policyArns)])
              if (typeof arn === "string" && !INFRASTRUCTURE_POLICY.test(arn)) report(`attaches ${arn} to the Lattice infrastructure role; it needs AmazonECSInfrastructureRolePolicyForVpcLattice only`, a.urn);
          } else if (a.type === "aws:iam/rolePolicy:RolePolicy") {
            // An inline policy may only narrow the role to its own target groups.
            for (const s of list<any>(policyDocument(a.props.policy)?.Statement).filter((x) => x.Effect === "Allow"))
              for (const r of list<string>(s.Resource)) if (typeof r === "string" && !targetGroups.includes(r))
                report(`grants ${list<string>(s.Action).join(", ")} on ${r}; the infrastructure role may reach only the target groups its services register (${targetGroups.join(", ") || "none"})`, a.urn);
          }
        }
        for (const arn of list<string>(role.props.managedPolicyArns))
          if (!INFRASTRUCTURE_POLICY.test(arn)) report(`lists managed policy ${arn}; the Lattice infrastructure role needs AmazonECSInfrastructureRolePolicyForVpcLattice only`, role.urn);
      }
    }),
];
