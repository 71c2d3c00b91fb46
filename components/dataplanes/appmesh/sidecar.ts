/**
 * The App Mesh data plane's proxy: AWS's Envoy image streams its configuration from App Mesh
 * for one virtual node or gateway ARN (APPMESH_RESOURCE_ARN), configured by environment.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EnvoyModel, GatewayModel, VirtualNodeModel } from "../../../model/types";
import { ENVOY_ADMIN_PORT, ENVOY_CONTAINER, LogTarget, gatewayUser, logConfiguration, proxyConfiguration, toPairs, xrayContainer } from "../../service/containers";
import { taskPolicy } from "../../service/iam";
import type { Sidecar } from "../../service/sidecar";
import { appHealthContainer } from "./app-health";
import { acmCertificates } from "./specs";

/** The App Mesh Envoy container for a virtual node or a virtual gateway. */
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
    // A gateway's Envoy needs no IgnoredUID; it runs as root only to bind a port below 1024.
    ...(gatewayPorts ? gatewayUser(envoy, gatewayPorts) : { user: String(envoy.uid) }),
    environment: toPairs(env),
    portMappings: (gatewayPorts ?? []).map((p) => ({ containerPort: p, protocol: "tcp" })),
    healthCheck: {
      command: ["CMD-SHELL", `curl -s http://localhost:${ENVOY_ADMIN_PORT}/server_info | grep state | grep -q LIVE`],
      startPeriod: 10, interval: 5, timeout: 2, retries: 3,
    },
    stopTimeout: envoy.stopTimeout,
    // The App Mesh image's agent writes Envoy's configuration and hot-restart state under /tmp.
    readonlyRootFilesystem: true,
    mountPoints: [{ sourceVolume: "envoy-tmp", containerPath: "/tmp", readOnly: false }],
    logConfiguration: logConfiguration(log, "envoy"),
  };
}

/**
 * A virtual node's sidecar: Envoy streams `nodeArn`'s configuration; iptables send app ports
 * through it. Where the task takes traffic, the app-health container reports the applications'
 * health to ECS (app-health.ts); a client-only service has none to report.
 */
export function appMeshSidecar(node: VirtualNodeModel, envoy: EnvoyModel, nodeArn: pulumi.Input<string>, log: LogTarget): Sidecar {
  return {
    containers: pulumi.output(nodeArn).apply((arn) => [
      envoyContainer(envoy, arn, log),
      ...(node.listeners.length ? [appHealthContainer(envoy, node, log)] : []),
      ...(envoy.xray ? [xrayContainer(envoy, log)] : []),
    ]),
    images: [envoy.image, ...(envoy.xray ? [envoy.xrayImage] : [])],
    proxyConfiguration: proxyConfiguration(node, envoy),
    taskPolicy: pulumi.output(nodeArn).apply((arn) => JSON.stringify(taskPolicy({ streamArn: arn, ecsExec: node.task.ecsExec, xray: envoy.xray, exportCertificates: acmCertificates(node.listeners) }))),
    roleDescription: `Envoy of service ${node.key}: streams only its own mesh configuration`,
    volumes: [{ name: "envoy-tmp" }],
    proxyContainer: ENVOY_CONTAINER,
  };
}

/** The virtual gateway's Envoy, alone in its task. */
export function appMeshGateway(g: GatewayModel, envoy: EnvoyModel, gatewayArn: pulumi.Input<string>, log: LogTarget): Sidecar {
  return {
    containers: pulumi.output(gatewayArn).apply((arn) => [envoyContainer(envoy, arn, log, g.listeners.map((l) => l.port))]),
    images: [envoy.image],
    taskPolicy: pulumi.output(gatewayArn).apply((arn) => JSON.stringify(taskPolicy({ streamArn: arn, ecsExec: false, xray: envoy.xray, exportCertificates: acmCertificates(g.listeners) }))),
    roleDescription: `Envoy of gateway ${g.name}: streams only its own mesh configuration`,
    volumes: [{ name: "envoy-tmp" }],
  };
}
