/** IAM documents of the network component, as plain data: the role VPC flow logs write with. */
import type { RoleScope } from "./service/iam";

/**
 * Only this account's flow logs in this region may assume the role: the flow-logs service sets
 * `aws:SourceArn` to the flow log's ARN (`arn:…:ec2:<region>:<account>:vpc-flow-log/fl-…`),
 * which is not known before the flow log exists (it needs the role first), hence `/*`.
 */
export function flowLogsTrust(scope: RoleScope) {
  return {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": scope.account }, ArnLike: { "aws:SourceArn": `arn:${scope.partition}:ec2:${scope.region}:${scope.account}:vpc-flow-log/*` } },
    }],
  };
}

/** Writing the flow-log group's streams, and nothing else. */
export function flowLogsPolicy(logGroupArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [logGroupArn, `${logGroupArn}:*`] }],
  };
}
