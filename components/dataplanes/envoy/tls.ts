/**
 * TLS on the envoy data plane: listeners that terminate it (and with `validation`, require
 * client certificates: mutual TLS), and clusters that originate it under a client policy.
 *
 * Certificates, keys and CA bundles come from files in the Envoy container, or from secrets:
 * ECS reads the secret at task start into an environment variable of the Envoy container (never
 * into the task definition), and Envoy reads the PEM from that variable (DataSource
 * `environment_variable`). So nothing is baked into an image and the private key never appears in
 * a plan. `tlsSecrets` lists the variables, for the container's `secrets` and the execution role.
 */
import type { ClientTlsModel, KeyPairModel, TlsModel, TrustModel, ValidationModel } from "../../../model/types";
import { terminatesTls } from "../../../model/tls";
import type { Json } from "./types";
import { T } from "./types";

interface TlsListener { port: number; tls?: TlsModel }

/** The environment variable names ECS fills from secrets, one per PEM document. */
const ENV = {
  listenerChain: (port: number) => `TLS_LISTENER_${port}_CERTIFICATE_CHAIN`,
  listenerKey: (port: number) => `TLS_LISTENER_${port}_PRIVATE_KEY`,
  listenerCa: (port: number) => `TLS_LISTENER_${port}_TRUSTED_CA`,
  clientChain: "TLS_CLIENT_CERTIFICATE_CHAIN",
  clientKey: "TLS_CLIENT_PRIVATE_KEY",
  clientCa: "TLS_CLIENT_TRUSTED_CA",
};

const source = (file: string | undefined, env: string): Json => (file !== undefined ? { filename: file } : { environment_variable: env });

function certificate(pair: KeyPairModel, chainEnv: string, keyEnv: string): Json {
  return {
    certificate_chain: source(pair.file?.certificateChain, chainEnv),
    private_key: source(pair.file?.privateKey, keyEnv),
  };
}

/**
 * The CA a peer must chain to, and the names it must carry. App Mesh matches a name against the
 * certificate's subject alternative names of any kind; Envoy wants a type, so each name is
 * accepted as a DNS name or a URI (SPIFFE IDs are URIs).
 */
function validationContext(v: ValidationModel, caEnv: string): Json {
  return {
    trusted_ca: source(v.trust.file?.certificateChain, caEnv),
    ...(v.subjectAlternativeNames ? {
      match_typed_subject_alt_names: v.subjectAlternativeNames.flatMap((exact) => ["DNS", "URI"].map((san_type) => ({ san_type, matcher: { exact } }))),
    } : {}),
  };
}

/** The transport socket of a listener that terminates TLS, or undefined. */
export function downstreamTls(l: TlsListener, alpn?: string[]): Json | undefined {
  const tls = l.tls;
  if (!tls || !terminatesTls(tls) || (!tls.certificate.file && !tls.certificate.secret)) return undefined;
  return {
    name: "envoy.transport_sockets.tls",
    typed_config: {
      "@type": T.downstreamTls,
      common_tls_context: {
        tls_certificates: [certificate(tls.certificate, ENV.listenerChain(l.port), ENV.listenerKey(l.port))],
        ...(tls.validation ? { validation_context: validationContext(tls.validation, ENV.listenerCa(l.port)) } : {}),
        ...(alpn ? { alpn_protocols: alpn } : {}),
      },
      ...(tls.validation ? { require_client_certificate: true } : {}),
    },
  };
}

/**
 * A listener's filter chains with its TLS: STRICT takes TLS only; PERMISSIVE also plain text,
 * told apart by the TLS inspector (`inspector` says the listener needs it).
 */
export function tlsChains(l: TlsListener, chain: (match: Json) => Json, alpn?: string[]): { chains: Json[]; inspector: boolean } {
  const tls = downstreamTls(l, alpn);
  if (!tls) return { chains: [chain({})], inspector: false };
  return l.tls!.mode === "PERMISSIVE"
    ? { chains: [{ ...chain({ transport_protocol: "tls" }), transport_socket: tls }, chain({ transport_protocol: "raw_buffer" })], inspector: true }
    : { chains: [{ ...chain({}), transport_socket: tls }], inspector: false };
}

/** Whether a client policy covers calls to a backend listener on `port`. */
export const clientTlsCovers = (c: ClientTlsModel | undefined, port: number): c is ClientTlsModel =>
  !!c && c.enforce && (!c.ports || c.ports.includes(port));

/**
 * The transport socket of a cluster to a backend listener. Under a client policy: verify the
 * backend against the trusted CA (and its names), presenting the client certificate for mutual
 * TLS. Without one, to a listener that terminates TLS: encrypt without verifying, as App Mesh's
 * Envoy did.
 */
export function upstreamTls(sni: string, listener: TlsListener, client?: ClientTlsModel): Json | undefined {
  if (clientTlsCovers(client, listener.port)) {
    return {
      name: "envoy.transport_sockets.tls",
      typed_config: {
        "@type": T.upstreamTls, sni,
        common_tls_context: {
          ...(client.certificate ? { tls_certificates: [certificate(client.certificate, ENV.clientChain, ENV.clientKey)] } : {}),
          validation_context: validationContext(client.validation, ENV.clientCa),
        },
      },
    };
  }
  if (terminatesTls(listener.tls)) return { name: "envoy.transport_sockets.tls", typed_config: { "@type": T.upstreamTls, sni } };
  return undefined;
}

/** The secrets an Envoy reads its PEM documents from: environment variable name → secret ARN. */
export function tlsSecrets(listeners: TlsListener[], client?: ClientTlsModel): Record<string, string> {
  const out: Record<string, string> = {};
  const trust = (t: TrustModel, env: string) => { if (t.secret) out[env] = t.secret.certificateChain; };
  for (const l of listeners) {
    const s = l.tls?.certificate.secret;
    if (s) { out[ENV.listenerChain(l.port)] = s.certificateChain; out[ENV.listenerKey(l.port)] = s.privateKey; }
    if (l.tls?.validation) trust(l.tls.validation.trust, ENV.listenerCa(l.port));
  }
  if (client) {
    const s = client.certificate?.secret;
    if (s) { out[ENV.clientChain] = s.certificateChain; out[ENV.clientKey] = s.privateKey; }
    trust(client.validation.trust, ENV.clientCa);
  }
  return out;
}
