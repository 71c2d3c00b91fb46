/** TLS and mutual TLS as each data plane renders it (pure, no Pulumi), and where it cannot work. */
import { strict as assert } from "assert";
import * as envoy from "../../components/dataplanes/envoy/bootstrap";
import { envoyGateway, envoySidecar } from "../../components/dataplanes/envoy/sidecar";
import { acmCertificates, virtualGatewaySpec, virtualNodeSpec } from "../../components/dataplanes/appmesh/specs";
import { taskPolicy } from "../../components/service/iam";
import { issues, MTLS, input, model, withChange } from "../helpers";

const sidecar = (m: any, key: string): any => envoy.sidecarBootstrap(m, key);
const listener = (b: any, name: string) => b.static_resources.listeners.find((l: any) => l.name === name);
const cluster = (b: any, name: string) => b.static_resources.clusters.find((c: any) => c.name === name);
const LOG = { group: "g", region: "us-east-1" };
const SM = "arn:aws:secretsmanager:us-east-1:111122223333:secret:shop/";

describe("mutual TLS on the envoy data plane (examples/mtls.yaml)", () => {
  const m = model(input(MTLS));

  it("back terminates TLS with its certificate from the environment ECS fills, and accepts only front's certificate", () => {
    const [chain] = listener(sidecar(m, "back"), "inbound").filter_chains;
    const ctx = chain.transport_socket.typed_config;
    assert.equal(ctx.require_client_certificate, true);
    assert.deepEqual(ctx.common_tls_context.tls_certificates, [{
      certificate_chain: { environment_variable: "TLS_LISTENER_8080_CERTIFICATE_CHAIN" }, private_key: { environment_variable: "TLS_LISTENER_8080_PRIVATE_KEY" },
    }]);
    assert.deepEqual(ctx.common_tls_context.validation_context, {
      trusted_ca: { environment_variable: "TLS_LISTENER_8080_TRUSTED_CA" },
      match_typed_subject_alt_names: [{ san_type: "DNS", matcher: { exact: "front.shop.local" } }, { san_type: "URI", matcher: { exact: "front.shop.local" } }],
    });
  });

  it("front calls back over TLS, verifying back's name against the CA and presenting its own certificate", () => {
    const c = cluster(sidecar(m, "front"), "node-back-8080").transport_socket.typed_config;
    assert.equal(c.sni, "back.shop.local");
    assert.deepEqual(c.common_tls_context.tls_certificates[0].private_key, { environment_variable: "TLS_CLIENT_PRIVATE_KEY" });
    assert.deepEqual(c.common_tls_context.validation_context.trusted_ca, { environment_variable: "TLS_CLIENT_TRUSTED_CA" });
    assert.deepEqual(c.common_tls_context.validation_context.match_typed_subject_alt_names.map((s: any) => s.matcher.exact), ["back.shop.local", "back.shop.local"]);
  });

  it("ECS injects each PEM document into Envoy from its secret; the execution role may read exactly those secrets; nothing lands in environment", () => {
    const s = envoySidecar(m, "front", LOG);
    const [proxy] = s.containers as any[];
    assert.deepEqual(Object.fromEntries(proxy.secrets.map((x: any) => [x.name, x.valueFrom])), {
      TLS_LISTENER_8080_CERTIFICATE_CHAIN: `${SM}front-tls-AbCdEf:certificate::`, TLS_LISTENER_8080_PRIVATE_KEY: `${SM}front-tls-AbCdEf:key::`,
      TLS_LISTENER_8080_TRUSTED_CA: `${SM}mesh-ca-AbCdEf`,
      TLS_CLIENT_CERTIFICATE_CHAIN: `${SM}front-tls-AbCdEf:certificate::`, TLS_CLIENT_PRIVATE_KEY: `${SM}front-tls-AbCdEf:key::`, TLS_CLIENT_TRUSTED_CA: `${SM}mesh-ca-AbCdEf`,
    });
    assert.ok(!JSON.stringify(proxy.environment).includes("secretsmanager"));
    assert.deepEqual([...new Set(s.secretArns)].sort(), [`${SM}front-tls-AbCdEf:certificate::`, `${SM}front-tls-AbCdEf:key::`, `${SM}mesh-ca-AbCdEf`]);
    const gw = envoyGateway(m, LOG);
    assert.deepEqual((gw.containers as any[])[0].secrets.map((x: any) => x.name).sort(),
      ["TLS_CLIENT_CERTIFICATE_CHAIN", "TLS_CLIENT_PRIVATE_KEY", "TLS_CLIENT_TRUSTED_CA", "TLS_LISTENER_8443_CERTIFICATE_CHAIN", "TLS_LISTENER_8443_PRIVATE_KEY"]);
  });

  it("the gateway terminates TLS on its listener (PERMISSIVE adds the TLS inspector and a plain-text chain)", () => {
    const strict = listener(envoy.gatewayBootstrap(m) as any, "gateway-8443");
    assert.equal(strict.filter_chains.length, 1);
    assert.ok(strict.filter_chains[0].transport_socket);
    assert.equal(strict.listener_filters, undefined);
    const permissive = model(withChange(MTLS, (t) => (t.gateway.listeners[0].tls.mode = "PERMISSIVE")));
    const l = listener(envoy.gatewayBootstrap(permissive) as any, "gateway-8443");
    assert.deepEqual(l.filter_chains.map((c: any) => [c.filter_chain_match.transport_protocol, !!c.transport_socket]), [["tls", true], ["raw_buffer", false]]);
    assert.deepEqual(l.listener_filters.map((f: any) => f.name), ["envoy.filters.listener.tls_inspector"]);
  });

  it("a client policy covers only its ports; without one, a TLS backend is still reached over TLS, unverified", () => {
    const other = model(withChange(MTLS, (t) => { t.services.front.clientTls.ports = [9999]; }));
    assert.deepEqual(cluster(sidecar(other, "front"), "node-back-8080").transport_socket.typed_config,
      { "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext", sni: "back.shop.local" });
    const off = model(withChange(MTLS, (t) => { t.services.front.clientTls.enforce = false; }));
    assert.equal(cluster(sidecar(off, "front"), "node-back-8080").transport_socket.typed_config.common_tls_context, undefined);
  });

  it("files work as well as secrets, and need no secret at all", () => {
    const files = model(withChange(MTLS, (t) => {
      t.services.back.listeners[0].tls.certificate = { file: { certificateChain: "/etc/tls/back.pem", privateKey: "/etc/tls/back.key" } };
      t.services.back.listeners[0].tls.validation.trust = { file: { certificateChain: "/etc/tls/ca.pem" } };
    }));
    const ctx = listener(sidecar(files, "back"), "inbound").filter_chains[0].transport_socket.typed_config.common_tls_context;
    assert.deepEqual(ctx.tls_certificates[0].private_key, { filename: "/etc/tls/back.key" });
    assert.deepEqual(ctx.validation_context.trusted_ca, { filename: "/etc/tls/ca.pem" });
    assert.equal((envoySidecar(files, "back", LOG).containers as any[])[0].secrets, undefined);
  });

  it("validation: every client policy that would fail, at once", () => {
    const found = issues(withChange(MTLS, (t) => {
      delete t.services.back.listeners[0].tls;
      delete t.services.front.listeners[0].tls;
    }));
    assert.deepEqual(found.map((i) => `${i.path}: ${i.message}`), [
      "services.front.clientTls: reaches services.back.listeners[0] (port 8080), which does not terminate TLS: every call there would fail; add tls to that listener, or leave its port out of clientTls.ports",
      "gateway.clientTls: reaches services.front.listeners[0] (port 8080), which does not terminate TLS: every call there would fail; add tls to that listener, or leave its port out of clientTls.ports",
    ]);
  });
});

