import { APP_HEALTH_PORT, ENVOY_ADMIN_PORT, PROXY_EGRESS_PORT, PROXY_INGRESS_PORT, XRAY_PORT } from "../../service/containers";

/** Envoy's `@type` URLs of the typed extensions this renderer uses (all in Envoy's v3 API). */
export const T = {
  hcm: "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
  router: "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
  tcpProxy: "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
  originalDst: "type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst",
  tlsInspector: "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector",
  stdout: "type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog",
  stderr: "type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StderrAccessLog",
  downstreamTls: "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
  upstreamTls: "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
  httpOptions: "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
  xray: "type.googleapis.com/envoy.config.trace.v3.XRayConfig",
  dogStatsd: "type.googleapis.com/envoy.config.metrics.v3.DogStatsdSink",
  healthCheck: "type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck",
  dnsCluster: "type.googleapis.com/envoy.extensions.clusters.dns.v3.DnsCluster",
  previousHosts: "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate",
  connectionLimit: "type.googleapis.com/envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig",
} as const;

/** Ports on the task's loopback and the proxy capture ports (shared with the App Mesh rendering). */
export const PORTS = {
  /** Inbound capture: ECS redirects the application ports here. */
  ingress: PROXY_INGRESS_PORT,
  /** Outbound capture (transparent) or the HTTP proxy address (proxy interception). */
  egress: PROXY_EGRESS_PORT,
  /** Envoy's admin interface; bound to 127.0.0.1 only, never mapped. */
  admin: ENVOY_ADMIN_PORT,
  /** The application's health as Envoy sees it; 127.0.0.1 only (envoy/health.ts). */
  appHealth: APP_HEALTH_PORT,
  /** The X-Ray daemon sidecar's UDP port. */
  xray: XRAY_PORT,
} as const;

export type Json = Record<string, unknown>;
