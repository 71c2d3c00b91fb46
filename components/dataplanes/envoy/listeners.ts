/**
 * Envoy listeners: the inbound capture port that hands each application port to the local
 * application, the outbound capture port (or HTTP proxy port) that routes calls to backends,
 * and the HTTP connection manager they share.
 */
import type { AccessLogModel, MeshModel, VirtualNodeModel } from "../../../model/types";
import { clusterName, localCluster, PASSTHROUGH } from "./clusters";
import { seconds } from "./mapping";
import { Backend, backendPorts, backendVirtualHosts, routerTcpRoute, weightedClusters } from "./routes";
import { tlsChains } from "./tls";
import { Json, PORTS, T } from "./types";

export const filter = (name: string, type: string, config: Json = {}): Json => ({ name, typed_config: { "@type": type, ...config } });
/** Tells TLS from plain text on a PERMISSIVE listener. */
export const tlsInspector = () => filter("envoy.filters.listener.tls_inspector", T.tlsInspector);
const address = (host: string, port: number) => ({ socket_address: { address: host, port_value: port } });

/** Access log to the container's stdout or stderr, in the description's format. */
export function accessLog(log?: AccessLogModel): Json[] {
  if (!log) return [];
  const format = log.format?.text !== undefined ? { log_format: { text_format_source: { inline_string: log.format.text } } }
    : log.format?.json ? { log_format: { json_format: log.format.json } } : {};
  return log.path === "/dev/stderr"
    ? [filter("envoy.access_loggers.stderr", T.stderr, format)]
    : [filter("envoy.access_loggers.stdout", T.stdout, format)];
}

export interface HcmOptions {
  statPrefix: string; virtualHosts: Json[]; accessLog?: AccessLogModel;
  /** X-Ray segment name when tracing is on. */
  xraySegment?: string;
  /** HTTP filters that run before the router. @default none */
  httpFilters?: Json[];
  /** Further connection manager fields, such as an internet-facing listener's (edge.ts). @default none */
  extra?: Json;
}

export function httpConnectionManager(o: HcmOptions): Json {
  return filter("envoy.filters.network.http_connection_manager", T.hcm, {
    stat_prefix: o.statPrefix,
    codec_type: "AUTO",
    route_config: { name: o.statPrefix, virtual_hosts: o.virtualHosts },
    http_filters: [...(o.httpFilters ?? []), filter("envoy.filters.http.router", T.router)],
    access_log: accessLog(o.accessLog),
    ...o.extra,
    ...(o.xraySegment ? {
      tracing: { provider: { name: "envoy.tracers.xray", typed_config: { "@type": T.xray, segment_name: o.xraySegment, daemon_endpoint: { protocol: "UDP", address: "127.0.0.1", port_value: PORTS.xray } } } },
    } : {}),
  });
}

function tcpProxy(statPrefix: string, target: Json, idle?: string, log?: AccessLogModel): Json {
  return filter("envoy.filters.network.tcp_proxy", T.tcpProxy, { stat_prefix: statPrefix, ...target, ...(idle ? { idle_timeout: idle } : {}), access_log: accessLog(log) });
}

/**
 * The inbound listener: ECS redirects each application port to 15000; the original destination
 * port picks the filter chain, which applies the listener's timeouts and TLS and hands the
 * request to the application on 127.0.0.1.
 */
export function inboundListener(node: VirtualNodeModel, xraySegment?: string): Json | undefined {
  if (!node.listeners.length) return undefined;
  const perListener = node.listeners.map((l) => {
    const idle = l.timeout?.idle ? seconds(l.timeout.idle) : undefined;
    const filters = [l.protocol === "tcp"
      ? tcpProxy(`inbound-${l.port}`, { cluster: localCluster(l.port) }, idle, node.accessLog)
      : httpConnectionManager({
        statPrefix: `inbound-${l.port}`, accessLog: node.accessLog, xraySegment,
        virtualHosts: [{ name: "local", domains: ["*"], routes: [{ match: { prefix: "/" }, route: {
          cluster: localCluster(l.port),
          ...(l.timeout?.perRequest ? { timeout: seconds(l.timeout.perRequest) } : {}),
          ...(idle ? { idle_timeout: idle } : {}),
        } }] }],
      })];
    return tlsChains(l, (extra: Json) => ({ filter_chain_match: { destination_port: l.port, ...extra }, filters }));
  });
  return {
    name: "inbound",
    traffic_direction: "INBOUND",
    address: address("0.0.0.0", PORTS.ingress),
    listener_filters: [
      filter("envoy.filters.listener.original_dst", T.originalDst),
      ...(perListener.some((c) => c.inspector) ? [tlsInspector()] : []),
    ],
    filter_chains: perListener.flatMap((c) => c.chains),
  };
}

