/**
 * The containers every data plane shares, as plain data: application containers, the X-Ray
 * daemon, and the APPMESH proxy configuration (ECS's only type; it installs the iptables rules
 * whatever configures Envoy). Pure, so the wiring that makes or breaks a mesh (UIDs, ports,
 * start order) is tested directly. Each data plane's Envoy container is in components/dataplanes/.
 */
import type { ContainerModel, EnvoyModel, VirtualNodeModel } from "../../model/types";

import { execAgentMountPoints } from "./ecs-exec";
import { APP_HEALTH_PORT, ENVOY_ADMIN_PORT, PROXY_EGRESS_PORT, PROXY_INGRESS_PORT, XRAY_PORT } from "../../model/task-ports";

export { APP_HEALTH_PORT, ENVOY_ADMIN_PORT, PROXY_EGRESS_PORT, PROXY_INGRESS_PORT, XRAY_PORT };
/** ECS task metadata and EC2 instance metadata endpoints: never send them through Envoy. */
export const EGRESS_IGNORED_IPS = "169.254.170.2,169.254.169.254";
export const ENVOY_CONTAINER = "envoy";
export const XRAY_CONTAINER = "xray-daemon";

export interface LogTarget { group: string; region: string }

export function logConfiguration(log: LogTarget, prefix: string) {
  return { logDriver: "awslogs", options: { "awslogs-group": log.group, "awslogs-region": log.region, "awslogs-stream-prefix": prefix } };
}

export function xrayContainer(envoy: EnvoyModel, log: LogTarget) {
  return {
    name: XRAY_CONTAINER,
    image: envoy.xrayImage,
    essential: true,
    user: String(envoy.uid),
    portMappings: [{ containerPort: XRAY_PORT, protocol: "udp" }],
    readonlyRootFilesystem: true,
    logConfiguration: logConfiguration(log, "xray"),
  };
}

/** Without extra capabilities, Linux lets only root bind ports below this one. */
export const FIRST_UNPRIVILEGED_PORT = 1024;

/**
 * The user of a gateway's Envoy, alone in its task: the non-root Envoy UID when every listener
 * port is unprivileged (the NLB can still listen on 80 and forward to, say, 8080), else the
 * image's own user, which is root, because only root may bind a port below 1024.
 */
export function gatewayUser(envoy: EnvoyModel, ports: number[]): { user?: string } {
  return ports.every((p) => p >= FIRST_UNPRIVILEGED_PORT) ? { user: String(envoy.uid) } : {};
}

/** The name ECS (VPC Lattice configurations) refers to an application port by. */
export const portName = (port: number) => `port-${port}`;

/**
 * An application container. With `execAgent` (the service's `ecsExec`), it mounts writable
 * volumes where ECS Exec's agent writes, so its root filesystem can stay read-only; the task
 * definition then carries `execAgentVolumes(c.name)`.
 */
export function appContainer(c: ContainerModel, log: LogTarget, extraEnvironment: Record<string, string> = {}, opts: { proxy?: string; namedPorts?: boolean; execAgent?: boolean } = { proxy: ENVOY_CONTAINER }) {
  return {
    name: c.name,
    image: c.image,
    essential: c.essential,
    portMappings: c.ports.map((p) => ({ containerPort: p, protocol: "tcp", ...(opts.namedPorts ? { name: portName(p) } : {}) })),
    environment: toPairs({ ...c.environment, ...extraEnvironment }),
    secrets: toSecrets(c.secrets),
    ...(c.command ? { command: c.command } : {}),
    ...(c.user !== undefined ? { user: c.user } : {}),
    ...(c.healthCheck ? { healthCheck: c.healthCheck } : {}),
    ...(c.cpu !== undefined ? { cpu: c.cpu } : {}),
    ...(c.memory !== undefined ? { memory: c.memory } : {}),
    readonlyRootFilesystem: c.readonlyRootFilesystem,
    ...(opts.execAgent ? { mountPoints: execAgentMountPoints(c.name) } : {}),
    // The app starts only once its proxy is ready; on stop the order reverses, so the proxy outlives it.
    ...(opts.proxy ? { dependsOn: [{ containerName: opts.proxy, condition: "HEALTHY" }] } : {}),
    logConfiguration: logConfiguration(log, c.name),
  };
}

/** proxyConfiguration APPMESH: iptables send the app ports through Envoy, except Envoy's own traffic (IgnoredUID). */
export function proxyConfiguration(node: VirtualNodeModel, envoy: EnvoyModel) {
  return {
    type: "APPMESH",
    containerName: ENVOY_CONTAINER,
    properties: {
      IgnoredUID: String(envoy.uid),
      ProxyIngressPort: String(PROXY_INGRESS_PORT),
      ProxyEgressPort: String(PROXY_EGRESS_PORT),
      AppPorts: node.listeners.map((l) => l.port).join(","),
      EgressIgnoredIPs: EGRESS_IGNORED_IPS,
      // Ports the description lets past Envoy (22 the ECS agent always ignores).
      ...(node.egressIgnoredPorts.length ? { EgressIgnoredPorts: node.egressIgnoredPorts.join(",") } : {}),
    },
  };
}

/** ECS `secrets`: each variable filled at start from a Secrets Manager or SSM ARN. */
export function toSecrets(secrets: Record<string, string>) {
  return Object.entries(secrets).map(([name, valueFrom]) => ({ name, valueFrom }));
}

export function toPairs(env: Record<string, string>) {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}
