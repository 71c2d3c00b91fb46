/**
 * Envoy bootstraps generated from the model: everything a sidecar or the gateway needs is
 * static configuration, so there is no control plane to reach and a task definition revision
 * pins its Envoy's exact configuration.
 */
import type { ClientTlsModel, MeshModel } from "../../../model/types";
import { appCluster, dnsClusterType, passthroughCluster, targetCluster, targetListener } from "./clusters";
import { gatewayRoutes, latticeClusterName, latticePort } from "./gateway";
import { appHealthListener, gatewayReadyListener } from "./health";
import { EDGE, edgeConnectionManager } from "./edge";
import { httpConnectionManager, inboundListener, outboundListener, tlsInspector } from "./listeners";
import { latticeSigning } from "./signing";
import { tlsChains } from "./tls";
import { clusterTargets, nodeOf, resolveBackend } from "./routes";
import { Json, PORTS, T } from "./types";

/** Per Envoy, callers and the application's own outbound connections together. */
export const MAX_DOWNSTREAM_CONNECTIONS = 50000;

/** What every Envoy of the mesh shares: its identity, the loopback admin, limits and stats. */
export function common(model: MeshModel, id: string, cluster: string): Json {
  const e = model.envoy;
  return {
    node: { id, cluster },
    // Admin only on loopback: it can drain and stop Envoy. The readiness check and the drain on
    // stop use it from inside the task.
    // The admin interface stays reachable at the connection limit: the probes and the drain need it.
    admin: { address: { socket_address: { address: "127.0.0.1", port_value: PORTS.admin } }, ignore_global_conn_limit: true },
    // A ceiling on downstream connections, so a flood exhausts neither memory nor file
    // descriptors (without one Envoy warns at start); Envoy's edge guidance uses this figure.
    overload_manager: {
      resource_monitors: [{ name: "envoy.resource_monitors.global_downstream_max_connections", typed_config: { "@type": T.connectionLimit, max_active_downstream_connections: MAX_DOWNSTREAM_CONNECTIONS } }],
    },
    ...(e.statsTags ? { stats_config: { stats_tags: [{ tag_name: "mesh", fixed_value: model.mesh.name }, { tag_name: "virtual_node", fixed_value: cluster }] } } : {}),
    ...(e.dogStatsd ? {
      stats_sinks: [{ name: "envoy.stat_sinks.dog_statsd", typed_config: { "@type": T.dogStatsd, address: { socket_address: { protocol: "UDP", address: "127.0.0.1", port_value: e.dogStatsd.port } } } }],
    } : {}),
  };
}

function clustersFor(model: MeshModel, targets: { key: string; port: number }[], client?: ClientTlsModel): Json[] {
  return targets.map(({ key, port }) => targetCluster(nodeOf(model, key), targetListener(nodeOf(model, key), port), model.mesh, client));
}

/** The bootstrap of the sidecar of service `key`. */
export function sidecarBootstrap(model: MeshModel, key: string): Json {
  const node = nodeOf(model, key);
  const backends = node.backendKeys.map((k) => resolveBackend(model, k));
  const xraySegment = model.envoy.xray ? `${model.mesh.name}/${node.name}` : undefined;
  const inbound = model.envoy.interception === "transparent" ? inboundListener(node, xraySegment) : undefined;
  const outbound = outboundListener(model, { backends, accessLog: node.accessLog, xraySegment });
  return {
    ...common(model, node.task.family, node.name),
    static_resources: {
      listeners: [inbound, outbound, appHealthListener(node)].filter((l) => l !== undefined),
      clusters: [
        // Health-checked in both interception modes: they are the application's health signal.
        ...node.listeners.map(appCluster),
        ...clustersFor(model, clusterTargets(model, backends), node.clientTls),
        ...(model.mesh.egressFilter === "ALLOW_ALL" ? [passthroughCluster()] : []),
      ],
    },
  };
}

/** The bootstrap of the gateway: one listener per gateway listener, routes as gatewayRoutes says. */
export function gatewayBootstrap(model: MeshModel): Json {
  const g = model.gateway!;
  const xraySegment = model.envoy.xray ? `${model.mesh.name}/${g.name}` : undefined;
  const listeners: Json[] = g.listeners.map((l) => {
    const filters = [httpConnectionManager({
      statPrefix: `gateway-${l.port}`, accessLog: g.accessLog, xraySegment, extra: edgeConnectionManager(),
      virtualHosts: [{ name: "gateway", domains: ["*"], routes: gatewayRoutes(model, l.port) }],
    })];
    const { chains, inspector } = tlsChains(l, (match) => ({ ...(Object.keys(match).length ? { filter_chain_match: match } : {}), filters }), EDGE.alpn);
    return {
      name: `gateway-${l.port}`,
      per_connection_buffer_limit_bytes: EDGE.perConnectionBufferLimitBytes,
      // Tagged inbound so that the drain on stop (drain_listeners?inboundonly) covers it.
      traffic_direction: "INBOUND",
      address: { socket_address: { address: "0.0.0.0", port_value: l.port } },
      ...(inspector ? { listener_filters: [tlsInspector()] } : {}),
      filter_chains: chains,
    };
  });
  const hc = g.nlb.healthCheck;
  if (hc.protocol === "HTTP") listeners.push(gatewayReadyListener(hc.port!, hc.path!));
  const backends = g.targetKeys.map((k) => resolveBackend(model, k));
  const clusters = model.dataPlane === "lattice" ? latticeClusters(model) : clustersFor(model, clusterTargets(model, backends), g.clientTls);
  return {
    ...common(model, g.task.family, g.name),
    static_resources: { listeners, clusters },
  };
}

/**
 * On the lattice data plane the gateway's upstreams are Lattice services, reached by their names
 * (a CNAME to the service's Lattice DNS name); Lattice health-checks and balances the tasks.
 */
function latticeClusters(model: MeshModel): Json[] {
  const seen = new Map<string, Json>();
  for (const gr of model.gateway!.routes) {
    const port = latticePort(model, gr);
    const name = latticeClusterName(gr.target.key, port);
    if (!seen.has(name)) seen.set(name, latticeCluster(model, name, gr.target.virtualService, port));
  }
  return [...seen.values()];
}

/** One Lattice service's listener as a cluster: its name on its port, signed when `lattice.auth` is iam. */
export function latticeCluster(model: MeshModel, name: string, host: string, port: number): Json {
  return {
    name, cluster_type: dnsClusterType(true), connect_timeout: "5s",
    // Said in the configuration itself, for readers and the policy pack: Lattice checks these upstreams' health.
    metadata: { filter_metadata: { "fargate-mesh": { upstream: "vpc-lattice" } } },
    ...(model.lattice.auth === "iam" ? { typed_extension_protocol_options: latticeSigning(model.region) } : {}),
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: host, port_value: port } } } }] }] },
  };
}
