/**
 * The Envoy data plane's proxy container: upstream Envoy started with its bootstrap inline
 * (`--config-yaml`, JSON being YAML), so a task definition revision pins the exact configuration
 * and an ECS rollback restores it. No control plane, no App Mesh permission.
 */
import type { EnvoyModel, MeshModel, VirtualNodeModel } from "../../../model/types";
import {
  EGRESS_IGNORED_IPS, ENVOY_CONTAINER, LogTarget, gatewayUser, logConfiguration, proxyConfiguration, toPairs, toSecrets, xrayContainer,
} from "../../service/containers";
import { taskPolicy } from "../../service/iam";
import type { Sidecar } from "../../service/sidecar";
import { gatewayBootstrap, sidecarBootstrap } from "./bootstrap";
import { appHealthContainerCheck } from "./health";
import { loopbackGetOk, loopbackRequest } from "./probes";
import { tlsSecrets } from "./tls";
import { nodeOf } from "./routes";
import { ROUTES_DIR } from "./live-routes";
import { RELAY } from "./route-relay";
import { LiveTask, liveTask } from "./live-task";
import { Json, PORTS } from "./types";

/** Where the upstream image installs Envoy. */
export const ENVOY_BINARY = "/usr/local/bin/envoy";

/**
 * Runs Envoy under bash (the upstream image is Ubuntu-based: bash, grep and head, but no curl)
 * and turns ECS's SIGTERM into a drain: inbound listeners drain gracefully through the admin
 * interface for LISTENER_DRAIN_WAIT_TIME_S seconds, then Envoy is stopped, within the
 * container's stopTimeout (validation keeps the drain shorter). Outbound listeners keep serving
 * the application meanwhile. `$1` is the bootstrap.
 *
 * Nothing is written to the file system: --disable-hot-restart means no shared memory under
 * /dev/shm, no admin address file is asked for, and access logs go to stdout. So the root file
 * system stays read-only with no writable volume (the App Mesh image's agent, unlike this,
 * writes its configuration under /tmp).
 */
/**
 * Starts the drain, once: `/healthcheck/fail` first, which turns admin `/ready` to 503 DRAINING
 * (a graceful drain_listeners alone leaves it LIVE, so nothing else could tell a drain had
 * begun), then drains the inbound listeners gracefully. Callers see `Connection: close` on
 * responses and connections refused once the drain time is up; the outbound listener is
 * exempt (drain_type MODIFY_ONLY), so the application keeps calling its backends meanwhile.
 */
const DRAIN_REQUEST = `echo "fargate-mesh: draining inbound listeners for $LISTENER_DRAIN_WAIT_TIME_S s" >&2; (${loopbackRequest("POST", PORTS.admin, "/healthcheck/fail")}) && (${loopbackRequest("POST", PORTS.admin, "/drain_listeners?graceful&inboundonly")})`;
/** Whether Envoy serves and has not begun to drain (admin /ready: 200 LIVE, 503 DRAINING). */
const IS_READY = `(${loopbackGetOk(PORTS.admin, "/ready", 4)})`;

/**
 * `routeUpdates: live`: before Envoy starts, the relay waits until every route table is in its
 * file (Envoy refuses to start on a missing one), then keeps relaying new versions in the
 * background while Envoy runs (route-relay.ts).
 */
const LIVE_PRELUDE = [
  RELAY,
  "trap 'exit 143' TERM INT",
  `until relay_once; ok=1; for t in $ROUTE_TABLES; do [ -s "${ROUTES_DIR}/\${t%%=*}.json" ] || ok=; done; [ -n "$ok" ]; do sleep 1; done`,
  "relay_loop & relay=$!",
].join("\n");

export const ENVOY_WRAPPER = [
  `${ENVOY_BINARY} --config-yaml "$1" --disable-hot-restart --log-level "$ENVOY_LOG_LEVEL" --drain-time-s "$LISTENER_DRAIN_WAIT_TIME_S" &`,
  "pid=$!",
  // Drained already (by the drain container, before the application stopped): stop at once.
  `drain() { stopping=1; if ${IS_READY}; then ${DRAIN_REQUEST}; sleep "$LISTENER_DRAIN_WAIT_TIME_S"; else echo "fargate-mesh: drained already, stopping Envoy" >&2; fi; kill -TERM "$pid"; }`,
  "trap drain TERM INT",
  'wait "$pid"; code=$?',
  // The trap cut that wait short (status 143): wait again for Envoy's own status, which bash
  // keeps even when Envoy has exited by now (asking `kill -0` first lost that race and exited
  // 143). 127: Envoy had exited and been waited for before the signal; its status stands.
  'if [ -n "$stopping" ]; then wait "$pid" 2>/dev/null; again=$?; [ "$again" -ne 127 ] && code=$again; fi',
  'exit "$code"',
].join("\n");

