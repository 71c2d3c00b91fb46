/** Rules of the Envoy data plane: Envoy configured by fargate-mesh itself, no control plane. */
import { containerDefinitions, inlineBootstrap, isProduction, list, MeshPolicy, policyDocument, resourcePolicy, stackPolicy, TASK } from "./helpers";

const LOOPBACK = ["127.0.0.1", "::1", "localhost"];

export const envoyPolicies: MeshPolicy[] = [
  resourcePolicy({ name: "envoy-bootstrap-inline", upstream: "fargate-mesh (Envoy data plane)", enforcementLevel: "mandatory", checks: "a self-configured Envoy carries its whole bootstrap in the task definition" },
    [TASK], (p, v) => {
      // The proxy is the container proxyConfiguration names, or the one called envoy.
      const name = p.proxyConfiguration?.containerName ?? "envoy";
      const c = (containerDefinitions(p) ?? []).find((x) => x.name === name);
      if (!c || list<any>(c.environment).some((e) => e.name === "APPMESH_RESOURCE_ARN")) return; // App Mesh streams its configuration
      const found = inlineBootstrap(p);
      if (!found || found.container.name !== c.name) v(`container ${c.name}: start Envoy with --config-yaml and the generated bootstrap, so each revision pins its configuration`);
      else if (!found.bootstrap.static_resources) v(`container ${c.name}: the bootstrap has no static_resources`);
    }),
  resourcePolicy({ name: "envoy-admin-local", upstream: "Envoy operations guide (admin interface)", enforcementLevel: "mandatory", checks: "Envoy's admin interface listens on loopback only and no port mapping exposes it" },
    [TASK], (p, v) => {
      const found = inlineBootstrap(p);
      if (!found) return;
      const admin = found.bootstrap.admin?.address?.socket_address;
      if (admin && !LOOPBACK.includes(admin.address)) v(`admin listens on ${admin.address}; bind it to 127.0.0.1 (it can stop and reconfigure Envoy)`);
      if (admin && list<any>(found.container.portMappings).some((m) => m.containerPort === admin.port_value))
        v(`container ${found.container.name}: remove the port mapping of admin port ${admin.port_value}`);
    }),
  resourcePolicy({ name: "envoy-log-level-production", upstream: "Envoy operations guide (logging); fargate-mesh", enforcementLevel: "mandatory", checks: "no Envoy of a production stack logs at debug or trace" },
    [TASK], (p, v) => {
      if (!isProduction(p)) return;
      for (const c of containerDefinitions(p) ?? []) {
        const env = list<any>(c.environment).find((e) => e.name === "ENVOY_LOG_LEVEL")?.value;
        const args = list<string>(c.command).join(" ");
        const flag = /(?:--log-level|-l)[ =]"?(trace|debug)\b/.exec(args)?.[1];
        const level = [env, flag].find((x) => x === "trace" || x === "debug");
        if (level) v(`container ${c.name}: Envoy logs at ${level} in a production stack (request headers, credentials among them, reach the logs); set envoy.logLevel to info or quieter`);
      }
    }),
  stackPolicy({ name: "envoy-no-appmesh-access", upstream: "fargate-mesh (least privilege; App Mesh discontinued)", enforcementLevel: "mandatory", checks: "tasks of the Envoy data plane hold no App Mesh permission" },
    (all, report) => {
      for (const task of all.filter((r) => r.type === TASK && inlineBootstrap(r.props))) {
        const siblings = all.filter((x) => x !== task && x.parent && task.parent && x.parent.urn === task.parent.urn);
        for (const rp of siblings.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" || r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
          if (/AWSAppMesh/.test(String(rp.props.policyArn ?? ""))) report(`remove ${rp.props.policyArn}: this Envoy reads its configuration from its task definition`, rp.urn);
          for (const s of list<any>(policyDocument(rp.props.policy)?.Statement))
            for (const a of list<string>(s.Action))
              if (/^appmesh:/i.test(a) || a === "*") report(`remove ${a}: this Envoy reads its configuration from its task definition`, rp.urn);
        }
      }
    }),
];
