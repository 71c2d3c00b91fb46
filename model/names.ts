/**
 * Every name AWS sees, computed in one place. Pulumi resource names (identity) are derived
 * separately in components/base.ts, so changing a display name never replaces a resource.
 */
import { createHash } from "crypto";

/**
 * Length limits of the AWS names fargate-mesh sets, from each service's API reference.
 * A `*Prefix` limit leaves room for the unique suffix the provider appends (26 characters).
 */
export const AWS_NAME_LIMITS = {
  /** IAM CreateRole RoleName: 64; the provider's name_prefix leaves 38. */
  iamRoleNamePrefix: 38,
  /** IAM PutRolePolicy PolicyName. */
  iamRolePolicy: 128,
  /** EC2 security group names: 255; name_prefix leaves 229. */
  securityGroupNamePrefix: 229,
  /** Elastic Load Balancing v2 load balancer and target group names. */
  loadBalancer: 32,
  targetGroup: 32,
  /** CloudWatch Logs log group names. */
  logGroup: 512,
  /** ECS task definition family, service and cluster names. */
  taskFamily: 255,
  ecsService: 255,
  cluster: 255,
  /** Cloud Map RegisterInstance InstanceId. */
  cloudMapInstanceId: 64,
} as const;

/**
 * `name` if it fits `limit`, else its start and a 6-character hash of the whole name, so two
 * long names that share a start stay distinct and the result never changes between runs.
 */
export function fit(name: string, limit: number): string {
  if (name.length <= limit) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${name.slice(0, limit - 7).replace(/-+$/, "")}-${hash}`;
}

/** A name prefix that fits `limit`, ending in '-' so the provider's suffix reads apart. */
const prefix = (base: string, limit: number) => `${fit(base, limit - 1)}-`;

/** A name qualified by the mesh (which carries the environment), unless it already is. */
export const qualified = (mesh: string, name: string) => (name === mesh || name.startsWith(`${mesh}-`) ? name : `${mesh}-${name}`);

export const names = {
  mesh: (base: string, environment: string) => `${base}-${environment}`,
  cluster: (mesh: string) => mesh,
  virtualNode: (key: string) => key,
  virtualRouter: (key: string) => key,
  route: (key: string) => key,
  gateway: (mesh: string, configured?: string) => configured ?? `${mesh}-gateway`,
  gatewayRoute: (key: string) => key,
  /** Cloud Map service names are DNS labels, hence lower case. */
  cloudMapService: (key: string, configured?: string) => configured ?? key.toLowerCase(),
  virtualService: (label: string, namespace: string) => `${label}.${namespace}`,
  ecsService: (key: string) => key,
  taskFamily: (mesh: string, key: string) => `${mesh}-${key}`,
  logGroup: (mesh: string, key: string) => `/ecs/${mesh}/${key}`,
  /** ECS Exec session logs of a cluster: outside `/ecs/<mesh>/`, where a service's key could take the name. */
  execLogGroup: (cluster: string) => fit(`/ecs-exec/${cluster}`, AWS_NAME_LIMITS.logGroup),
  /** Placeholder instance of a router's Cloud Map name. */
  placeholderInstance: (service: string) => fit(`${service}-placeholder`, AWS_NAME_LIMITS.cloudMapInstanceId),
};

/**
 * Names of what runs one task: roles and security group are created with a name prefix (the
 * provider adds a unique suffix, so a replacement never collides with the resource it replaces).
 * `displayName` is what the console shows (Name tags); it carries the environment.
 */
export function taskNames(displayName: string) {
  return {
    displayName,
    executionRoleNamePrefix: prefix(`${displayName}-exec`, AWS_NAME_LIMITS.iamRoleNamePrefix),
    taskRoleNamePrefix: prefix(`${displayName}-task`, AWS_NAME_LIMITS.iamRoleNamePrefix),
    securityGroupNamePrefix: prefix(displayName, AWS_NAME_LIMITS.securityGroupNamePrefix),
  };
}

/**
 * The gateway's load balancer names. Both are fixed names (ELB has no usable prefix: 6
 * characters), so what forces a replacement is part of the name: the scheme for the load
 * balancer, the port for the target group. The replacement then gets a new name and is
 * created before the old one is deleted.
 */
export function gatewayLbNames(displayName: string, nlb: { internetFacing: boolean; targetPort: number }) {
  return {
    loadBalancerName: fit(`${displayName}${nlb.internetFacing ? "" : "-int"}`, AWS_NAME_LIMITS.loadBalancer),
    targetGroupName: fit(`${displayName}-${nlb.targetPort}`, AWS_NAME_LIMITS.targetGroup),
    securityGroupNamePrefix: prefix(`${displayName}-nlb`, AWS_NAME_LIMITS.securityGroupNamePrefix),
  };
}

/** Names of a new VPC's flow-log plumbing. */
/** The CloudWatch Logs group VPC Lattice writes the mesh's access logs to (lattice data plane). */
export const latticeAccessLogGroup = (mesh: string) => fit(`/aws/vpclattice/${mesh}`, AWS_NAME_LIMITS.logGroup);

export function flowLogNames(displayName: string) {
  return {
    logGroup: fit(`/vpc/${displayName}/flow-logs`, AWS_NAME_LIMITS.logGroup),
    roleNamePrefix: prefix(`${displayName}-flow-logs`, AWS_NAME_LIMITS.iamRoleNamePrefix),
  };
}

/**
 * Names that are used whole (no hash can shorten them without hiding what they are): the
 * cluster and each task family. A description whose names cannot fit is rejected here, with the
 * path of the part to shorten. (Log groups, `/ecs/<family parts>`, then fit their 512 too.)
 */
export function checkNameLengths(
  cfg: { mesh: { name: string }; services: Record<string, unknown>; gateway?: { name?: string } },
  environment: string,
  list: { add(path: PropertyKey[], message: string): void },
): void {
  const mesh = names.mesh(cfg.mesh.name, environment);
  const tooLong = (what: string, name: string, limit: number) =>
    `is too long: the ${what} ${JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name)} would have ${name.length} characters, and AWS allows at most ${limit}`;
  if (mesh.length > AWS_NAME_LIMITS.cluster) list.add(["mesh", "name"], tooLong("ECS cluster name", mesh, AWS_NAME_LIMITS.cluster));
  for (const key of Object.keys(cfg.services)) {
    const family = names.taskFamily(mesh, key);
    if (family.length > AWS_NAME_LIMITS.taskFamily) list.add(["services", key], tooLong("task definition family", family, AWS_NAME_LIMITS.taskFamily));
  }
  if (cfg.gateway) {
    const family = qualified(mesh, names.gateway(mesh, cfg.gateway.name));
    if (family.length > AWS_NAME_LIMITS.taskFamily) list.add(["gateway", "name"], tooLong("task definition family", family, AWS_NAME_LIMITS.taskFamily));
  }
}
