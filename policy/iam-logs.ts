/** IAM and CloudWatch Logs rules. */
import { list, MeshPolicy, policyDocument, resourcePolicy } from "./helpers";

/**
 * Actions AWS documents without resource-level permissions: `Resource: "*"` is the only form.
 * Anything else must name its resources.
 */
const NO_RESOURCE_LEVEL = [/^xray:Put/, /^ssmmessages:/, /^ecr:GetAuthorizationToken$/, /^logs:CreateLogGroup$/];

/** AWS managed policies that grant `*` (or nearly): attaching one is a wildcard too. */
const WILDCARD_MANAGED = /:policy\/(AdministratorAccess|PowerUserAccess|job-function\/SystemAdministrator)$/;

export const iamLogsPolicies: MeshPolicy[] = [
  resourcePolicy({ name: "iam-no-wildcards", upstream: "CKV_AWS_355; CKV_AWS_63; CKV_AWS_62; CKV_AWS_290; cfn-nag F3/F4/W11/W12", enforcementLevel: "mandatory", checks: "no * actions, and * resources only for actions that cannot name one" },
    ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"], (p, v) => {
      if (typeof p.policyArn === "string" && WILDCARD_MANAGED.test(p.policyArn)) v(`attaches ${p.policyArn}, which allows * actions; attach a policy that names the actions needed`);
      for (const s of list<any>(policyDocument(p.policy)?.Statement)) {
        if (s.Effect !== "Allow") continue;
        // NotAction / NotResource with * allow everything but a few: wildcards in disguise.
        if (s.NotAction !== undefined) v(`NotAction ${list<string>(s.NotAction).join(", ")}: allows every other action; list the actions needed`);
        if (list<string>(s.NotResource).includes("*") || (s.NotResource !== undefined && s.Resource === undefined)) v(`NotResource ${list<string>(s.NotResource).join(", ")}: allows every other resource; name the resources`);
        const actions = list<string>(s.Action);
        for (const a of actions) if (a === "*" || a.endsWith(":*")) v(`action ${a}: name the actions needed`);
        if (list<string>(s.Resource).includes("*") && !actions.every((a) => NO_RESOURCE_LEVEL.some((re) => re.test(a))))
          v(`Resource * for ${actions.join(", ")}: name the resources (ARNs)`);
      }
    }),
  resourcePolicy({ name: "logs-retention", upstream: "CKV_AWS_66", enforcementLevel: "mandatory", checks: "log groups expire their logs" },
    ["aws:cloudwatch/logGroup:LogGroup"], (p, v) => { if (!(p.retentionInDays > 0)) v("set retentionInDays"); }),
  resourcePolicy({ name: "logs-retention-365-kms", upstream: "CKV_AWS_338; CKV_AWS_158; Trivy AWS-0017", enforcementLevel: "advisory", checks: "log groups keep a year of logs, encrypted with a customer KMS key" },
    ["aws:cloudwatch/logGroup:LogGroup"], (p, v) => {
      if (!(p.retentionInDays >= 365)) v(`retention is ${p.retentionInDays ?? "unset"} days; the strict rule wants 365`);
      if (!p.kmsKeyId) v("set kmsKeyId to a customer-managed KMS key");
    }),
];
