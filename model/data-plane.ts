/**
 * What each data plane can carry. The description is the same for both; where a data plane
 * cannot realise a setting the user wrote, validation says so with the path and the
 * alternative, instead of dropping it. Reads the raw description, like references.ts.
 */
import { DEFAULTS } from "./defaults";
import { IssueList } from "./errors";
import { TESTED_ENVOY_VERSION } from "./envoy-release";
import { checkEnvoyImage, isAppMeshEnvoyImage } from "./envoy-image";
import { has } from "./own";
import { gatewayReservedPorts, reservedPorts } from "./task-ports";
import { hasVirtualService, routerTargets } from "./providers";

type Raw = Record<string, any>;
const rec = (x: unknown): Raw => (x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Raw) : {});
const arr = (x: unknown): any[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | undefined => (typeof x === "string" ? x : undefined);

const ON_ENVOY = "not available on the envoy data plane";
/** Where the envoy data plane writes access logs: the container's own streams, which awslogs ships. */
export const ENVOY_LOG_PATHS = ["/dev/stdout", "/dev/stderr"];

/** The data plane a raw description chooses (the schema reports a value that is not one). */
export const dataPlaneOf = (cfg: Raw): unknown => (cfg.dataPlane === undefined ? DEFAULTS.dataPlane : cfg.dataPlane);

export function checkDataPlane(cfg: Raw, region: string, issues: IssueList): void {
  const plane = dataPlaneOf(cfg);
  const envoy = rec(cfg.envoy);
  // Live route updates are the envoy data plane's own: App Mesh and Lattice apply route changes in place already.
  if (plane === "appmesh" || plane === "lattice")
    for (const k of ["routeUpdates", "appConfigAgentImage"]) if (envoy[k] !== undefined)
      issues.add(["envoy", k], `applies to the envoy data plane only; ${plane} updates routes in place without restarts already: remove it`);
  if (plane === "appmesh") checkAppMeshVersion(envoy, region, issues);
  else if (plane === "envoy") checkEnvoyPlane(cfg, envoy, issues);
  else if (plane === "lattice") checkLatticePlane(cfg, envoy, issues);
  // any other value: the schema reports an unknown data plane
  if (plane !== "lattice" && cfg.lattice !== undefined)
    issues.add(["lattice"], `applies to the lattice data plane only; this description uses ${typeof plane === "string" ? plane : "another"}: remove it or set dataPlane: lattice`);
}

function checkAppMeshVersion(envoy: Raw, region: string, issues: IssueList) {
  const image = str(envoy.image);
  const legacy = str(envoy.version) && /^v\d+\.\d+\.\d+\.\d+$/.test(envoy.version) ? envoy.version : undefined;
  const version = str(envoy.appMeshVersion) ?? legacy;
  if (!image && !version)
    issues.add(["envoy", "appMeshVersion"], "is required on the appmesh data plane (an App Mesh Envoy build such as v1.29.12.1; the regional image is derived from it), or set envoy.image");
  for (const p of checkEnvoyImage(region, image, version)) issues.add(["envoy", image ? "image" : "appMeshVersion"], p);
}

/** Upstream Envoy, which the envoy data plane runs everywhere and the lattice one at the gateway. */
function checkUpstreamEnvoy(envoy: Raw, issues: IssueList) {
  const image = str(envoy.image);
  const version = str(envoy.version);
  if (version && /^v\d+\.\d+\.\d+\.\d+$/.test(version))
    issues.add(["envoy", "version"], `${version} is an App Mesh Envoy build; the envoy data plane runs upstream Envoy: write an upstream release such as ${TESTED_ENVOY_VERSION} (or leave envoy.version out for that default), and keep the App Mesh build in envoy.appMeshVersion`);
  if (image && isAppMeshEnvoyImage(image))
    issues.add(["envoy", "image"], "is AWS's App Mesh Envoy image, which only runs with App Mesh; use envoyproxy/envoy or your mirror of it");
}

function checkEnvoyPlane(cfg: Raw, envoy: Raw, issues: IssueList) {
  checkUpstreamEnvoy(envoy, issues);
  const proxy = envoy.interception === "proxy";
  if (proxy && rec(cfg.mesh).egressFilter === "ALLOW_ALL")
    issues.add(["mesh", "egressFilter"], `ALLOW_ALL with envoy.interception proxy is ${ON_ENVOY}: a proxy-mode Envoy cannot pass unknown hosts on to their original destination; use interception transparent, or DROP_ALL`);

  const reservedAt = reservedPorts({ xray: envoy.xray === true });
  checkGatewayPorts(cfg, envoy, issues);
  const services = rec(cfg.services);
  const routers = rec(cfg.routers);
  const listenersOf = (key: string) => (has(services, key) ? arr(rec(services[key]).listeners) : has(routers, key) ? arr(rec(routers[key]).listeners) : []).map(rec);
  const tcpPortsOf = (key: string): number[] => listenersOf(key).filter((l) => l.protocol === "tcp").map((l) => l.port);
  for (const [key, s] of Object.entries(services)) {
    const svc = rec(s);
    const path = ["services", key];
    if (Object.keys(rec(rec(rec(svc.discovery).cloudMap).attributes)).length)
      issues.add([...path, "discovery", "cloudMap", "attributes"], `are ${ON_ENVOY}: Envoy finds tasks through the Cloud Map DNS name, and DNS cannot select instances by attribute; register the subset under its own Cloud Map service`);
    arr(svc.listeners).forEach((l, i) => {
      // The sidecars' own ports: an application on one of them could not start, or would be
      // bypassed. (Container ports must be listener ports, references.ts, so this covers them.)
      const taken = reservedAt.get(rec(l).port);
      if (taken) issues.add([...path, "listeners", i, "port"], `${rec(l).port} is ${taken} in every task of the envoy data plane; use another port`);
      if (proxy && rec(l).tls !== undefined)
        issues.add([...path, "listeners", i, "tls"], "needs envoy.interception transparent: in proxy mode callers reach the application directly, so Envoy cannot terminate TLS in front of it");
      if (proxy && rec(l).protocol === "tcp")
        issues.add([...path, "listeners", i, "protocol"], "tcp needs envoy.interception transparent: HTTP_PROXY only carries HTTP");
    });
    checkLogPath(svc.accessLog, path, issues);
    if (proxy && svc.egressIgnoredPorts !== undefined)
      issues.add([...path, "egressIgnoredPorts"], "applies to envoy.interception transparent only: in proxy mode only what an application sends to HTTP_PROXY reaches Envoy, and AWS APIs (.amazonaws.com) are in NO_PROXY already; remove it");
    // gRPC clients do not send their calls to an HTTP_PROXY as plain requests: they open an HTTP
    // CONNECT tunnel to the target (grpc-go, gRPC C-core and Java when a proxy is set) or ignore
    // the variables, and the proxy-mode Envoy routes requests, not tunnels. The call would fail or
    // leave the mesh.
    if (proxy) arr(svc.backends).forEach((b, i) => {
      if (typeof b !== "string") return;
      const grpc = listenersOf(b).filter((l) => l.protocol === "grpc").map((l) => l.port);
      if (grpc.length)
        issues.add([...path, "backends", i], `${b} takes grpc on port ${grpc.join(", ")}, which needs envoy.interception transparent: gRPC clients tunnel through an HTTP_PROXY with CONNECT (or ignore it), and the proxy-mode Envoy routes plain HTTP requests only`);
    });
    // TCP has no Host header: the outbound listener tells TCP backends apart by destination port.
    const seen = new Map<number, string>();
    const httpPorts = new Map<number, string>();
    for (const b of arr(svc.backends)) {
      if (typeof b !== "string") continue;
      for (const l of listenersOf(b)) if (l.protocol !== "tcp" && typeof l.port === "number" && !httpPorts.has(l.port)) httpPorts.set(l.port, b);
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
  checkLogPath(rec(cfg.gateway).accessLog, ["gateway"], issues);
}

/** The gateway's Envoy (envoy and lattice data planes) takes the sidecar's ports and its readiness port. */
function checkGatewayPorts(cfg: Raw, envoy: Raw, issues: IssueList) {
  const reservedAt = gatewayReservedPorts({ xray: envoy.xray === true });
  arr(rec(cfg.gateway).listeners).forEach((l, i) => {
    const taken = reservedAt.get(rec(l).port);
    if (taken) issues.add(["gateway", "listeners", i, "port"], `${rec(l).port} is ${taken} in the gateway's task; use another port`);
  });
}

/** Envoy writes access logs to its container's own streams: the root file system is read-only. */
function checkLogPath(accessLog: unknown, owner: PropertyKey[], issues: IssueList) {
  const log = str(rec(accessLog).path);
  if (log !== undefined && !ENVOY_LOG_PATHS.includes(log))
    issues.add([...owner, "accessLog", "path"], `must be ${ENVOY_LOG_PATHS.join(" or ")} on the envoy data plane (the root file system is read-only; awslogs ships the container's output), got ${JSON.stringify(log)}`);
}

const ON_LATTICE = "not available on the lattice data plane";
/** VPC Lattice limits (API model and default quotas; see the README's data plane table). */
export const LATTICE = {
  listenersPerService: 2,
  /** Default quota "Rules per listener" (adjustable; it was 5 before). */
  rulesPerListener: 10,
  headerMatchesPerRule: 5,
  pathMatchMax: 200,
  /** The API takes 1–2000; the Terraform-based provider and the console 1–100. */
  rulePriorityMax: 100,
  /** ECS attaches a service to about 5 Lattice target groups. */
  targetGroupsPerEcsService: 5,
  healthCheckTimeoutSecondsMax: 120,
};

/** What VPC Lattice cannot do, written explicitly in the description: an error with the alternative. */
function checkLatticePlane(cfg: Raw, envoy: Raw, issues: IssueList) {
  if (cfg.gateway !== undefined) { checkUpstreamEnvoy(envoy, issues); checkGatewayPorts(cfg, envoy, issues); }
  const services = rec(cfg.services);
  const routers = rec(cfg.routers);
  const targetsOf = routerTargets(routers);
  const tgCount = new Map<string, number>();
  const countTg = (node: string, n = 1) => tgCount.set(node, (tgCount.get(node) ?? 0) + n);
  for (const [key, s] of Object.entries(services)) {
    const svc = rec(s);
    const path = ["services", key];
    const listeners = arr(svc.listeners);
    if (listeners.length > LATTICE.listenersPerService)
      issues.add([...path, "listeners"], `has ${listeners.length} listeners; a Lattice service takes at most ${LATTICE.listenersPerService} (default quota): split the service`);
    listeners.forEach((l, i) => checkLatticeListener(rec(l), [...path, "listeners", i], issues));
    if (svc.egressIgnoredPorts !== undefined)
      issues.add([...path, "egressIgnoredPorts"], `is ${ON_LATTICE}: no sidecar intercepts the application's connections; its security group alone limits them (HTTPS and the Lattice prefix list); remove it`);
    if (hasVirtualService(key, svc, targetsOf)) countTg(key, listeners.length);
  }
  for (const [rk, r] of Object.entries(routers)) {
    const router = rec(r);
    const listeners = arr(router.listeners);
    if (listeners.length > LATTICE.listenersPerService)
      issues.add(["routers", rk, "listeners"], `has ${listeners.length} listeners; a Lattice service takes at most ${LATTICE.listenersPerService} (default quota)`);
    listeners.forEach((l, i) => { if (rec(l).protocol === "tcp" || rec(l).protocol === "grpc") checkLatticeListener(rec(l), ["routers", rk, "listeners", i], issues); });
    const routes = Object.entries(rec(router.routes));
    if (routes.length > LATTICE.rulesPerListener)
      issues.add(["routers", rk, "routes"], `has ${routes.length} routes; a Lattice listener takes at most ${LATTICE.rulesPerListener} rules (default quota): merge routes or ask AWS for more`);
    const targets = new Set<string>();
    for (const [name, rt] of routes) {
      const route = rec(rt);
      const p = ["routers", rk, "routes", name];
      const m = rec(route.match);
      if (route.retryPolicy !== undefined) issues.add([...p, "retryPolicy"], `is ${ON_LATTICE}: VPC Lattice has no retry policy; retry in the client, or use the envoy data plane`);
      if (route.timeout !== undefined) issues.add([...p, "timeout"], `is ${ON_LATTICE}: VPC Lattice has no per-route timeout; set it in the client, or use the envoy data plane`);
      if (typeof m.prefix === "string" && m.prefix.length > LATTICE.pathMatchMax) issues.add([...p, "match", "prefix"], `is ${m.prefix.length} characters; a Lattice path match takes at most ${LATTICE.pathMatchMax}`);
      if (typeof route.priority === "number" && route.priority >= LATTICE.rulePriorityMax)
        issues.add([...p, "priority"], `must be below ${LATTICE.rulePriorityMax} on the lattice data plane (rule priority is route priority + 1, and the provider accepts 1–${LATTICE.rulePriorityMax}), got ${route.priority}`);
      const headers = arr(m.headers);
      if (headers.length > LATTICE.headerMatchesPerRule) issues.add([...p, "match", "headers"], `has ${headers.length} header matches; a Lattice rule takes at most ${LATTICE.headerMatchesPerRule}`);
      headers.forEach((h, i) => {
        const hm = rec(h);
        for (const kind of ["suffix", "regex", "range"]) if (hm[kind] !== undefined)
          issues.add([...p, "match", "headers", i, kind], `is ${ON_LATTICE}: Lattice header matches are exact, prefix or contains; use one of those, or the envoy data plane`);
        if (hm.invert === true) issues.add([...p, "match", "headers", i, "invert"], `is ${ON_LATTICE}: Lattice cannot invert a header match; write the positive case as a higher-priority rule`);
      });
      for (const t of Object.keys(rec(route.targets))) targets.add(t);
    }
    for (const t of targets) countTg(t, listeners.length);
  }
  for (const [node, n] of tgCount)
    if (n > LATTICE.targetGroupsPerEcsService)
      issues.add(["services", node], `would be registered in ${n} Lattice target groups (one per Lattice service and port that sends to it); ECS attaches a service to at most ${LATTICE.targetGroupsPerEcsService}`);
}

function checkLatticeListener(l: Raw, path: PropertyKey[], issues: IssueList) {
  if (l.protocol === "tcp") issues.add([...path, "protocol"], `tcp is ${ON_LATTICE}: Lattice passes TCP only behind TLS passthrough; use http or http2, or the envoy data plane`);
  if (l.protocol === "grpc") issues.add([...path, "protocol"], `grpc is ${ON_LATTICE} here: Lattice carries gRPC only on an HTTPS listener with a certificate for the service's name, which fargate-mesh cannot issue yet; use the envoy data plane`);
  if (l.outlierDetection !== undefined) issues.add([...path, "outlierDetection"], `is ${ON_LATTICE}: Lattice has no outlier detection; its target group health check removes unhealthy tasks`);
  if (l.timeout !== undefined) issues.add([...path, "timeout"], `is ${ON_LATTICE}: Lattice has no listener timeouts; set them in the application`);
  if (l.tls !== undefined) issues.add([...path, "tls"], `is ${ON_LATTICE}: Lattice terminates TLS itself on an HTTPS listener with an ACM certificate for the service's name; remove tls`);
  const hc = rec(l.healthCheck);
  if (hc.protocol === "tcp" || hc.protocol === "grpc") issues.add([...path, "healthCheck", "protocol"], `${hc.protocol} health checks are ${ON_LATTICE}: Lattice checks targets over HTTP on a path`);
}
