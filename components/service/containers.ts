/**
 * The ECS task definition of a meshed service as plain data: application containers, the
 * Envoy sidecar, the optional X-Ray daemon, and the APPMESH proxy configuration. Pure, so the
 * wiring that makes or breaks a mesh (UIDs, ports, start order) is tested directly.
 */
import type { ContainerModel, EnvoyModel, VirtualNodeModel } from "../../model/types";

/** Envoy's inbound and outbound capture ports, fixed by the App Mesh CNI/iptables setup. */
export const PROXY_INGRESS_PORT = 15000;
export const PROXY_EGRESS_PORT = 15001;
/** ECS task metadata and EC2 instance metadata endpoints: never send them through Envoy. */
export const EGRESS_IGNORED_IPS = "169.254.170.2,169.254.169.254";
/** Envoy's admin interface: the LIVE check below reads its server_info. */
export const ENVOY_ADMIN_PORT = 9901;
export const ENVOY_CONTAINER = "envoy";
export const XRAY_CONTAINER = "xray-daemon";
/** UDP port the X-Ray daemon listens on; Envoy sends trace segments there. */
export const XRAY_PORT = 2000;

export interface LogTarget { group: string; region: string }

function logConfiguration(log: LogTarget, prefix: string) {
  return { logDriver: "awslogs", options: { "awslogs-group": log.group, "awslogs-region": log.region, "awslogs-stream-prefix": prefix } };
}

/** The Envoy sidecar for a virtual node or a virtual gateway. */
export function envoyContainer(envoy: EnvoyModel, resourceArn: string, log: LogTarget, gatewayPorts?: number[]) {
  const env: Record<string, string> = {
    APPMESH_RESOURCE_ARN: resourceArn,
    ENVOY_LOG_LEVEL: envoy.logLevel,
    LISTENER_DRAIN_WAIT_TIME_S: String(envoy.drainSeconds),
  };
  if (envoy.xray) env.ENABLE_ENVOY_XRAY_TRACING = "1";
  if (envoy.dogStatsd) { env.ENABLE_ENVOY_DOG_STATS = "1"; env.STATSD_PORT = String(envoy.dogStatsd.port); }
  if (envoy.statsTags) env.ENABLE_ENVOY_STATS_TAGS = "1";
  return {
    name: ENVOY_CONTAINER,
    image: envoy.image,
    essential: true,
    // A gateway's Envoy is the only container and needs no IgnoredUID, so it keeps the image's user.
    ...(gatewayPorts ? {} : { user: String(envoy.uid) }),
    environment: toPairs(env),
    portMappings: (gatewayPorts ?? []).map((p) => ({ containerPort: p, protocol: "tcp" })),
    healthCheck: {
      command: ["CMD-SHELL", `curl -s http://localhost:${ENVOY_ADMIN_PORT}/server_info | grep state | grep -q LIVE`],
      startPeriod: 10, interval: 5, timeout: 2, retries: 3,
    },
    stopTimeout: envoy.stopTimeout,
    // Envoy writes its admin log and hot-restart state under /tmp; a tmpfs-like volume keeps the root read-only.
    readonlyRootFilesystem: true,
    mountPoints: [{ sourceVolume: "envoy-tmp", containerPath: "/tmp", readOnly: false }],
    logConfiguration: logConfiguration(log, "envoy"),
  };
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

export function appContainer(c: ContainerModel, log: LogTarget) {
  return {
    name: c.name,
    image: c.image,
    essential: c.essential,
    portMappings: c.ports.map((p) => ({ containerPort: p, protocol: "tcp" })),
    environment: toPairs(c.environment),
    secrets: Object.entries(c.secrets).map(([name, valueFrom]) => ({ name, valueFrom })),
    ...(c.command ? { command: c.command } : {}),
    ...(c.healthCheck ? { healthCheck: c.healthCheck } : {}),
    ...(c.cpu !== undefined ? { cpu: c.cpu } : {}),
    ...(c.memory !== undefined ? { memory: c.memory } : {}),
    readonlyRootFilesystem: c.readonlyRootFilesystem,
    // The app starts only once Envoy is LIVE; on stop the order reverses, so Envoy outlives it.
    dependsOn: [{ containerName: ENVOY_CONTAINER, condition: "HEALTHY" }],
    logConfiguration: logConfiguration(log, c.name),
  };
}

/** All container definitions of a meshed service's task. */
export function nodeContainers(node: VirtualNodeModel, envoy: EnvoyModel, nodeArn: string, log: LogTarget) {
  return [
    ...node.containers.map((c) => appContainer(c, log)),
    envoyContainer(envoy, nodeArn, log),
    ...(envoy.xray ? [xrayContainer(envoy, log)] : []),
  ];
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
    },
  };
}

function toPairs(env: Record<string, string>) {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}
