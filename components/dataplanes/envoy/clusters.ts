/**
 * Envoy clusters: one per (target service, port), found through the service's Cloud Map or DNS
 * name, health-checked and outlier-detected as the target's listener says; the local
 * application behind the inbound listener; the pass-through of egress ALLOW_ALL.
 */
import type { ClientTlsModel, HealthCheckModel, ListenerModel, MeshModel, VirtualNodeModel } from "../../../model/types";
import { CIRCUIT_BREAKERS } from "../../../model/defaults";
import { millis, seconds } from "./mapping";
import { upstreamTls } from "./tls";
import { Json, T } from "./types";

export const clusterName = (key: string, port: number) => `node-${key}-${port}`;
export const localCluster = (port: number) => `local-${port}`;
export const PASSTHROUGH = "passthrough";

/** How long a new upstream connection may take; App Mesh did not expose it (Envoy's default is 5 s). */
const CONNECT_TIMEOUT = "5s";
/** How often a starting application is checked, until it is first healthy. */
const STARTUP_CHECK_INTERVAL = "1s";

/** Envoy's circuit breakers for a target cluster, from the model's defaults (defaults.ts). */
export function circuitBreakers(): Json {
  const c = CIRCUIT_BREAKERS;
  return {
    thresholds: [{
      priority: "DEFAULT", max_connections: c.maxConnections, max_pending_requests: c.maxPendingRequests, max_requests: c.maxRequests,
      retry_budget: { budget_percent: { value: c.retryBudget.budgetPercent }, min_retry_concurrency: c.retryBudget.minConcurrency },
    }],
  };
}

/** The DNS name Envoy resolves to reach a node's tasks. */
export function discoveryName(node: VirtualNodeModel): string {
  return node.discovery.kind === "dns" ? node.discovery.hostname : `${node.discovery.service}.${node.discovery.namespace}`;
}

/** App Mesh's mesh-wide IP preference → Envoy's DNS lookup family. */
function lookupFamily(ip?: string): string {
  switch (ip) {
    case "IPv6_ONLY": return "V6_ONLY";
    case "IPv4_PREFERRED": return "V4_PREFERRED";
    case "IPv6_PREFERRED": return "AUTO";
    default: return "V4_ONLY";
  }
}

/**
 * A cluster found through DNS, as the `envoy.cluster.dns` extension: the Cluster's own DNS
 * fields (`type: STRICT_DNS`, `respect_dns_ttl`, ...) are deprecated. `logical`: one host, the
 * first address of each answer (LOGICAL_DNS); otherwise every address is a host (STRICT_DNS).
 * TTLs are respected so Cloud Map's 10 s records move callers off stopped tasks quickly.
 */
export function dnsClusterType(logical: boolean, family = "V4_ONLY"): Json {
  return {
    name: "envoy.cluster.dns",
    typed_config: { "@type": T.dnsCluster, all_addresses_in_single_endpoint: logical, respect_dns_ttl: true, dns_lookup_family: family },
  };
}

/** HTTP/2 to the upstream for http2 and grpc listeners; http and tcp need nothing. */
export function protocolOptions(protocol: string): Json | undefined {
  if (protocol !== "http2" && protocol !== "grpc") return undefined;
  return { "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": { "@type": T.httpOptions, explicit_http_config: { http2_protocol_options: {} } } };
}

/** An App Mesh listener health check as an Envoy active health check. */
export function healthCheck(h: HealthCheckModel): Json {
  const base = { timeout: millis(h.timeoutMillis), interval: millis(h.intervalMillis), healthy_threshold: h.healthyThreshold, unhealthy_threshold: h.unhealthyThreshold };
  if (h.protocol === "tcp") return { ...base, tcp_health_check: {} };
  if (h.protocol === "grpc") return { ...base, grpc_health_check: {} };
  // Envoy alone counts only a 200; the model says which statuses are healthy (defaults.ts).
  const statuses = h.healthyStatuses ? { expected_statuses: [{ start: h.healthyStatuses.start, end: h.healthyStatuses.end }] } : {};
  return { ...base, http_health_check: { path: h.path ?? "/", ...statuses, ...(h.protocol === "http2" ? { codec_client_type: "HTTP2" } : {}) } };
}