/** The wrapper with the relay in front (live route updates); the relay stops with Envoy. */
export const LIVE_ENVOY_WRAPPER = [LIVE_PRELUDE, ENVOY_WRAPPER.replace(/exit "\$code"$/, 'kill "$relay" 2>/dev/null; exit "$code"')].join("\n");

/**
 * Healthy only when Envoy is ready to serve: the admin `/ready` endpoint answers 200 once the
 * server is LIVE (listeners and clusters initialised) and 503 before that and while draining.
 */
export const ENVOY_READY_CHECK = loopbackGetOk(PORTS.admin, "/ready");

/** The container that reports the application's health and drains Envoy before it stops. */
export const LIFECYCLE_CONTAINER = "lifecycle";

/** Idles until ECS stops it; on SIGTERM drains Envoy's inbound listeners and waits out the drain. */
/** Sleeps until a signal: `wait` returns at once when the trap fires, `sleep` would not. */
const IDLE_LOOP = "while :; do sleep 3600 & wait $!; done";

/**
 * At the end of the drain time, closes the inbound listeners at once (drain_listeners without
 * `graceful`), rather than racing Envoy's own drain timer: the application stops next, and no
 * new connection may reach it. Not a second drain: it only ends the first.
 */
const CLOSE_INBOUND = `(${loopbackRequest("POST", PORTS.admin, "/drain_listeners?inboundonly")})`;

export const DRAIN_SCRIPT = [
  `trap '${`${DRAIN_REQUEST}; sleep "$LISTENER_DRAIN_WAIT_TIME_S"; ${CLOSE_INBOUND}`.replace(/'/g, `'"'"'`)}; kill $! 2>/dev/null; exit 0' TERM INT`,
  IDLE_LOOP,
].join("\n");

/** Idles until ECS stops it (proxy interception: callers reach the application directly, nothing to drain). */
export const IDLE_SCRIPT = ["trap 'kill $! 2>/dev/null; exit 0' TERM INT", IDLE_LOOP].join("\n");

/**
 * The task's lifecycle container, in Envoy's image (bash, no application tools needed). It
 * starts after the applications, which gives it two jobs:
 *
 * - Health: its ECS health check asks Envoy whether the local application passes its listener's
 *   health check (health.ts). It is essential, so when the application fails, the task turns
 *   UNHEALTHY, ECS replaces it, and the deployment circuit breaker rolls a bad image back.
 * - Drain (transparent interception): ECS stops containers in reverse dependency order, so the
 *   application (which starts after Envoy) would stop first and Envoy would drain with nothing
 *   behind it. This container is stopped first instead: it drains Envoy's inbound listeners
 *   (callers are told to go elsewhere while the application still answers), waits
 *   `drainSeconds`, and only then do the applications stop, and Envoy after them.
 */
export function lifecycleContainer(envoy: EnvoyModel, node: VirtualNodeModel, log: LogTarget) {
  const drain = envoy.interception === "transparent";
  return {
    name: LIFECYCLE_CONTAINER,
    image: envoy.image,
    essential: true,
    user: String(envoy.uid),
    entryPoint: ["/bin/bash", "-c"],
    command: [drain ? DRAIN_SCRIPT : IDLE_SCRIPT],
    environment: toPairs(drain ? { LISTENER_DRAIN_WAIT_TIME_S: String(envoy.drainSeconds) } : {}),
    dependsOn: node.containers.map((c) => ({ containerName: c.name, condition: "START" })),
    healthCheck: appHealthContainerCheck(node),
    stopTimeout: envoy.stopTimeout,
    readonlyRootFilesystem: true,
    logConfiguration: logConfiguration(log, LIFECYCLE_CONTAINER),
  };
}

export function envoyContainer(envoy: EnvoyModel, bootstrap: Json, log: LogTarget, opts: { user?: string; ports?: number[]; secrets?: Record<string, string>; live?: LiveTask["envoy"] } = {}) {
  const live = opts.live;
  return {
    name: ENVOY_CONTAINER,
    image: envoy.image,
    essential: true,
    ...(opts.user !== undefined ? { user: opts.user } : {}),
    entryPoint: ["/bin/bash", "-c"],
    command: [live ? LIVE_ENVOY_WRAPPER : ENVOY_WRAPPER, "envoy", JSON.stringify(bootstrap)],
    environment: toPairs({ ENVOY_LOG_LEVEL: envoy.logLevel, LISTENER_DRAIN_WAIT_TIME_S: String(envoy.drainSeconds), ...live?.environment }),
    ...(live ? { mountPoints: live.mountPoints, dependsOn: live.dependsOn } : {}),
    // TLS material: ECS reads each secret into the variable Envoy's configuration names (tls.ts).
    ...(opts.secrets && Object.keys(opts.secrets).length ? { secrets: toSecrets(opts.secrets) } : {}),
    portMappings: (opts.ports ?? []).map((p) => ({ containerPort: p, protocol: "tcp" })),
    healthCheck: { command: ["CMD", "/bin/bash", "-c", live?.healthCheck ?? ENVOY_READY_CHECK], startPeriod: 10, interval: 5, timeout: 2, retries: 3 },
    stopTimeout: envoy.stopTimeout,
    readonlyRootFilesystem: true,
    logConfiguration: logConfiguration(log, "envoy"),
  };
}

