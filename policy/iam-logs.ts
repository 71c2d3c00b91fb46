/** CloudWatch Logs rules (the IAM ones are in iam.ts). */
import { MeshPolicy, resourcePolicy } from "./helpers";

export const iamLogsPolicies: MeshPolicy[] = [
  resourcePolicy({ name: "logs-retention", upstream: "CKV_AWS_66", enforcementLevel: "mandatory", checks: "log groups expire their logs" },
    ["aws:cloudwatch/logGroup:LogGroup"], (p, v) => { if (!(p.retentionInDays > 0)) v("set retentionInDays"); }),
  resourcePolicy({ name: "logs-retention-365-kms", upstream: "CKV_AWS_338; CKV_AWS_158; Trivy AWS-0017", enforcementLevel: "advisory", checks: "log groups keep a year of logs, encrypted with a customer KMS key" },
    ["aws:cloudwatch/logGroup:LogGroup"], (p, v) => {
      if (!(p.retentionInDays >= 365)) v(`retention is ${p.retentionInDays ?? "unset"} days; the strict rule wants 365`);
      if (!p.kmsKeyId) v("set kmsKeyId to a customer-managed KMS key");
    }),
];
