/** TLS rules over Envoy bootstraps (tls_params, validation, keys) and load balancer listeners. */
import { inlineBootstrap, list, MeshPolicy, resourcePolicy, TASK, walk } from "./helpers";

const OLD_TLS = ["TLSv1_0", "TLSv1_1"];
/**
 * Cipher suites that are not AEAD or not secure at all: RC4, (3)DES, MD5, NULL, export and
 * anonymous suites, and CBC suites (BoringSSL names ending in -SHA, -SHA256 or -SHA384 without
 * GCM or CHACHA20).
 */
const weakCipher = (c: string) => /RC4|DES|MD5|NULL|EXPORT|EXP-|anon|ADH|AECDH|PSK/i.test(c) || (/-SHA(256|384)?$/.test(c) && !/GCM|CHACHA20/.test(c));
/** ELB policies that still allow TLS 1.0 or 1.1 (and with them CBC ciphers): every policy not limited to 1.2+. */
const TLS12_PLUS = /TLS13|TLS-1-2|FS-1-2/;
const typeIs = (o: any, t: string) => typeof o?.["@type"] === "string" && o["@type"].endsWith(t);
const validation = (ctx: any) => ctx?.common_tls_context?.validation_context ?? ctx?.common_tls_context?.combined_validation_context?.default_validation_context;
const SAN_CHECKS = ["match_typed_subject_alt_names", "match_subject_alt_names", "verify_certificate_spki", "verify_certificate_hash"];

export const tlsPolicies: MeshPolicy[] = [
  resourcePolicy({ name: "tls-min-version", upstream: "CKV_AWS_103; Trivy AWS-0047; Envoy TLS guide (tls_params)", enforcementLevel: "mandatory", checks: "Envoy's tls_params and TLS listeners' sslPolicy allow TLS 1.2 or later only, with no weak (non-AEAD) cipher suites" },
    [TASK, "aws:lb/listener:Listener", "aws:alb/listener:Listener"], (p, v) => {
      if (p.protocol !== undefined) {
        if (["TLS", "HTTPS"].includes(p.protocol) && typeof p.sslPolicy === "string" && !TLS12_PLUS.test(p.sslPolicy))
          v(`listener ${p.port}: sslPolicy ${p.sslPolicy} allows TLS 1.0/1.1 and CBC ciphers; use ELBSecurityPolicy-TLS13-1-2-2021-06 (or an FS-1-2 policy)`);
        return;
      }
      const found = inlineBootstrap(p);
      if (!found) return;
      walk(found.bootstrap, (o, path) => {
        const t = o.tls_params;
        if (!t) return;
        for (const k of ["tls_minimum_protocol_version", "tls_maximum_protocol_version"])
          if (OLD_TLS.includes(t[k])) v(`${path}.tls_params: ${k} ${t[k]}; use TLSv1_2 or TLSv1_3`);
        for (const c of list<string>(t.cipher_suites).flatMap((x) => String(x).replace(/[[\]]/g, "").split("|")))
          if (weakCipher(c)) v(`${path}.tls_params: cipher ${c} is weak; keep Envoy's default suites or ECDHE-*-AES*-GCM-* and CHACHA20-POLY1305 only`);
      });
    }),
  resourcePolicy({ name: "tls-verify-peers", upstream: "Envoy TLS guide (trust_chain_verification); CWE-295", enforcementLevel: "mandatory", checks: "no Envoy validation context accepts untrusted certificates (ACCEPT_UNTRUSTED)" },
    [TASK], (p, v) => {
      const found = inlineBootstrap(p);
      if (found) walk(found.bootstrap, (o, path) => {
        if (o.trust_chain_verification === "ACCEPT_UNTRUSTED") v(`${path}: trust_chain_verification ACCEPT_UNTRUSTED accepts any certificate; remove it so the chain is verified against trusted_ca`);
      });
    }),
  resourcePolicy({ name: "tls-no-inline-private-key", upstream: "CKV_SECRET_13 in spirit; ECS best practice (secrets from Secrets Manager)", enforcementLevel: "mandatory", checks: "no private key is written into an Envoy bootstrap (inline_string or inline_bytes)" },
    [TASK], (p, v) => {
      const found = inlineBootstrap(p);
      if (found) walk(found.bootstrap, (o, path) => {
        for (const k of ["private_key", "pkcs12"])
          if (o[k] && (o[k].inline_string !== undefined || o[k].inline_bytes !== undefined))
            v(`${path}.${k} is inline, so the key is in the task definition for anyone who can describe it; name a secret (tls.*.secret) so ECS injects it as an environment variable`);
      });
    }),
  resourcePolicy({ name: "tls-client-san-match", upstream: "Envoy TLS guide (match_typed_subject_alt_names); App Mesh mTLS subject alternative names", enforcementLevel: "advisory", checks: "an Envoy listener that validates client certificates also matches their subject alternative names" },
    [TASK], (p, v) => {
      const found = inlineBootstrap(p);
      if (found) walk(found.bootstrap, (o, path) => {
        if (!typeIs(o, "DownstreamTlsContext")) return;
        const vc = validation(o);
        if ((vc || o.require_client_certificate) && !SAN_CHECKS.some((k) => list(vc?.[k]).length > 0))
          v(`${path}: validates client certificates but accepts any the CA signed; set the listener's tls.validation.subjectAlternativeNames to the callers' names (or except this policy for a CA that signs only them)`);
      });
    }),
];
