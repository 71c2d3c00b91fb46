/**
 * `lattice.auth: iam`: each caller signs its requests to Lattice services with its task role.
 * Applications should not have to, so a caller's task gets an Envoy that does it for them: an
 * HTTP proxy on loopback (HTTP_PROXY in the applications' environment, as the envoy data plane's
 * proxy interception), with one virtual host per backend's name and port, each sent to that
 * backend's Lattice service and signed there (envoy/signing.ts). Lattice still does the routing,
 * weights included; this Envoy only signs and forwards. Inbound requests reach the application
 * directly from Lattice, as with `auth: none`.
 */
import { DEFAULT_REQUEST_TIMEOUT } from "../../../model/defaults";
import type { MeshModel } from "../../../model/types";
import { ENVOY_CONTAINER, LogTarget } from "../../service/containers";
import { common, latticeCluster } from "../envoy/bootstrap";
import { latticeClusterName } from "../envoy/gateway";
import { httpConnectionManager } from "../envoy/listeners";
import { seconds } from "../envoy/mapping";
import { domains, nodeOf } from "../envoy/routes";
import { envoyContainer, proxyEnvironment } from "../envoy/sidecar";
import { Json, PORTS } from "../envoy/types";
import type { LatticePlan } from "./plan";

/** Whether service `key`'s task runs the signing Envoy: with iam auth, when it calls anything. */
export const signsRequests = (model: MeshModel, key: string) => model.lattice.auth === "iam" && nodeOf(model, key).backendKeys.length > 0;

/** The Lattice services (and their ports) a caller reaches. */
export function latticeBackends(plan: LatticePlan, model: MeshModel, key: string) {
  const keys = nodeOf(model, key).backendKeys;
  return plan.services.filter((s) => keys.includes(s.key)).map((s) => ({ key: s.key, name: s.customDomainName, ports: s.listeners.map((l) => l.port) }));
}

/** The signing Envoy's bootstrap: a loopback HTTP proxy whose only routes are the caller's backends. */
export function callerBootstrap(model: MeshModel, plan: LatticePlan, key: string): Json {
  const node = nodeOf(model, key);
  const backends = latticeBackends(plan, model, key);
  const hosts = backends.flatMap((b) => b.ports.map((port) => ({
    name: `${b.key}-${port}`, domains: domains(b.name, port, b.ports),
    // Lattice applies the routes, weights and health; the timeout bounds a request as elsewhere in the mesh.
    routes: [{ match: { prefix: "/" }, route: { cluster: latticeClusterName(b.key, port), timeout: seconds(DEFAULT_REQUEST_TIMEOUT) } }],
  })));
  return {
    ...common(model, node.task.family, node.name),
    static_resources: {
      listeners: [{
        name: "outbound",
        traffic_direction: "OUTBOUND",
        // Loopback only: the task's own containers may use the proxy, nobody else.
        address: { socket_address: { address: "127.0.0.1", port_value: PORTS.egress } },
        filter_chains: [{ name: "http", filters: [httpConnectionManager({ statPrefix: "outbound", virtualHosts: hosts, accessLog: node.accessLog })] }],
      }],
      clusters: backends.flatMap((b) => b.ports.map((port) => latticeCluster(model, latticeClusterName(b.key, port), b.name, port))),
    },
  };
}

/** The caller's signing Envoy and what the applications need to use it. */
export function callerProxy(model: MeshModel, plan: LatticePlan, key: string, log: LogTarget) {
  return {
    // As Envoy's UID, as on the envoy data plane (nothing is intercepted here, but it is not root).
    containers: [envoyContainer(model.envoy, callerBootstrap(model, plan, key), log, { user: String(model.envoy.uid) })],
    images: [model.envoy.image],
    appEnvironment: proxyEnvironment(),
    proxyContainer: ENVOY_CONTAINER,
  };
}
