/**
 * IAM policy documents as plain data. On the App Mesh data plane Envoy's task role may stream
 * only its own node's (or gateway's) configuration; the AWS managed AWSAppMeshEnvoyAccess grants
 * it on `*`. The Envoy data plane needs no App Mesh permission at all.
 */
export const ECS_TASKS_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/** The managed execution-role policy: pull images from ECR and write the awslogs streams. */
export const EXECUTION_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";

/**
 * The task role's policy: streaming its own App Mesh configuration (App Mesh data plane only),
 * X-Ray and ECS Exec when asked. Undefined when the task needs no AWS permission at all.
 */
export function taskPolicy(opts: { streamArn?: string; ecsExec: boolean; xray: boolean }) {
  const statements: object[] = [];
  if (opts.streamArn) statements.push({ Sid: "StreamOwnMeshConfig", Effect: "Allow", Action: ["appmesh:StreamAggregatedResources"], Resource: [opts.streamArn] });
  // X-Ray and SSM Messages have no resource-level permissions: AWS documents Resource "*" for them.
  if (opts.xray) statements.push({ Sid: "XRayTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: ["*"] });
  if (opts.ecsExec)
    statements.push({
      Sid: "EcsExec", Effect: "Allow",
      Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
      Resource: ["*"],
    });
  return statements.length ? { Version: "2012-10-17", Statement: statements } : undefined;
}

/** Secrets the execution role must read to inject them at task start, scoped to their ARNs. */
export function secretsPolicy(arns: string[]) {
  const sm = arns.filter((a) => a.startsWith("arn:aws:secretsmanager:"));
  const ssm = arns.filter((a) => a.includes(":ssm:"));
  const statements: object[] = [];
  if (sm.length) statements.push({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: sm });
  if (ssm.length) statements.push({ Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ssm });
  return statements.length ? { Version: "2012-10-17", Statement: statements } : undefined;
}
