/**
 * What ECS Exec needs beyond `enableExecuteCommand`, as plain data: writable paths for the SSM
 * agent in containers whose root filesystem stays read-only, the cluster's session logging,
 * and the task role's permission to write those logs.
 */

/**
 * Where the SSM agent that ECS Exec starts in each container writes: its state, its logs, and
 * the managed-agent directory Fargate mounts it from. AWS documents ECS Exec as unsupported with
 * `readonlyRootFilesystem: true`; a writable task volume on each of these paths is the workaround
 * reported in aws/containers-roadmap#1359 (and aws-containers/amazon-ecs-exec-checker#71). Each
 * container gets its own volumes: two agents sharing one state directory would take each other's
 * registration.
 */
export const EXEC_AGENT_PATHS: { suffix: string; path: string }[] = [
  { suffix: "exec-agents", path: "/managed-agents" },
  { suffix: "exec-state", path: "/var/lib/amazon/ssm" },
  { suffix: "exec-logs", path: "/var/log/amazon/ssm" },
];

/** The task volumes (ephemeral, Fargate's own storage) that container `name`'s exec agent writes to. */
export const execAgentVolumes = (name: string) => EXEC_AGENT_PATHS.map((p) => ({ name: `${name}-${p.suffix}` }));

/** Container `name`'s mount points for them, writable. */
export const execAgentMountPoints = (name: string) =>
  EXEC_AGENT_PATHS.map((p) => ({ sourceVolume: `${name}-${p.suffix}`, containerPath: p.path, readOnly: false }));

/**
 * The cluster's ECS Exec settings: every session's commands and output go to `logGroupName`
 * (OVERRIDE), whatever the task's own log configuration says. `cloudWatchEncryptionEnabled`
 * stays off, as for every other log group of the mesh (CloudWatch Logs encrypts them at rest
 * with its own key): with it on, the agent refuses to log to a group without a customer KMS key,
 * and the session fails.
 */
export function clusterExecConfiguration(logGroupName: string) {
  return {
    executeCommandConfiguration: {
      logging: "OVERRIDE",
      logConfiguration: { cloudWatchLogGroupName: logGroupName, cloudWatchEncryptionEnabled: false },
    },
  };
}

/**
 * What the task role needs for the session logs the cluster asks for (the ECS developer guide,
 * "IAM permissions required for Amazon CloudWatch Logs"): finding the group, which
 * DescribeLogGroups can only do on `*` (a list action with no resource-level permission), and
 * writing streams in that group alone.
 */
export function execSessionLoggingPolicy(logGroupArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "FindExecLogGroup", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: ["*"] },
      { Sid: "WriteExecSessions", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], Resource: [logGroupArn, `${logGroupArn}:*`] },
    ],
  };
}
