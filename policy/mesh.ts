/**
 * Mesh rules: what only this project knows about a healthy mesh. Each rule reads the App Mesh
 * resources on that data plane and the inline Envoy bootstrap in the task definitions on the
 * Envoy data plane, so one rule (and one exception) covers both.
 */
import type { PolicyResource } from "@pulumi/policy";
import { bootstrapRoutes, containerDefinitions, inlineBootstrap, list, MeshPolicy, policyDocument, resourcePolicy, stackPolicy, TASK } from "./helpers";

const NODE = "aws:appmesh/virtualNode:VirtualNode";
const GATEWAY = "aws:appmesh/virtualGateway:VirtualGateway";

/** The ARN Envoy streams its configuration for, from the task's Envoy container. */
function envoyResourceArn(task: PolicyResource): string | undefined {
  for (const c of containerDefinitions(task.props) ?? [])
    for (const e of list<any>(c.environment)) if (e.name === "APPMESH_RESOURCE_ARN") return e.value;
  return undefined;
}

/**
 * Clusters that reach other services' tasks (found through DNS), as opposed to the local app, the
 * pass-through, or a VPC Lattice service (which checks its targets' health itself).
 */
const meshClusters = (b: any) => list<any>(b?.static_resources?.clusters)
  .filter((c) => foundByDns(c) && c.metadata?.filter_metadata?.["fargate-mesh"]?.upstream !== "vpc-lattice");
/** A DNS cluster, in either spelling: the legacy cluster types, or the envoy.cluster.dns extension. */
const foundByDns = (c: any) => c.type === "STRICT_DNS" || c.type === "LOGICAL_DNS"
  || String(c.cluster_type?.typed_config?.["@type"] ?? "").endsWith("envoy.extensions.clusters.dns.v3.DnsCluster");
/** Listeners that take traffic from callers: a sidecar's inbound listener, the gateway's listeners. */
const servingListeners = (b: any) => list<any>(b?.static_resources?.listeners).filter((l) => l.traffic_direction === "INBOUND");

const siblings = (all: PolicyResource[], r: PolicyResource) => all.filter((x) => x !== r && x.parent && r.parent && x.parent.urn === r.parent.urn);

/** The most retries a route may ask for, as validation caps retryPolicy.maxRetries (model/schema/router.ts). */
const MAX_ROUTE_RETRIES = 5;