/**
 * Proxy interception: standard proxy variables point HTTP clients at the sidecar. AWS metadata
 * endpoints, loopback and AWS APIs (`.amazonaws.com`, called over HTTPS) stay direct.
 */
export function proxyEnvironment(): Record<string, string> {
  const proxy = `http://127.0.0.1:${PORTS.egress}`;
  const noProxy = ["localhost", "127.0.0.1", ...EGRESS_IGNORED_IPS.split(","), ".amazonaws.com"].join(",");
  return { HTTP_PROXY: proxy, http_proxy: proxy, NO_PROXY: noProxy, no_proxy: noProxy };
}

/** The sidecar of service `key`. */
export function envoySidecar(model: MeshModel, key: string, log: LogTarget): Sidecar {
  const node = nodeOf(model, key);
  const envoy = model.envoy;
  const transparent = envoy.interception === "transparent";
  const policy = taskPolicy({ ecsExec: node.task.ecsExec, xray: envoy.xray });
  const secrets = tlsSecrets(node.listeners, node.clientTls);
  const bootstrap = sidecarBootstrap(model, key);
  const live = liveTask(model, key, bootstrap, log, String(envoy.uid));
  return {
    // Envoy runs as the IgnoredUID, so its own connections are not captured again.
    containers: [
      envoyContainer(envoy, live?.bootstrap ?? bootstrap, log, { user: String(envoy.uid), secrets, live: live?.envoy }),
      ...(live?.containers ?? []),
      // Only where the task takes traffic: a client-only service has no health to report and nothing to drain.
      ...(node.listeners.length ? [lifecycleContainer(envoy, node, log)] : []),
      ...(envoy.xray ? [xrayContainer(envoy, log)] : []),
    ],
    images: [envoy.image, ...(envoy.xray ? [envoy.xrayImage] : []), ...(live?.images ?? [])],
    secretArns: Object.values(secrets),
    ...(live ? { volumes: live.volumes, routeTables: { caller: key, tables: live.tables } } : {}),
    ...(transparent ? { proxyConfiguration: proxyConfiguration(node, envoy) } : { appEnvironment: proxyEnvironment() }),
    ...(policy ? { taskPolicy: JSON.stringify(policy) } : {}),
    roleDescription: `Task of service ${node.key}: ${policy ? "X-Ray and ECS Exec only" : "no AWS permissions"}`,
    proxyContainer: ENVOY_CONTAINER,
  };
}

/** The gateway's Envoy, alone in its task behind the NLB. */
export function envoyGateway(model: MeshModel, log: LogTarget): Sidecar {
  const g = model.gateway!;
  // The readiness port too: the NLB's health check reaches it on the task's address.
  const hc = g.nlb.healthCheck;
  const ports = [...g.listeners.map((l) => l.port), ...(hc.protocol === "HTTP" ? [hc.port!] : [])];
  const policy = taskPolicy({ ecsExec: false, xray: model.envoy.xray });
  const secrets = tlsSecrets(g.listeners, g.clientTls);
  const user = gatewayUser(model.envoy, ports);
  const bootstrap = gatewayBootstrap(model);
  // The lattice data plane's gateway sends to Lattice, which applies the routes: nothing to make live.
  const live = model.dataPlane === "envoy" ? liveTask(model, "gateway", bootstrap, log, user.user) : undefined;
  return {
    containers: [envoyContainer(model.envoy, live?.bootstrap ?? bootstrap, log, { ports, secrets, ...user, live: live?.envoy }), ...(live?.containers ?? [])],
    images: [model.envoy.image, ...(live?.images ?? [])],
    secretArns: Object.values(secrets),
    ...(live ? { volumes: live.volumes, routeTables: { caller: "gateway", tables: live.tables } } : {}),
    ...(policy ? { taskPolicy: JSON.stringify(policy) } : {}),
    roleDescription: `Gateway ${g.name}: ${policy ? "X-Ray only" : "no AWS permissions"}`,
  };
}
