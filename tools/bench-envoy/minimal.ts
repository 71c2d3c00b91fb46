/**
 * The floor of the hop bench: a hand-written pair of Envoys with the least configuration that
 * carries one intercepted HTTP hop, so that what the pair costs is Envoy's own cost. The caller's
 * Envoy takes what interception sends to its outbound port and forwards it to one static
 * address; the target's takes what interception sends to its inbound port and forwards it to the
 * application on loopback. No access log, health check, retry, timeout, outlier detection,
 * overload manager, DNS or per-port filter chain: everything the generated configuration adds
 * (components/dataplanes/envoy/) is missing here. Pure: returns bootstraps as plain data.
 */

/** Envoy's admin port in every task (the generated bootstraps use it too). */
export const ADMIN_PORT = 9901;

type Bootstrap = Record<string, unknown>;

/** One listener on `port` whose only route sends every request to `cluster`. */
function proxyListener(name: string, port: number, cluster: string) {
  return {
    name,
    address: { socket_address: { address: "0.0.0.0", port_value: port } },
    filter_chains: [{
      filters: [{
        name: "envoy.filters.network.http_connection_manager",
        typed_config: {
          "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
          stat_prefix: name,
          route_config: { virtual_hosts: [{ name, domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster } }] }] },
          http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
        },
      }],
    }],
  };
}

/** A cluster of one fixed address. */
function staticCluster(name: string, address: string, port: number) {
  return {
    name, type: "STATIC", connect_timeout: "1s",
    load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address, port_value: port } } } }] }] },
  };
}

const admin = { address: { socket_address: { address: "127.0.0.1", port_value: ADMIN_PORT } } };

/** The caller's Envoy: its outbound port forwards every request to `target`:`port`. */
export function minimalCaller(egressPort: number, target: string, port: number): Bootstrap {
  return { admin, static_resources: { listeners: [proxyListener("outbound", egressPort, "target")], clusters: [staticCluster("target", target, port)] } };
}

/** The target's Envoy: its inbound port forwards every request to the application on 127.0.0.1:`appPort`. */
export function minimalTarget(ingressPort: number, appPort: number): Bootstrap {
  return { admin, static_resources: { listeners: [proxyListener("inbound", ingressPort, "app")], clusters: [staticCluster("app", "127.0.0.1", appPort)] } };
}