export const meshPolicies: MeshPolicy[] = [
  resourcePolicy({ name: "mesh-egress-drop-all", upstream: "AWS Config appmesh-mesh-deny-tcp-forwarding; Mondoo appmesh-egress-filter", enforcementLevel: "mandatory", checks: "the mesh lets traffic out only to its own backends" },
    ["aws:appmesh/mesh:Mesh", TASK], (p, v) => {
      if (p.spec && p.spec.egressFilter?.type !== "DROP_ALL") v("set spec.egressFilter.type: DROP_ALL (mesh.egressFilter in the description)");
      const b = inlineBootstrap(p)?.bootstrap;
      if (b && (list<any>(b.static_resources?.listeners).some((l) => l.default_filter_chain) || list<any>(b.static_resources?.clusters).some((c) => c.type === "ORIGINAL_DST")))
        v("the Envoy bootstrap passes unknown destinations through (ORIGINAL_DST); set mesh.egressFilter: DROP_ALL in the description");
    }),
  resourcePolicy({ name: "mesh-listener-health-and-outlier", upstream: "appmesh-virtual-node-listeners-health-check-enabled; appmesh-virtual-node-listeners-outlier-detect-enabled", enforcementLevel: "mandatory", checks: "every virtual node listener has a health check and outlier detection" },
    [NODE, TASK], (p, v) => {
      for (const l of list<any>(p.spec?.listeners)) {
        const port = l.portMapping?.port;
        if (!l.healthCheck) v(`listener ${port}: add a health check`);
        if (!l.outlierDetection) v(`listener ${port}: add outlier detection`);
      }
      for (const c of meshClusters(inlineBootstrap(p)?.bootstrap)) {
        if (!list(c.health_checks).length) v(`cluster ${c.name}: add a health check (the target listener's healthCheck)`);
        if (!c.outlier_detection) v(`cluster ${c.name}: add outlier detection (the target listener's outlierDetection)`);
      }
    }),
  resourcePolicy({ name: "mesh-listener-tls", upstream: "appmesh-virtual-node-tls-required (Mondoo); appmesh-virtual-gateway-backend-defaults-tls", enforcementLevel: "advisory", checks: "node and gateway listeners terminate TLS (STRICT or PERMISSIVE)" },
    [NODE, GATEWAY, TASK], (p, v) => {
      for (const l of list<any>(p.spec?.listeners))
        if (!["STRICT", "PERMISSIVE"].includes(l.tls?.mode)) v(`listener ${l.portMapping?.port}: add tls with mode STRICT (an ACM or file certificate)`);
      for (const l of servingListeners(inlineBootstrap(p)?.bootstrap))
        for (const chain of list<any>(l.filter_chains))
          if (!chain.transport_socket) v(`Envoy listener ${l.name} port ${chain.filter_chain_match?.destination_port ?? l.address?.socket_address?.port_value}: add tls with mode STRICT (a certificate from a secret or a file)`);
    }),
  resourcePolicy({ name: "mesh-client-tls", upstream: "appmesh-virtual-node-backend-defaults-tls-on; appmesh-virtual-node-service-backends-tls-enforced; appmesh-virtual-gateway-backend-defaults-tls", enforcementLevel: "advisory", checks: "nodes and gateways enforce TLS when they call their backends" },
    [NODE, GATEWAY, TASK], (p, v) => {
      if (p.spec && p.spec.backendDefaults?.clientPolicy?.tls?.enforce !== true) v("set spec.backendDefaults.clientPolicy.tls with enforce: true and a validation trust (ACM PCA or file)");
      for (const c of meshClusters(inlineBootstrap(p)?.bootstrap))
        if (!c.transport_socket?.typed_config?.common_tls_context?.validation_context)
          v(`cluster ${c.name}: originate TLS and verify the backend against a trusted CA`);
    }),
  resourcePolicy({ name: "mesh-route-retry-policy", upstream: "AWS App Mesh best practices (retries)", enforcementLevel: "mandatory", checks: "every http, http2 and grpc route retries failed requests" },
    ["aws:appmesh/route:Route", TASK], (p, v) => {
      for (const kind of ["httpRoute", "http2Route", "grpcRoute"]) {
        const route = p.spec?.[kind];
        if (route && !(route.retryPolicy?.maxRetries >= 1)) v(`${kind}: add a retryPolicy with maxRetries of at least 1 (2 recommended)`);
      }
      // A router's routes are the Envoy routes that split traffic over weighted clusters.
      for (const { listener, route } of bootstrapRoutes(inlineBootstrap(p)?.bootstrap))
        if (route.route?.weighted_clusters && !(route.route.retry_policy?.num_retries >= 1))
          v(`Envoy route ${route.name ?? "(unnamed)"} on ${listener}: add a retryPolicy with maxRetries of at least 1 (2 recommended)`);
    }),
  resourcePolicy({ name: "mesh-retries-bounded", upstream: "Envoy architecture overview (retry budgets); AWS Builders' Library (retries and backoff)", enforcementLevel: "mandatory", checks: "retries are bounded: at most 5 per route, and every mesh cluster caps them with a retry budget" },
    ["aws:appmesh/route:Route", TASK], (p, v) => {
      for (const kind of ["httpRoute", "http2Route", "grpcRoute"]) {
        const n = p.spec?.[kind]?.retryPolicy?.maxRetries;
        if (n > MAX_ROUTE_RETRIES) v(`${kind}: maxRetries ${n} exceeds ${MAX_ROUTE_RETRIES}; each hop multiplies the load on a failing backend`);
      }
      const bootstrap = inlineBootstrap(p)?.bootstrap;
      for (const { listener, route } of bootstrapRoutes(bootstrap)) {
        const n = route.route?.retry_policy?.num_retries;
        if (n > MAX_ROUTE_RETRIES) v(`Envoy route ${route.name ?? "(unnamed)"} on ${listener}: num_retries ${n} exceeds ${MAX_ROUTE_RETRIES}; each hop multiplies the load on a failing backend`);
      }
      for (const c of meshClusters(bootstrap))
        if (!list<any>(c.circuit_breakers?.thresholds).some((t) => t.retry_budget))
          v(`cluster ${c.name}: add circuit_breakers with a retry_budget, so that retries stay a bounded share of the requests in flight`);
    }),
  stackPolicy({ name: "mesh-app-ports-match-node", upstream: "App Mesh user guide (proxyConfiguration)", enforcementLevel: "mandatory", checks: "AppPorts of each APPMESH task equal the listener ports of its virtual node" },
    (all, report) => {
      const nodes = all.filter((r) => r.type === NODE);
      for (const task of all.filter((r) => r.type === TASK && r.props.proxyConfiguration?.type === "APPMESH")) {
        const arn = envoyResourceArn(task);
        const m = arn && /mesh\/([^/]+)\/virtualNode\/([^/]+)$/.exec(arn);
        if (!m) continue; // not known before deployment
        const node = nodes.find((n) => n.props.meshName === m[1] && n.props.name === m[2]);
        if (!node) { report(`Envoy streams ${arn}, but the stack has no such virtual node`, task.urn); continue; }
        const ports = list<any>(node.props.spec?.listeners).map((l) => String(l.portMapping?.port)).sort().join(",");
        const appPorts = String(task.props.proxyConfiguration.properties?.AppPorts ?? "").split(",").filter(Boolean).sort().join(",");
        if (ports !== appPorts) report(`AppPorts ${appPorts || "(none)"} differ from the listener ports ${ports || "(none)"} of virtual node ${m[2]}; set AppPorts to the listener ports`, task.urn);
      }
    }),
  stackPolicy({ name: "mesh-envoy-own-config-only", upstream: "AWS App Mesh proxy authorization", enforcementLevel: "mandatory", checks: "each Envoy's task role may stream only its own node's or gateway's configuration" },
    (all, report) => {
      for (const task of all.filter((r) => r.type === TASK)) {
        const arn = envoyResourceArn(task);
        if (!arn) continue;
        for (const at of siblings(all, task).filter((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment"))
          if (/:policy\/AWSAppMeshEnvoyAccess$/.test(String(at.props.policyArn)))
            report(`attaches AWSAppMeshEnvoyAccess, which grants StreamAggregatedResources on *; grant it on ${arn} only`, at.urn);
        for (const rp of siblings(all, task).filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")) {
          const doc = policyDocument(rp.props.policy);
          for (const s of list<any>(doc?.Statement)) {
            if (!list<string>(s.Action).some((a) => a === "appmesh:StreamAggregatedResources" || a === "appmesh:*" || a === "*")) continue;
            const resources = list<string>(s.Resource);
            if (resources.length !== 1 || resources[0] !== arn)
              report(`grants StreamAggregatedResources on ${resources.join(", ")}; scope it to ${arn} (the AWSAppMeshEnvoyAccess managed policy grants it on *)`, rp.urn);
          }
        }
      }
    }),
];