/**
 * The outbound listener. Transparent: ECS redirects the application's outgoing connections to
 * 15001 and the original destination port picks the chain; HTTP is routed by the request's
 * authority, TCP by port. Proxy: applications send HTTP to 127.0.0.1:15001 (HTTP_PROXY) and the
 * same virtual hosts route it. Egress DROP_ALL: nothing else has a route or a chain;
 * ALLOW_ALL: everything else passes through to its original destination.
 */
export function outboundListener(model: MeshModel, caller: { backends: Backend[]; accessLog?: AccessLogModel; xraySegment?: string }): Json | undefined {
  const transparent = model.envoy.interception === "transparent";
  const allowAll = model.mesh.egressFilter === "ALLOW_ALL";
  const hosts = backendVirtualHosts(model, caller.backends);
  if (allowAll) hosts.push({ name: "passthrough", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: PASSTHROUGH } }] });
  const hcm = httpConnectionManager({ statPrefix: "outbound", virtualHosts: hosts, accessLog: caller.accessLog, xraySegment: caller.xraySegment });
  const httpPorts = new Set<number>();
  const chains: Json[] = [];
  for (const b of caller.backends)
    for (const { port, protocol } of backendPorts(b)) {
      if (protocol !== "tcp") { httpPorts.add(port); continue; }
      const target = b.kind === "node" ? { cluster: clusterName(b.key, port) } : tcpTarget(model, b, port);
      // A router's tcp route may bound idle connections (App Mesh TcpTimeout.idle); Envoy's
      // tcp_proxy otherwise closes them after its own default of 1 hour.
      const route = b.kind === "router" ? routerTcpRoute(b.router, port) : undefined;
      const idle = route?.timeout?.idle ? seconds(route.timeout.idle) : undefined;
      if (target) chains.push({ name: `tcp-${b.key}-${port}`, filter_chain_match: { destination_port: port }, filters: [tcpProxy(`outbound-${b.key}-${port}`, target, idle, caller.accessLog)] });
    }
  if (!transparent) chains.push({ name: "http", filters: [hcm] });
  else for (const port of [...httpPorts].sort((a, b) => a - b)) chains.push({ name: `http-${port}`, filter_chain_match: { destination_port: port }, filters: [hcm] });
  // Nothing to reach and nothing passes through: no listener at all (Envoy refuses a listener
  // without filter chains), so every captured connection is refused, as DROP_ALL means.
  if (!chains.length && !(allowAll && transparent)) return undefined;
  return {
    name: "outbound",
    traffic_direction: "OUTBOUND",
    // Not drained by the drain on stop (/healthcheck/fail): the application keeps reaching its
    // backends while its own callers move away.
    drain_type: "MODIFY_ONLY",
    // In proxy mode only the task's own containers may use the proxy.
    address: address(transparent ? "0.0.0.0" : "127.0.0.1", PORTS.egress),
    ...(transparent ? { listener_filters: [filter("envoy.filters.listener.original_dst", T.originalDst)] } : {}),
    filter_chains: chains,
    ...(allowAll && transparent ? { default_filter_chain: { name: "passthrough", filters: [tcpProxy("passthrough", { cluster: PASSTHROUGH })] } } : {}),
  };
}

function tcpTarget(model: MeshModel, b: Extract<Backend, { kind: "router" }>, port: number): Json | undefined {
  const route = routerTcpRoute(b.router, port);
  if (!route) return undefined;
  // TCP cluster weights must be at least 1; a weight of 0 sends nothing either way.
  const clusters = (weightedClusters(model, route).clusters as { weight: number }[]).filter((c) => c.weight > 0);
  return { weighted_clusters: { clusters } };
}

