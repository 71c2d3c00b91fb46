/**
 * TLS between the parts of the mesh: what each data plane can carry, and client policies that
 * could never work. Reads the raw description (like references.ts), so every problem has its path.
 *
 * - envoy: certificates and CA bundles as files in the Envoy container or as secrets ECS injects
 *   (`secret`); not ACM (only App Mesh could hand an ACM certificate or Private CA to Envoy).
 * - appmesh: ACM, files (and SDS, not offered here); not `secret`.
 * - lattice: no sidecar terminates or originates TLS; only the gateway's listeners may.
 */
import { dataPlaneOf } from "./data-plane";
import { IssueList } from "./errors";
import { has } from "./own";

type Raw = Record<string, any>;
type Path = PropertyKey[];
const rec = (x: unknown): Raw => (x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Raw) : {});
const arr = (x: unknown): any[] => (Array.isArray(x) ? x : []);

/** Whether a listener's `tls` (raw or modelled) terminates TLS: present and not DISABLED. */
export const terminatesTls = (tls: unknown): boolean => tls !== undefined && rec(tls).mode !== "DISABLED";

/** Every TLS setting of the description, with its path: listener TLS and client policies. */
function tlsSettings(cfg: Raw) {
  const listeners: { path: Path; tls: Raw }[] = [];
  /** `calls`: the services and routers the client sends to (backends, or gateway route targets). */
  const clients: { path: Path; tls: Raw; gateway: boolean; calls: unknown[] }[] = [];
  for (const [key, s] of Object.entries(rec(cfg.services))) {
    arr(rec(s).listeners).forEach((l, i) => { if (rec(l).tls !== undefined) listeners.push({ path: ["services", key, "listeners", i, "tls"], tls: rec(rec(l).tls) }); });
    if (rec(s).clientTls !== undefined) clients.push({ path: ["services", key, "clientTls"], tls: rec(rec(s).clientTls), gateway: false, calls: arr(rec(s).backends) });
  }
  const g = rec(cfg.gateway);
  arr(g.listeners).forEach((l, i) => { if (rec(l).tls !== undefined) listeners.push({ path: ["gateway", "listeners", i, "tls"], tls: rec(rec(l).tls) }); });
  if (g.clientTls !== undefined)
    clients.push({ path: ["gateway", "clientTls"], tls: rec(g.clientTls), gateway: true, calls: Object.values(rec(g.routes)).map((r) => rec(r).target) });
  return { listeners, clients };
}

export function checkTls(cfg: Raw, issues: IssueList): void {
  const plane = dataPlaneOf(cfg);
  const { listeners, clients } = tlsSettings(cfg);
  const secretsUsed: Path[] = [];
  for (const l of listeners) {
    const cert = rec(l.tls.certificate);
    if (plane !== "appmesh" && cert.acm !== undefined)
      issues.add([...l.path, "certificate", "acm"], `is not available on the ${plane} data plane: only App Mesh could hand an ACM certificate to Envoy; give the certificate and key as secrets (certificate.secret, injected by ECS) or files`);
    if (cert.secret !== undefined) secretsUsed.push([...l.path, "certificate", "secret"]);
    // PERMISSIVE also serves plaintext, so a caller without a certificate is never validated:
    // mutual TLS that anyone can skip is refused rather than silently weakened.
    if (l.tls.mode === "PERMISSIVE" && l.tls.validation !== undefined)
      issues.add([...l.path, "mode"], "is PERMISSIVE, which also accepts plaintext, so validation (mutual TLS) could be bypassed; use STRICT with validation, or remove validation while migrating");
    // Without names, every certificate the CA ever signed is accepted, the gateway's included.
    if (l.tls.validation !== undefined && rec(l.tls.validation).subjectAlternativeNames === undefined)
      issues.add([...l.path, "validation", "subjectAlternativeNames"], "is required with validation: without names every certificate of the CA is trusted, the gateway's and every other service's included; name the callers' certificates (e.g. their Cloud Map names, like front.shop.local)");
    if (rec(rec(l.tls.validation).trust).secret !== undefined) secretsUsed.push([...l.path, "validation", "trust", "secret"]);
  }
  for (const c of clients) {
    const trust = rec(rec(c.tls.validation).trust);
    if (plane === "lattice")
      issues.add(c.path, `is not available on the lattice data plane: ${c.gateway ? "the gateway reaches VPC Lattice services on their HTTP listeners" : "no sidecar originates TLS; VPC Lattice carries the call"}; remove clientTls`);
    if (plane === "envoy" && trust.acm !== undefined)
      issues.add([...c.path, "validation", "trust", "acm"], "is not available on the envoy data plane: upstream Envoy cannot read an ACM Private CA; give the CA's certificate as a secret (trust.secret) or file");
    if (rec(c.tls.certificate).secret !== undefined) secretsUsed.push([...c.path, "certificate", "secret"]);
    if (trust.secret !== undefined) secretsUsed.push([...c.path, "validation", "trust", "secret"]);
    if (plane !== "lattice") checkClientReachesTls(cfg, c.path, c.tls, c.calls, issues);
  }
  if (plane === "appmesh")
    for (const p of secretsUsed)
      issues.add(p, "is not available on the appmesh data plane: App Mesh's Envoy reads certificates from ACM, files or SDS; use file (or the envoy data plane)");
}

/** The listeners a caller's calls to `key` reach: a service's own, or the router's targets' (on their target ports). */
function reachedListeners(cfg: Raw, key: string): { service: string; index: number; listener: Raw }[] {
  const services = rec(cfg.services);
  const routers = rec(cfg.routers);
  const of = (svc: string, port?: unknown) => {
    const ls = arr(rec(services[svc]).listeners).map(rec);
    const index = port === undefined ? -1 : ls.findIndex((l) => l.port === port);
    return index >= 0 ? [{ service: svc, index, listener: ls[index] }] : ls.map((listener, i) => ({ service: svc, index: i, listener }));
  };
  if (has(services, key)) return of(key);
  if (!has(routers, key)) return [];
  const out = [];
  for (const route of Object.values(rec(rec(routers[key]).routes)))
    for (const [node, t] of Object.entries(rec(rec(route).targets)))
      if (has(services, node)) out.push(...of(node, rec(t).port));
  return out;
}

/**
 * An enforced client policy originates TLS to every backend port it covers; a listener there
 * without TLS (or with it DISABLED) would fail every call, so say so before anything deploys.
 */
function checkClientReachesTls(cfg: Raw, path: Path, c: Raw, calls: unknown[], issues: IssueList) {
  if (c.enforce === false) return;
  const ports = Array.isArray(c.ports) ? c.ports : undefined;
  const seen = new Set<string>();
  for (const key of calls) {
    if (typeof key !== "string") continue;
    for (const { service, index, listener } of reachedListeners(cfg, key)) {
      const id = `${service}/${index}`;
      if (seen.has(id) || (ports && !ports.includes(listener.port))) continue;
      seen.add(id);
      if (!terminatesTls(listener.tls))
        issues.add(path, `reaches services.${service}.listeners[${index}] (port ${listener.port}), which does not terminate TLS: every call there would fail; add tls to that listener, or leave its port out of clientTls.ports`);
    }
  }
}
