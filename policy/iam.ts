/** IAM rules: wildcards whole or partial, public trust, broad managed policies. */
import { list, MeshPolicy, policyDocument, resourcePolicy } from "./helpers";

const POLICY_TYPES = ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"];
/** Every resource that attaches managed policies: attachments, and a role's own list. */
const ATTACHING = ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment", "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "aws:iam/role:Role"];

/**
 * Actions AWS documents without resource-level permissions: `Resource: "*"` is the only form
 * (DescribeLogGroups lists groups; ECS Exec's session logging needs it, and AWS grants it on `*`).
 * Anything else must name its resources.
 */
const NO_RESOURCE_LEVEL = [/^xray:Put/, /^ssmmessages:/, /^ecr:GetAuthorizationToken$/, /^logs:CreateLogGroup$/, /^logs:DescribeLogGroups$/];

/** AWS managed policies that grant `*` (or nearly): attaching one is a wildcard too. */
const WILDCARD_MANAGED = /:policy\/(AdministratorAccess|PowerUserAccess|job-function\/SystemAdministrator)$/;
/**
 * AWS managed policies that grant a whole service or more. AmazonECSInfrastructureRolePolicyForVpcLattice,
 * which the Lattice data plane attaches to the role ECS registers targets with, is none of them.
 */
const BROAD_MANAGED = /^arn:aws[\w-]*:iam::aws:policy\/(.*\/)?([\w+=,.@-]*(FullAccess|ReadWrite)[\w+=,.@-]*|PowerUser[\w+=,.@-]*|AdministratorAccess[\w+=,.@-]*)$/;

const allows = (raw: unknown) => list<any>(policyDocument(raw)?.Statement).filter((s) => s.Effect === "Allow");

/**
 * Why a resource ARN is a partial wildcard, or undefined when it names its resources. A wildcard
 * in the partition, service, region or account, or anywhere in the resource part, is partial; two
 * suffixes that stand for the children of one named resource are not: `:*` after a named log
 * group (its streams) and `/*` after a resource's own id (`${serviceArn}/*`, an S3 bucket's objects).
 */
export function partialWildcard(arn: string): string | undefined {
  if (!arn.includes("*") && !arn.includes("?")) return undefined;
  if (arn === "*") return undefined; // whole wildcards are iam-no-wildcards' concern
  // Values the offline plan does not know yet are markers with colons of their own.
  const [prefix, partition, service, region, account, ...rest] = arn.replace(/\{unknown:[^}]*\}/g, "unknown").split(":");
  if (prefix !== "arn" || rest.length === 0) return "not an ARN, with a wildcard";
  const wild = (s: string) => /[*?]/.test(s);
  if ([partition, service, region, account].some(wild)) return "a wildcard in the partition, service, region or account";
  const resource = rest.join(":");
  let named = resource;
  if (service === "logs" && /^log-group:[^*?:]+:\*$/.test(resource)) named = resource.slice(0, -2);
  else if (service === "s3" && /^[^*?/]+\/.*\*$/.test(resource) && !wild(resource.replace(/\/\*$/, ""))) named = resource.slice(0, -2);
  else if (/^[^*?/:]+\/[^*?/:]+\/\*$/.test(resource)) named = resource.slice(0, -2);
  return wild(named) ? `a wildcard in the resource ${resource}` : undefined;
}

export const iamPolicies: MeshPolicy[] = [
  resourcePolicy({ name: "iam-no-wildcards", upstream: "CKV_AWS_355; CKV_AWS_63; CKV_AWS_62; CKV_AWS_290; cfn-nag F3/F4/W11/W12", enforcementLevel: "mandatory", checks: "no * actions, and * resources only for actions that cannot name one" },
    POLICY_TYPES, (p, v) => {
      if (typeof p.policyArn === "string" && WILDCARD_MANAGED.test(p.policyArn)) v(`attaches ${p.policyArn}, which allows * actions; attach a policy that names the actions needed`);
      for (const s of allows(p.policy)) {
        // NotAction / NotResource with * allow everything but a few: wildcards in disguise.
        if (s.NotAction !== undefined) v(`NotAction ${list<string>(s.NotAction).join(", ")}: allows every other action; list the actions needed`);
        if (list<string>(s.NotResource).includes("*") || (s.NotResource !== undefined && s.Resource === undefined)) v(`NotResource ${list<string>(s.NotResource).join(", ")}: allows every other resource; name the resources`);
        const actions = list<string>(s.Action);
        for (const a of actions) if (a === "*" || a.endsWith(":*")) v(`action ${a}: name the actions needed`);
        if (list<string>(s.Resource).includes("*") && !actions.every((a) => NO_RESOURCE_LEVEL.some((re) => re.test(a))))
          v(`Resource * for ${actions.join(", ")}: name the resources (ARNs)`);
      }
    }),
  resourcePolicy({ name: "iam-no-partial-wildcards", upstream: "CKV_AWS_355 and CKV_AWS_290 in spirit; IAM user guide (least privilege)", enforcementLevel: "mandatory", checks: "no partial wildcards in actions (iam:Pass*) or resource ARNs (arn:aws:secretsmanager:*:*:secret:*), beyond a log group's :* and a named resource's /*" },
    POLICY_TYPES, (p, v) => {
      for (const s of allows(p.policy)) {
        for (const a of list<string>(s.Action))
          if (typeof a === "string" && /[*?]/.test(a) && a !== "*" && !a.endsWith(":*")) v(`action ${a} matches every action with that prefix; list the actions needed`);
        for (const r of list<string>(s.Resource)) {
          const why = typeof r === "string" ? partialWildcard(r) : undefined;
          if (why) v(`resource ${r} has ${why}; name each resource by its full ARN`);
        }
      }
    }),
  resourcePolicy({ name: "iam-trust-no-public-principal", upstream: "CKV_AWS_60; CKV_AWS_61; Trivy AWS-0057 in spirit", enforcementLevel: "mandatory", checks: "no trust policy lets Principal * or {AWS: *} assume a role without conditions" },
    ["aws:iam/role:Role"], (p, v) => {
      for (const s of allows(p.assumeRolePolicy)) {
        const pr = s.Principal;
        const anyone = pr === "*" || list(pr?.AWS).includes("*") || list(pr?.Federated).includes("*");
        if (anyone && (!s.Condition || Object.keys(s.Condition).length === 0))
          v(`trust policy lets anyone (Principal ${JSON.stringify(pr)}) call ${list<string>(s.Action).join(", ")}; name the service or account and add an aws:SourceAccount or aws:PrincipalOrgID condition`);
      }
    }),
  resourcePolicy({ name: "iam-no-broad-managed-policies", upstream: "CKV_AWS_274; Trivy AWS-0143 in spirit", enforcementLevel: "mandatory", checks: "no AWS managed policy granting a whole service or more (*FullAccess, *ReadWrite*, PowerUser*, AdministratorAccess) is attached" },
    ATTACHING, (p, v) => {
      const arns = [...list<string>(p.policyArn), ...list<string>(p.policyArns), ...list<string>(p.managedPolicyArns)].filter((a) => typeof a === "string");
      for (const arn of arns) if (BROAD_MANAGED.test(arn) && !(p.policyArn === arn && WILDCARD_MANAGED.test(arn)))
        v(`attaches ${arn}, which grants a whole service or more; attach an inline policy with the actions and resources needed`);
    }),
];