describe("TLS on the App Mesh data plane", () => {
  const appMesh = (t: any, e: any) => {
    e.dataPlane = "appmesh";
    t.envoy = { appMeshVersion: "v1.29.12.1" };
    t.services.back.listeners[0].tls = {
      mode: "STRICT", certificate: { acm: { certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/back" } },
      validation: { trust: { file: { certificateChain: "/etc/tls/ca.pem" } }, subjectAlternativeNames: ["front.shop.local"] },
    };
    t.services.front.listeners[0].tls = { mode: "STRICT", certificate: { acm: { certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/front" } } };
    t.services.front.clientTls = {
      ports: [8080], certificate: { file: { certificateChain: "/etc/tls/front.pem", privateKey: "/etc/tls/front.key" } },
      validation: { trust: { acm: { certificateAuthorityArns: ["arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca"] } }, subjectAlternativeNames: ["back.shop.local"] },
    };
    t.gateway.listeners[0].tls = { mode: "STRICT", certificate: { acm: { certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/public" } } };
    t.gateway.clientTls = { validation: { trust: { acm: { certificateAuthorityArns: ["arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca"] } } } };
  };
  const m = model(withChange(MTLS, appMesh));

  it("is valid: ACM certificates and Private CAs are what App Mesh reads", () => {
    assert.deepEqual(issues(withChange(MTLS, appMesh)), []);
    // The same description on the envoy data plane: each ACM setting is an error with its path.
    const onEnvoy = issues(withChange(MTLS, (t, e) => { appMesh(t, e); e.dataPlane = "envoy"; }));
    assert.deepEqual(onEnvoy.map((i) => i.path).sort(), [
      "gateway.clientTls.validation.trust.acm", "gateway.listeners[0].tls.certificate.acm", "services.back.listeners[0].tls.certificate.acm",
      "services.front.clientTls.validation.trust.acm", "services.front.listeners[0].tls.certificate.acm"]);
  });

  it("renders listener validation and the client policy in App Mesh's shapes (Pulumi spells the names list `exacts`)", () => {
    const back = virtualNodeSpec(m.nodes.find((n) => n.key === "back")!) as any;
    assert.deepEqual(back.listeners[0].tls.validation, { trust: { file: { certificateChain: "/etc/tls/ca.pem" } }, subjectAlternativeNames: { match: { exacts: ["front.shop.local"] } } });
    const front = virtualNodeSpec(m.nodes.find((n) => n.key === "front")!) as any;
    assert.deepEqual(front.backendDefaults, { clientPolicy: { tls: {
      enforce: true, ports: [8080], certificate: { file: { certificateChain: "/etc/tls/front.pem", privateKey: "/etc/tls/front.key" } },
      validation: { trust: { acm: { certificateAuthorityArns: ["arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/ca"] } }, subjectAlternativeNames: { match: { exacts: ["back.shop.local"] } } },
    } } });
    const gw = virtualGatewaySpec(m.gateway!) as any;
    assert.equal(gw.listeners[0].tls.certificate.acm.certificateArn, "arn:aws:acm:us-east-1:111122223333:certificate/public");
    assert.equal(gw.backendDefaults.clientPolicy.tls.enforce, true);
  });

  it("lets each Envoy export exactly the ACM certificates its listeners serve", () => {
    const back = m.nodes.find((n) => n.key === "back")!;
    const policy = taskPolicy({ streamArn: "arn:node", ecsExec: false, xray: false, exportCertificates: acmCertificates(back.listeners) }) as any;
    assert.deepEqual(policy.Statement[1], { Sid: "ExportListenerCertificates", Effect: "Allow", Action: ["acm:ExportCertificate"], Resource: ["arn:aws:acm:us-east-1:111122223333:certificate/back"] });
    assert.deepEqual(acmCertificates(m.gateway!.listeners), ["arn:aws:acm:us-east-1:111122223333:certificate/public"]);
    assert.equal(taskPolicy({ streamArn: "arn:node", ecsExec: false, xray: false, exportCertificates: [] })!.Statement.length, 1, "no certificate, no permission");
  });
});
