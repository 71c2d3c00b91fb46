/**
 * IAM policy documents as plain data. On the App Mesh data plane Envoy's task role may stream
 * only its own node's (or gateway's) configuration; the AWS managed AWSAppMeshEnvoyAccess grants
 * it on `*`. The Envoy data plane needs no App Mesh permission at all.
 */
/** Where a role is used: the account, region and partition its trust conditions name. */
export interface RoleScope { account: string; region: string; partition: string }

/**
 * ECS tasks may assume the role, and only on behalf of this account's ECS in this region: the
 * confused-deputy guard AWS documents for task and execution roles. ECS sets `aws:SourceArn` to
 * the task's ARN when it assumes them, so `arn:…:ecs:<region>:<account>:*` admits every task of
 * the account there and nothing else; `aws:SourceAccount` stays for tools that read only that.
 */
export function ecsTasksTrust(scope: RoleScope) {
  return {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": scope.account }, ArnLike: { "aws:SourceArn": `arn:${scope.partition}:ecs:${scope.region}:${scope.account}:*` } },
    }],
  };
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)/;

/** The ECR repository ARN an image is pulled from, or undefined for any other registry (which needs no IAM). */
export function ecrRepositoryArn(image: string): string | undefined {
  const m = ECR_IMAGE.exec(image);
  return m ? `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

/**
 * What the execution role needs, named: writing the task's own log streams, and pulling from the
 * ECR repositories its images are in. It replaces AmazonECSTaskExecutionRolePolicy, which grants
 * both on `*`; images from other registries (Docker Hub) need no permission at all.
 */
export function executionPolicy(images: string[], logGroupArn: string) {
  const repos = [...new Set(images.map(ecrRepositoryArn).filter((a): a is string => !!a))].sort();
  const statements: object[] = [{ Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:*`] }];
  if (repos.length)
    statements.push(
      // GetAuthorizationToken has no resource-level permission: AWS documents Resource "*".
      { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
      { Sid: "PullOwnImages", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: repos },
    );
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * A Secrets Manager reference may name a JSON key, version stage or version id after the
 * secret's own ARN (`…:secret:db-AbCdEf:password::`); IAM wants the secret's ARN alone.
 */
export function secretArn(ref: string): string {
  return ref.includes(":secretsmanager:") ? ref.split(":").slice(0, 7).join(":") : ref;
}

/**
 * The task role's policy: streaming its own App Mesh configuration (App Mesh data plane only),
 * Lattice services it calls (lattice.auth iam), X-Ray and ECS Exec when asked. Undefined when the task needs no AWS permission at all.
 */
export function taskPolicy(opts: { streamArn?: string; ecsExec: boolean; xray: boolean; exportCertificates?: string[]; latticeInvoke?: string[] }) {
  const statements: object[] = [];
  // lattice.auth iam: the task's Envoy signs its calls as the task role, which may invoke exactly its backends' Lattice services.
  const lattice = [...new Set(opts.latticeInvoke ?? [])].sort();
  if (lattice.length) statements.push({ Sid: "InvokeOwnBackends", Effect: "Allow", Action: ["vpc-lattice-svcs:Invoke"], Resource: lattice.map((a) => `${a}/*`) });
  if (opts.streamArn) statements.push({ Sid: "StreamOwnMeshConfig", Effect: "Allow", Action: ["appmesh:StreamAggregatedResources"], Resource: [opts.streamArn] });
  // App Mesh's Envoy fetches a listener's ACM certificate and key itself, as the task role.
  const certs = [...new Set(opts.exportCertificates ?? [])];
  if (certs.length) statements.push({ Sid: "ExportListenerCertificates", Effect: "Allow", Action: ["acm:ExportCertificate"], Resource: certs });
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

/**
 * The endpoint through which a service calls KMS on the caller's behalf: `kms:ViaService` of a
 * Secrets Manager secret is `secretsmanager.<region>.amazonaws.com`, of an SSM parameter
 * `ssm.<region>.amazonaws.com` (the region and partition of the ARN itself).
 */
export function viaService(arn: string): string {
  const [, partition, service, region] = arn.split(":");
  return `${service}.${region}.${partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}`;
}

/**
 * Secrets the execution role must read to inject them at task start, scoped to their ARNs, and
 * their customer KMS key, which it may use only through the services that hold those secrets
 * (`kms:ViaService`): the key cannot decrypt anything else the role is handed directly.
 */
export function secretsPolicy(arns: string[], kmsKeyArn?: string) {
  const sm = [...new Set(arns.filter((a) => a.includes(":secretsmanager:")).map(secretArn))];
  const ssm = [...new Set(arns.filter((a) => a.includes(":ssm:")))];
  const statements: object[] = [];
  if (sm.length) statements.push({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: sm });
  if (ssm.length) statements.push({ Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ssm });
  if (kmsKeyArn && statements.length)
    statements.push({ Effect: "Allow", Action: ["kms:Decrypt"], Resource: [kmsKeyArn], Condition: { StringEquals: { "kms:ViaService": [...new Set([...sm, ...ssm].map(viaService))].sort() } } });
  return statements.length ? { Version: "2012-10-17", Statement: statements } : undefined;
}