/**
 * An endpoint at `host` on the listener's port, health-checked on that port too: the only one a
 * caller may reach (validation refuses a health check port that differs, references.ts).
 */
function endpointOf(host: string, listener: ListenerModel): Json {
  return { address: { socket_address: { address: host, port_value: listener.port } } };
}

/** The cluster a caller uses to reach `node` on `listener`. */
export function targetCluster(node: VirtualNodeModel, listener: ListenerModel, mesh: MeshModel["mesh"], client?: ClientTlsModel): Json {
  const name = clusterName(node.key, listener.port);
  const host = discoveryName(node);
  const hc = listener.healthCheck;
  const endpoint = endpointOf(host, listener);
  const od = listener.outlierDetection;
  const options = protocolOptions(listener.protocol);
  const tls = upstreamTls(host, listener, client);
  const logical = node.discovery.kind === "dns" && node.discovery.responseType === "LOADBALANCER";
  return {
    name,
    // Cloud Map answers with every healthy task (MULTIVALUE): each address becomes a host. A DNS
    // name that fronts a load balancer (responseType LOADBALANCER) is one logical host.
    cluster_type: dnsClusterType(logical, lookupFamily(mesh.ipPreference)),
    // A task that leaves DNS (ECS deregisters it from Cloud Map before it stops) leaves the host
    // set at the next resolution. Without this, an actively health-checked host that is gone from
    // DNS stays while it still passes its checks (Envoy's updateDynamicHostList keeps it): a
    // draining task would keep getting requests until its listener closes. Strict DNS only: a
    // logical DNS cluster replaces its one host on every address change, whatever this says.
    ...(logical ? {} : { ignore_health_on_host_removal: true }),
    connect_timeout: CONNECT_TIMEOUT,
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint }] }] },
    // Envoy checks a cluster that has not yet carried traffic only every 60 s by default: a
    // caller would know its targets' health a minute late on its first calls.
    health_checks: [{ ...healthCheck(hc), no_traffic_interval: millis(hc.intervalMillis) }],
    // App Mesh outlier detection: eject after maxServerErrors consecutive 5xx, for the ejection
    // duration. Envoy would otherwise take a host back at its next passing active health check
    // (successful_active_health_check_uneject_host), seconds later, though its health path
    // passing is no news when its requests fail: the rehearsal saw an ejected task back at once.
    outlier_detection: {
      consecutive_5xx: od.maxServerErrors, interval: seconds(od.interval),
      base_ejection_time: seconds(od.baseEjectionDuration), max_ejection_percent: od.maxEjectionPercent,
      successful_active_health_check_uneject_host: false,
    },
    circuit_breakers: circuitBreakers(),
    ...(options ? { typed_extension_protocol_options: options } : {}),
    ...(tls ? { transport_socket: tls } : {}),
  };
}

/**
 * The local application on `port`, behind the inbound listener, health-checked as its listener
 * says: the application's health signal (health.ts).
 */
export function appCluster(listener: ListenerModel): Json {
  const name = localCluster(listener.port);
  const options = protocolOptions(listener.protocol);
  const hc = listener.healthCheck;
  return {
    name, type: "STATIC", connect_timeout: "1s",
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: endpointOf("127.0.0.1", listener) }] }] },
    // A task that has just started takes no traffic yet, and Envoy checks a cluster without
    // traffic every 60 s by default. Until the application is healthy it is checked every second,
    // so the task turns HEALTHY as soon as its application answers (not a whole interval, or
    // two, later); once healthy, at the listener's interval.
    health_checks: [{ ...healthCheck(hc), no_traffic_interval: STARTUP_CHECK_INTERVAL, no_traffic_healthy_interval: millis(hc.intervalMillis) }],
    ...(options ? { typed_extension_protocol_options: options } : {}),
  };
}

/** Egress ALLOW_ALL: connections to anything else go on to where the application sent them. */
export const passthroughCluster = (): Json => ({ name: PASSTHROUGH, type: "ORIGINAL_DST", lb_policy: "CLUSTER_PROVIDED", connect_timeout: CONNECT_TIMEOUT });

/** The listener of `node` a target (with an optional port) means: that port, else the first. */
export function targetListener(node: VirtualNodeModel, port?: number): ListenerModel {
  return node.listeners.find((l) => l.port === port) ?? node.listeners[0];
}
