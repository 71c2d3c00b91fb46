/**
 * The application's health as a signal ECS acts on (appmesh data plane), as the envoy data
 * plane's lifecycle container gives it (envoy/health.ts).
 *
 * App Mesh's Envoy health-checks the local application only for callers' sake (the virtual
 * node's listener health check), and nothing tells ECS: an image that runs but fails its health
 * path stays RUNNING, and the deployment circuit breaker never sees a failure to roll back. Here
 * a small `app-health` container (App Mesh's Envoy image: Amazon Linux, so bash) starts after
 * the applications, idles, and carries an ECS health check that performs each listener's health
 * check itself, against the application on 127.0.0.1. It is essential, so a failing application
 * makes the task UNHEALTHY, ECS replaces it, and the circuit breaker rolls a bad image back.
 *
 * What the probe does per listener health check protocol:
 * - http: `GET <path>` over HTTP/1.1, healthy when the status is within the model's healthy
 *   range (envoy and lattice count 200-399; App Mesh's own Envoy counts only 200, so a task can
 *   pass here and still look unhealthy to its callers, never the other way round below 400);
 * - http2, grpc and tcp: a TCP connect to the port only. Weaker than App Mesh's own check: it
 *   proves the application accepts connections, not that it answers its HTTP/2 path or the gRPC
 *   health protocol (bash cannot speak HTTP/2 framing, and application images may have no tool
 *   that can). A process that listens but answers nothing, or answers an error, passes.
 *
 * Why not the application's own container health check: the application image may have no shell
 * or curl, and the description's health check lives on the listener.
 */
import { HEALTHY_HTTP_STATUSES } from "../../../model/defaults";
import { LIMITS } from "../../../model/limits";
import type { EnvoyModel, ListenerModel, VirtualNodeModel } from "../../../model/types";
import { LogTarget, logConfiguration } from "../../service/containers";
import { appHealthPace, clamp } from "../envoy/health";
import { loopbackConnects, loopbackGetStatusIn } from "../envoy/probes";
import { IDLE_SCRIPT } from "../envoy/sidecar";

/** The container whose ECS health check is the applications' listener health checks. */
export const APP_HEALTH_CONTAINER = "app-health";

/** Whether a listener's check is probed for what it asks (HTTP status), or by a TCP connect only. */
export const probesFully = (l: ListenerModel) => l.healthCheck.protocol === "http";

/** One listener's health check as bash: exit status 0 only when the application passes it. */
export function listenerProbe(l: ListenerModel): string {
  const h = l.healthCheck;
  if (probesFully(l)) return loopbackGetStatusIn(l.port, h.path ?? "/", h.healthyStatuses ?? HEALTHY_HTTP_STATUSES);
  return loopbackConnects(l.port);
}

/** Every listener's probe, each in its own subshell (its own descriptor), all of which must pass. */
export function appHealthScript(node: VirtualNodeModel): string {
  return node.listeners.map((l) => `(${listenerProbe(l)})`).join(" && ");
}

/**
 * The app-health container's ECS health check, paced as the envoy data plane's (appHealthPace).
 * Its timeout covers every listener's own timeout in turn, as the probes run one after another.
 */
export function appMeshAppHealthCheck(node: VirtualNodeModel) {
  const { interval, retries, startPeriod } = appHealthPace(node);
  const timeoutSeconds = Math.ceil(node.listeners.reduce((sum, l) => sum + l.healthCheck.timeoutMillis, 0) / 1000);
  return {
    command: ["CMD", "/bin/bash", "-c", appHealthScript(node)],
    interval,
    timeout: clamp(timeoutSeconds, LIMITS.containerHealthTimeout),
    retries,
    startPeriod,
  };
}

/**
 * The app-health container: essential, started after the applications (so it cannot hold them
 * back, and ECS stops it first), idle until ECS stops it. It runs as Envoy's IgnoredUID, like the
 * envoy data plane's lifecycle container: its loopback probes are never intercepted anyway
 * (ECS's rules skip local destinations), and it needs no root.
 */
export function appHealthContainer(envoy: EnvoyModel, node: VirtualNodeModel, log: LogTarget) {
  return {
    name: APP_HEALTH_CONTAINER,
    image: envoy.image,
    essential: true,
    user: String(envoy.uid),
    entryPoint: ["/bin/bash", "-c"],
    command: [IDLE_SCRIPT],
    dependsOn: node.containers.map((c) => ({ containerName: c.name, condition: "START" })),
    healthCheck: appMeshAppHealthCheck(node),
    readonlyRootFilesystem: true,
    logConfiguration: logConfiguration(log, APP_HEALTH_CONTAINER),
  };
}
