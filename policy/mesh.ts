/** App Mesh rules: what only this project knows about a healthy mesh. */
import type { PolicyResource } from "@pulumi/policy";
import { containerDefinitions, list, MeshPolicy, policyDocument, resourcePolicy, stackPolicy, TASK } from "./helpers";

const NODE = "aws:appmesh/virtualNode:VirtualNode";
const GATEWAY = "aws:appmesh/virtualGateway:VirtualGateway";

/** The ARN Envoy streams its configuration for, from the task's Envoy container. */
function envoyResourceArn(task: PolicyResource): string | undefined {
  for (const c of containerDefinitions(task.props) ?? [])
    for (const e of list<any>(c.environment)) if (e.name === "APPMESH_RESOURCE_ARN") return e.value;
  return undefined;
}

const siblings = (all: PolicyResource[], r: PolicyResource) => all.filter((x) => x !== r && x.parent && r.parent && x.parent.urn === r.parent.urn);

export const meshPolicies: MeshPolicy[] = [
  resourcePolicy({ name: "mesh-egress-drop-all", upstream: "AWS Config appmesh-mesh-deny-tcp-forwarding; Mondoo appmesh-egress-filter", enforcementLevel: "mandatory", checks: "the mesh lets traffic out only to its own backends" },
    ["aws:appmesh/mesh:Mesh"], (p, v) => { if (p.spec?.egressFilter?.type !== "DROP_ALL") v("set spec.egressFilter.type: DROP_ALL (mesh.egressFilter in the description)"); }),
  resourcePolicy({ name: "mesh-listener-health-and-outlier", upstream: "appmesh-virtual-node-listeners-health-check-enabled; appmesh-virtual-node-listeners-outlier-detect-enabled", enforcementLevel: "mandatory", checks: "every virtual node listener has a health check and outlier detection" },
    [NODE], (p, v) => {
      for (const l of list<any>(p.spec?.listeners)) {
        const port = l.portMapping?.port;
        if (!l.healthCheck) v(`listener ${port}: add a health check`);
        if (!l.outlierDetection) v(`listener ${port}: add outlier detection`);
      }
    }),
  resourcePolicy({ name: "mesh-listener-tls", upstream: "appmesh-virtual-node-tls-required (Mondoo); appmesh-virtual-gateway-backend-defaults-tls", enforcementLevel: "advisory", checks: "node and gateway listeners terminate TLS (STRICT or PERMISSIVE)" },
    [NODE, GATEWAY], (p, v) => {
      for (const l of list<any>(p.spec?.listeners))
        if (!["STRICT", "PERMISSIVE"].includes(l.tls?.mode)) v(`listener ${l.portMapping?.port}: add tls with mode STRICT (an ACM or file certificate)`);
    }),
  resourcePolicy({ name: "mesh-client-tls", upstream: "appmesh-virtual-node-backend-defaults-tls-on; appmesh-virtual-node-service-backends-tls-enforced; appmesh-virtual-gateway-backend-defaults-tls", enforcementLevel: "advisory", checks: "nodes and gateways enforce TLS when they call their backends" },
    [NODE, GATEWAY], (p, v) => {
      if (p.spec?.backendDefaults?.clientPolicy?.tls?.enforce !== true) v("set spec.backendDefaults.clientPolicy.tls with enforce: true and a validation trust (ACM PCA or file)");
    }),
  resourcePolicy({ name: "mesh-route-retry-policy", upstream: "AWS App Mesh best practices (retries)", enforcementLevel: "mandatory", checks: "every http, http2 and grpc route retries failed requests" },
    ["aws:appmesh/route:Route"], (p, v) => {
      for (const kind of ["httpRoute", "http2Route", "grpcRoute"]) {
        const route = p.spec?.[kind];
        if (route && !(route.retryPolicy?.maxRetries >= 1)) v(`${kind}: add a retryPolicy with maxRetries of at least 1 (2 recommended)`);
      }
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
