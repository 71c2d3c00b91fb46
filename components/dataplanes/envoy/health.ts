/**
 * The application's health as a signal ECS acts on (envoy data plane).
 *
 * Application images may have no shell, curl or health endpoint tool, and the description's
 * health check lives on the listener, not the container. So Envoy does the checking: each
 * local-application cluster is actively health-checked exactly as the listener's health check
 * says (HTTP path, HTTP/2, gRPC health protocol or TCP connect), and a loopback listener answers
 * `GET /app-health` with 200 only while every local cluster is healthy (Envoy's health_check
 * filter). The lifecycle container (Envoy's image, which has bash) asks it as its ECS health
 * check; being essential, an UNHEALTHY answer makes the task unhealthy, so ECS replaces it and the
 * deployment circuit breaker rolls a bad image back.
 *
 * Why not Envoy's own container health check: applications start only after Envoy is HEALTHY,
 * so Envoy's health cannot wait for the application without a deadlock. The lifecycle
 * container starts after the applications instead.
 *
 * Routing is unchanged: a single local host that fails its check puts the cluster in panic mode
 * (Envoy's default 50% threshold), so requests still reach the application and callers see its
 * answers; their own health checks and outlier detection decide about it.
 */
import { LIMITS } from "../../../model/limits";
import type { VirtualNodeModel } from "../../../model/types";
import { localCluster } from "./clusters";
import { EDGE, edgeConnectionManager } from "./edge";
import { filter, httpConnectionManager } from "./listeners";
import { loopbackGetOk } from "./probes";
import { Json, PORTS, T } from "./types";

export const APP_HEALTH_PATH = "/app-health";

/** The loopback listener that reports whether every local application cluster is healthy. */
export function appHealthListener(node: VirtualNodeModel): Json | undefined {
  if (!node.listeners.length) return undefined;
  const healthFilter = filter("envoy.filters.http.health_check", T.healthCheck, {
    pass_through_mode: false,
    headers: [{ name: ":path", string_match: { exact: APP_HEALTH_PATH } }],
    cluster_min_healthy_percentages: Object.fromEntries(node.listeners.map((l) => [localCluster(l.port), { value: 100 }])),
  });
  return {
    name: "app-health",
    address: { socket_address: { address: "127.0.0.1", port_value: PORTS.appHealth } },
    // No routes: anything but GET /app-health is a 404.
    filter_chains: [{ filters: [httpConnectionManager({ statPrefix: "app-health", virtualHosts: [], httpFilters: [healthFilter] })] }],
  };
}

/**
 * The gateway's readiness listener, which the NLB's HTTP health check asks: `GET <path>` answers
 * 200 while Envoy serves, and 503 once it has begun to drain (the drain on stop posts admin
 * `/healthcheck/fail` first), so the NLB stops sending new connections before the listeners
 * close. Envoy's health_check filter, not the admin `/ready` proxied: the admin interface can
 * drain and stop Envoy, and stays on loopback. Not tagged INBOUND, so the drain leaves it up and
 * answering 503 rather than refusing connections; anything but GET <path> is a 404.
 */
export function gatewayReadyListener(port: number, path: string): Json {
  const healthFilter = filter("envoy.filters.http.health_check", T.healthCheck, {
    pass_through_mode: false,
    headers: [{ name: ":path", string_match: { exact: path } }],
  });
  return {
    name: "gateway-ready",
    address: { socket_address: { address: "0.0.0.0", port_value: port } },
    // Hardened like the gateway's own listeners: it sits on the task's address too.
    per_connection_buffer_limit_bytes: EDGE.perConnectionBufferLimitBytes,
    filter_chains: [{ filters: [httpConnectionManager({ statPrefix: "gateway-ready", virtualHosts: [], httpFilters: [healthFilter], extra: edgeConnectionManager() })] }],
  };
}

/** Asks the app-health listener; exit status 0 only on a 200. */
export const APP_HEALTH_CHECK = loopbackGetOk(PORTS.appHealth, APP_HEALTH_PATH);

export const clamp = (x: number, limit: { min: number; max: number }) => Math.min(limit.max, Math.max(limit.min, x));

/**
 * How ECS paces a container health check that stands for the application's listeners: as often
 * as the listeners are checked, failing after as many misses as their unhealthy threshold, after
 * the service's start period; within ECS's limits. Shared with the appmesh data plane's
 * app-health container.
 */
export function appHealthPace(node: VirtualNodeModel) {
  const hcs = node.listeners.map((l) => l.healthCheck);
  return {
    interval: clamp(Math.ceil(Math.max(...hcs.map((h) => h.intervalMillis)) / 1000), LIMITS.containerHealthInterval),
    retries: clamp(Math.max(...hcs.map((h) => h.unhealthyThreshold)), LIMITS.containerHealthRetries),
    startPeriod: node.task.startPeriod,
  };
}

/** The lifecycle container's ECS health check: asks Envoy's app-health listener, paced as the listeners. */
export function appHealthContainerCheck(node: VirtualNodeModel) {
  const { interval, retries, startPeriod } = appHealthPace(node);
  return {
    command: ["CMD", "/bin/bash", "-c", APP_HEALTH_CHECK],
    interval,
    // A loopback answer from Envoy, which already applied the listeners' own timeouts.
    timeout: LIMITS.containerHealthTimeout.min,
    retries,
    startPeriod,
  };
}
