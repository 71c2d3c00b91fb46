/**
 * What each data plane can carry. The description is the same for both; where a data plane
 * cannot realise a setting the user wrote, validation says so with the path and the
 * alternative, instead of dropping it. Reads the raw description, like references.ts.
 */
import { IssueList } from "./errors";
import { checkEnvoyImage, isAppMeshEnvoyImage } from "./envoy-image";
import { has } from "./own";

type Raw = Record<string, any>;
const rec = (x: unknown): Raw => (x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Raw) : {});
const arr = (x: unknown): any[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | undefined => (typeof x === "string" ? x : undefined);

const ON_ENVOY = "not available on the envoy data plane";
/** Where the envoy data plane writes access logs: the container's own streams, which awslogs ships. */
export const ENVOY_LOG_PATHS = ["/dev/stdout", "/dev/stderr"];

export function checkDataPlane(cfg: Raw, region: string, issues: IssueList): void {
  const plane = cfg.dataPlane === "appmesh" ? "appmesh" : cfg.dataPlane === undefined || cfg.dataPlane === "envoy" ? "envoy" : undefined;
  if (!plane) return; // the schema reports an unknown data plane
  const envoy = rec(cfg.envoy);
  if (plane === "appmesh") checkAppMeshVersion(envoy, region, issues);
  else checkEnvoyPlane(cfg, envoy, issues);
}

function checkAppMeshVersion(envoy: Raw, region: string, issues: IssueList) {
  const image = str(envoy.image);
  const legacy = str(envoy.version) && /^v\d+\.\d+\.\d+\.\d+$/.test(envoy.version) ? envoy.version : undefined;
  const version = str(envoy.appMeshVersion) ?? legacy;
  if (!image && !version)
    issues.add(["envoy", "appMeshVersion"], "is required on the appmesh data plane (an App Mesh Envoy build such as v1.29.12.1; the regional image is derived from it), or set envoy.image");
  for (const p of checkEnvoyImage(region, image, version)) issues.add(["envoy", image ? "image" : "appMeshVersion"], p);
}

function checkEnvoyPlane(cfg: Raw, envoy: Raw, issues: IssueList) {
  const image = str(envoy.image);
  const version = str(envoy.version);
  if (!image && !version) issues.add(["envoy", "version"], "is required on the envoy data plane: an upstream Envoy release such as v1.38.9 (envoyproxy/envoy), or set envoy.image");
  if (version && /^v\d+\.\d+\.\d+\.\d+$/.test(version))
    issues.add(["envoy", "version"], `${version} is an App Mesh Envoy build; the envoy data plane runs upstream Envoy: write a release such as v1.38.9, and keep the App Mesh build in envoy.appMeshVersion`);
  if (image && isAppMeshEnvoyImage(image))
    issues.add(["envoy", "image"], "is AWS's App Mesh Envoy image, which only runs with App Mesh; use envoyproxy/envoy or your mirror of it");
  const proxy = envoy.interception === "proxy";
  if (proxy && rec(cfg.mesh).egressFilter === "ALLOW_ALL")
    issues.add(["mesh", "egressFilter"], `ALLOW_ALL with envoy.interception proxy is ${ON_ENVOY}: a proxy-mode Envoy cannot pass unknown hosts on to their original destination; use interception transparent, or DROP_ALL`);

  const services = rec(cfg.services);
  const routers = rec(cfg.routers);
  const tcpPortsOf = (key: string): number[] => {
    const isService = has(services, key);
    const target = isService ? [rec(services[key])] : Object.values(rec(rec(routers[key]).routes)).flatMap((r) => Object.keys(rec(rec(r).targets)).map((k) => rec(services[k])));
    const listeners = isService ? arr(rec(services[key]).listeners) : has(routers, key) ? arr(rec(routers[key]).listeners) : [];
    return isService || target.length ? listeners.filter((l) => rec(l).protocol === "tcp").map((l) => rec(l).port) : [];
  };
  for (const [key, s] of Object.entries(services)) {
    const svc = rec(s);
    const path = ["services", key];
    if (Object.keys(rec(rec(rec(svc.discovery).cloudMap).attributes)).length)
      issues.add([...path, "discovery", "cloudMap", "attributes"], `are ${ON_ENVOY}: Envoy finds tasks through the Cloud Map DNS name, and DNS cannot select instances by attribute; register the subset under its own Cloud Map service`);
    arr(svc.listeners).forEach((l, i) => {
      const tls = rec(rec(l).tls);
      if (rec(tls.certificate).acm !== undefined)
        issues.add([...path, "listeners", i, "tls", "certificate", "acm"], `is ${ON_ENVOY}: only App Mesh could hand an ACM certificate to Envoy; mount a certificate and key as files (certificate.file) instead`);
      if (proxy && rec(l).tls !== undefined)
        issues.add([...path, "listeners", i, "tls"], "needs envoy.interception transparent: in proxy mode callers reach the application directly, so Envoy cannot terminate TLS in front of it");
      if (proxy && rec(l).protocol === "tcp")
        issues.add([...path, "listeners", i, "protocol"], "tcp needs envoy.interception transparent: HTTP_PROXY only carries HTTP");
    });
    const log = str(rec(svc.accessLog).path);
    if (log !== undefined && !ENVOY_LOG_PATHS.includes(log))
      issues.add([...path, "accessLog", "path"], `must be ${ENVOY_LOG_PATHS.join(" or ")} on the envoy data plane (the root file system is read-only; awslogs ships the container's output), got ${JSON.stringify(log)}`);
    // TCP has no Host header: the outbound listener tells TCP backends apart by destination port.
    const seen = new Map<number, string>();
    const httpPorts = new Map<number, string>();
    for (const b of arr(svc.backends)) {
      if (typeof b !== "string") continue;
      const tcp = new Set(tcpPortsOf(b));
      const listeners = has(services, b) ? arr(rec(services[b]).listeners) : has(routers, b) ? arr(rec(routers[b]).listeners) : [];
      for (const l of listeners) if (!tcp.has(rec(l).port) && typeof rec(l).port === "number" && !httpPorts.has(rec(l).port)) httpPorts.set(rec(l).port, b);
    }
    for (const b of arr(svc.backends)) {
      if (typeof b !== "string") continue;
      for (const p of tcpPortsOf(b)) {
        const http = httpPorts.get(p);
        if (http && !proxy) issues.add([...path, "backends"], `${b} takes tcp on port ${p}, where ${http} takes HTTP; the envoy data plane tells tcp backends apart by port, so give one of them another port`);
        if (proxy) { issues.add([...path, "backends"], `${b} is a tcp backend, which needs envoy.interception transparent: HTTP_PROXY only carries HTTP`); break; }
        const prior = seen.get(p);
        if (prior && prior !== b) issues.add([...path, "backends"], `${prior} and ${b} both take tcp on port ${p}; the envoy data plane tells tcp backends apart by port, so give one of them another port`);
        else seen.set(p, b);
      }
    }
  }
  const gwLog = str(rec(rec(cfg.gateway).accessLog).path);
  if (gwLog !== undefined && !ENVOY_LOG_PATHS.includes(gwLog))
    issues.add(["gateway", "accessLog", "path"], `must be ${ENVOY_LOG_PATHS.join(" or ")} on the envoy data plane (the root file system is read-only; awslogs ships the container's output), got ${JSON.stringify(gwLog)}`);
}
