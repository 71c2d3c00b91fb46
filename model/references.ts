/**
 * Checks that span more than one part of the description: references between services, routers
 * and the gateway, ports that must agree, sizes that must pair. They read the raw (merged)
 * description defensively, so they run and report even when the schema already found problems
 * elsewhere: the user sees every mistake in one run.
 */
import { IssueList } from "./errors";
import { checkDataPlane, dataPlaneOf } from "./data-plane";
import { checkTls } from "./tls";
import { DEFAULT_REQUEST_TIMEOUT, DEFAULTS } from "./defaults";
import { has } from "./own";
import { hasVirtualService, routerTargets } from "./providers";
import { checkFargateSize } from "./fargate";
import { LIMITS } from "./limits";
import { closest } from "./suggest";
import { names } from "./names";
import { KEY_PATTERN } from "./schema/common";
import { DNS_LABEL } from "./schema/service";
import { checkEnvironment, environmentNameProblem } from "./environment";

type Raw = Record<string, any>;
const rec = (x: unknown): Raw => (x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Raw) : {});
const arr = (x: unknown): any[] => (Array.isArray(x) ? x : []);
const num = (x: unknown): number | undefined => (typeof x === "number" ? x : undefined);
const list = (xs: Iterable<unknown>) => [...xs].map(String).join(", ") || "(none)";
/** `unknown service "yelow" (did you mean yellow?); known: …`: the guess only when one is close. */
const unknown = (what: string, name: string, known: string[]) => {
  const near = closest(name, known);
  return `unknown ${what} "${name}"${near ? ` (did you mean ${near}?)` : ""}; known: ${list(known)}`;
};

/**
 * Transparent interception lets Envoy's own UID (the IgnoredUID) out unproxied: an application
 * running as that UID would bypass the mesh, its calls neither routed nor limited to its backends.
 */
function checkIgnoredUid(cfg: Raw, services: Raw, issues: IssueList) {
  const plane = dataPlaneOf(cfg);
  if (plane === "lattice" || (plane === "envoy" && rec(cfg.envoy).interception === "proxy")) return;
  const uid = String(DEFAULTS.envoy.uid);
  for (const [key, s] of Object.entries(services))
    for (const [name, c] of Object.entries(rec(rec(s).containers))) {
      const user = rec(c).user;
      if (typeof user === "string" && user.split(":")[0] === uid)
        issues.add(["services", key, "containers", name, "user"], `${uid} is Envoy's UID, which the task's interception lets out unproxied: this container's calls would bypass the mesh; pick another UID`);
    }
}

export function checkReferences(raw: unknown, region: string, issues: IssueList): void {
  const cfg = rec(raw);
  const services = rec(cfg.services);
  const routers = rec(cfg.routers);
  const namespace = typeof cfg.namespace === "string" ? cfg.namespace : "";
  const targets = routerTargets(routers);
  const envoy = rec(cfg.envoy);
  const xray = envoy.xray === true ? 1 : 0;
  // The containers a data plane adds to a task: Envoy (and, where the task takes traffic, the
  // container that reports the application's health: envoy's lifecycle, appmesh's app-health)
  // and the X-Ray daemon; Lattice adds none.
  const sidecars = (svc: Raw) => {
    const plane = dataPlaneOf(cfg);
    if (plane === "lattice") return 0;
    return 1 + xray + (arr(svc.listeners).length > 0 ? 1 : 0);
  };

  // Services and routers share one set of names: backends and gateway routes refer to either.
  for (const rk of Object.keys(routers))
    if (has(services, rk)) issues.add(["routers", rk], `name "${rk}" is already used by services.${rk}; services and routers share one set of names`);

  checkVirtualServiceNames(services, routers, namespace, targets, issues);
  for (const [key, svc] of Object.entries(services)) checkService(key, rec(svc), services, routers, targets, sidecars(rec(svc)), issues);
  for (const [key, r] of Object.entries(routers)) checkRouter(key, rec(r), services, issues);
  checkIgnoredUid(cfg, services, issues);
  if (cfg.gateway !== undefined) checkGateway(rec(cfg.gateway), services, routers, targets, issues);
  if (cfg.envoy !== undefined) checkEnvoy(envoy, issues);
  checkDataPlane(cfg, region, issues);
  checkTls(cfg, issues);
}

function checkVirtualServiceNames(services: Raw, routers: Raw, ns: string, targets: Map<string, string>, issues: IssueList) {
  const seen = new Map<string, string>();
  const claim = (name: string, owner: string, path: string[]) => {
    const prior = seen.get(name);
    if (prior) issues.add(path, `virtual service name ${name} is already provided by ${prior}`);
    else seen.set(name, owner);
  };
  const cloudMap = new Map<string, string>();
  for (const [key, s] of Object.entries(services)) {
    const svc = rec(s);
    const d = rec(svc.discovery);
    const label = names.cloudMapService(key, rec(d.cloudMap).service);
    if (!d.dns && rec(d.cloudMap).service === undefined && KEY_PATTERN.test(key) && !DNS_LABEL.test(label))
      issues.add(["services", key], `the name "${key}" is not a DNS label, so it cannot name its Cloud Map service; set discovery.cloudMap.service`);
    if (!d.dns) {
      const prior = cloudMap.get(label);
      if (prior) issues.add(["services", key, "discovery"], `Cloud Map service "${label}" is already used by ${prior}; each service registers under its own name`);
      else cloudMap.set(label, `services.${key}`);
    }
    if (!hasVirtualService(key, svc, targets)) continue;
    claim(typeof rec(d.dns).hostname === "string" ? rec(d.dns).hostname : names.virtualService(label, ns), `services.${key}`, ["services", key]);
  }
  for (const [key, r] of Object.entries(routers)) {
    if (rec(r).dnsName === undefined && KEY_PATTERN.test(key) && !DNS_LABEL.test(names.cloudMapService(key)))
      issues.add(["routers", key], `the name "${key}" is not a DNS label, so it cannot name the router's Cloud Map service; set dnsName`);
    claim(names.virtualService(names.cloudMapService(key, rec(r).dnsName), ns), `routers.${key}`, ["routers", key]);
  }
}

/**
 * A listener's health check goes to the listener's own port. App Mesh's HealthCheckPolicy says the
 * port "must match the port defined in the PortMapping for the listener"; and a caller (or VPC
 * Lattice) reaches a task only on its listener ports, the ones its security group admits, so a
 * check sent elsewhere never arrives: every task would look unhealthy and callers would route in
 * panic mode. Opening the other port instead would let callers reach the application around
 * its Envoy (no TLS, no inbound limits), so it is refused rather than opened.
 */
function checkHealthCheckPort(l: Raw, path: (string | number)[], issues: IssueList) {
  const port = rec(l.healthCheck).port;
  if (port !== undefined && typeof l.port === "number" && port !== l.port)
    issues.add([...path, "healthCheck", "port"], `must be the listener's port ${l.port} (App Mesh: the health check port must match the listener's port mapping), got ${JSON.stringify(port)}: callers reach a task only on its listener ports, so a check on another port never arrives and every task looks unhealthy; leave it out, and serve the health path on the listener's port`);
}

/**
 * A port let past Envoy must not be a backend's: calls to that backend would skip the mesh (its
 * routes, retries, TLS and DROP_ALL) and, since security groups admit them, still arrive.
 */
function checkEgressIgnoredPorts(svc: Raw, services: Raw, routers: Raw, base: (string | number)[], issues: IssueList) {
  const backendPorts = new Map<number, string>();
  for (const b of arr(svc.backends)) {
    if (typeof b !== "string") continue;
    const owner = has(services, b) ? services[b] : has(routers, b) ? routers[b] : undefined;
    for (const l of arr(rec(owner).listeners)) if (typeof rec(l).port === "number" && !backendPorts.has(rec(l).port)) backendPorts.set(rec(l).port, b);
  }
  arr(svc.egressIgnoredPorts).forEach((p, i) => {
    const b = typeof p === "number" ? backendPorts.get(p) : undefined;
    if (b) issues.add([...base, "egressIgnoredPorts", i], `${p} is the port of backend ${b}: its calls would leave past Envoy (no routes, retries or TLS) and still arrive; let another port past Envoy, or move ${b} to another port`);
  });
}

function checkService(key: string, svc: Raw, services: Raw, routers: Raw, targets: Map<string, string>, sidecars: number, issues: IssueList) {
  const base = ["services", key];
  const listeners = arr(svc.listeners);
  const listenerPorts = listeners.map((l) => num(rec(l).port)).filter((p): p is number => p !== undefined);
  const containerPorts = new Set<number>();
  const containers = rec(svc.containers);
  listeners.forEach((l, i) => checkHealthCheckPort(rec(l), [...base, "listeners", i], issues));
  listenerPorts.forEach((p, i) => {
    if (listenerPorts.indexOf(p) !== i) issues.add([...base, "listeners", i, "port"], `port ${p} is listed twice`);
  });
  for (const [cname, c] of Object.entries(containers)) {
    arr(rec(c).ports).forEach((p, i) => {
      if (typeof p !== "number") return;
      containerPorts.add(p);
      if (!listenerPorts.includes(p))
        issues.add([...base, "containers", cname, "ports", i], `port ${p} is not a listener port of services.${key} (listeners: ${list(listenerPorts)}); every container port must be a listener port so its traffic goes through Envoy`);
    });
    checkEnvironment(rec(rec(c).environment), [...base, "containers", cname, "environment"], issues);
    // A secret becomes an environment variable too: its name must be one a process can carry.
    for (const name of Object.keys(rec(rec(c).secrets))) {
      const problem = environmentNameProblem(name);
      if (problem) issues.add([...base, "containers", cname, "secrets", name], problem);
    }
  }
  listenerPorts.forEach((p, i) => {
    if (!containerPorts.has(p))
      issues.add([...base, "listeners", i, "port"], `port ${p} is not a port of any container of services.${key}; add it to a container's ports`);
  });
  const count = Object.keys(containers).length + sidecars;
  if (count > LIMITS.containersPerTask.max)
    issues.add([...base, "containers"], `a task holds at most ${LIMITS.containersPerTask.max} containers including the ones the data plane adds (Envoy, its lifecycle or app-health container, X-Ray), got ${count}`);
  const size = checkFargateSize(num(svc.cpu) ?? 256, num(svc.memory) ?? 512);
  if (size && (svc.cpu === undefined || typeof svc.cpu === "number") && (svc.memory === undefined || typeof svc.memory === "number"))
    issues.add([...base, "memory"], size);
  checkEgressIgnoredPorts(svc, services, routers, base, issues);
  arr(svc.backends).forEach((b, i) => {
    if (typeof b !== "string") return;
    const path = [...base, "backends", i];
    if (has(routers, b)) return;
    if (!has(services, b)) issues.add(path, unknown("service or router", b, [...Object.keys(services), ...Object.keys(routers)]));
    else if (!hasVirtualService(b, rec(services[b]), targets))
      issues.add(path, `services.${b} has no virtual service${targets.has(b) ? ` (it is a target of routers.${targets.get(b)}); call "${targets.get(b)}" instead` : "; set its virtualService to true"}`);
  });
}

function checkRouter(key: string, r: Raw, services: Raw, issues: IssueList) {
  const base = ["routers", key];
  const listeners = arr(r.listeners).map(rec);
  const ports = listeners.map((l) => num(l.port)).filter((p): p is number => p !== undefined);
  const protocols = listeners.map((l) => l.protocol).filter((p) => typeof p === "string");
  const routes = rec(r.routes);
  if (r.routes !== undefined && Object.keys(routes).length === 0) issues.add([...base, "routes"], "must have at least one route");
  for (const [rk, rt] of Object.entries(routes)) {
    const route = rec(rt);
    const path = [...base, "routes", rk];
    const protocol = typeof route.protocol === "string" ? route.protocol : protocols[0];
    if (route.protocol !== undefined && protocols.length && !protocols.includes(protocol))
      issues.add([...path, "protocol"], `${protocol} route on a router that listens on ${list(protocols)}; the route's protocol must match a router listener`);
    checkMatchPort(rec(route.match).port, ports, [...path, "match", "port"], `routers.${key}`, issues);
    checkProtocolFields(protocol, route, path, issues);
    checkRetryFitsTimeout(route, path, issues);
    checkTargets(rec(route.targets), services, [...path, "targets"], issues);
  }
}

const millis = (d: unknown): number | undefined => {
  const m = typeof d === "string" ? /^(\d+)(ms|s)$/.exec(d) : null;
  return m ? Number(m[1]) * (m[2] === "s" ? 1000 : 1) : undefined;
};

/** A try as long as the whole request leaves no time to retry: the policy would never act. */
function checkRetryFitsTimeout(route: Raw, path: (string | number)[], issues: IssueList) {
  const perTry = millis(rec(route.retryPolicy).perRetryTimeout);
  const total = millis(rec(route.timeout).perRequest) ?? DEFAULT_REQUEST_TIMEOUT.value * 1000;
  if (perTry !== undefined && num(rec(route.retryPolicy).maxRetries) !== 0 && perTry >= total)
    issues.add([...path, "retryPolicy", "perRetryTimeout"], `is ${rec(route.retryPolicy).perRetryTimeout}, as long as the whole request may take (${total / 1000}s${rec(route.timeout).perRequest ? "" : ", the default"}); a slow try leaves no time to retry: make it shorter than the request timeout`);
}

function checkMatchPort(port: unknown, ports: number[], path: (string | number)[], owner: string, issues: IssueList) {
  if (typeof port === "number" && ports.length && !ports.includes(port))
    issues.add(path, `port ${port} is not a listener port of ${owner} (listeners: ${list(ports)})`);
  if (port === undefined && ports.length > 1)
    issues.add(path, `${owner} has several listeners (${list(ports)}); the match must name one port`);
}

function checkProtocolFields(protocol: unknown, route: Raw, path: (string | number)[], issues: IssueList) {
  const match = rec(route.match);
  if (protocol === "tcp") {
    for (const f of ["prefix", "method", "headers"]) if (match[f] !== undefined) issues.add([...path, "match", f], `tcp routes cannot match on ${f}`);
    if (route.retryPolicy !== undefined) issues.add([...path, "retryPolicy"], "tcp routes cannot have a retry policy (App Mesh has none for tcp)");
    if (rec(route.timeout).perRequest !== undefined) issues.add([...path, "timeout", "perRequest"], "tcp routes have no request to time (App Mesh's TcpTimeout has only idle); use timeout.idle");
  }
  if (protocol !== "grpc") {
    if (rec(route.retryPolicy).grpcRetryEvents !== undefined) issues.add([...path, "retryPolicy", "grpcRetryEvents"], `grpcRetryEvents apply only to grpc routes, not ${protocol}`);
    for (const f of ["serviceName", "methodName"]) if (match[f] !== undefined) issues.add([...path, "match", f], `${f} applies only to grpc routes, not ${protocol}`);
  } else {
    if (match.methodName !== undefined && match.serviceName === undefined) issues.add([...path, "match", "methodName"], "methodName needs serviceName");
    for (const f of ["prefix", "method"]) if (match[f] !== undefined) issues.add([...path, "match", f], `grpc routes match on serviceName and methodName, not ${f}`);
  }
}

function checkTargets(targets: Raw, services: Raw, path: (string | number)[], issues: IssueList) {
  const entries = Object.entries(targets);
  const { min, max } = LIMITS.weightedTargets;
  if (entries.length < min || entries.length > max) issues.add(path, `must have ${min} to ${max} targets, got ${entries.length}`);
  let total = 0;
  let positive = false;
  let allNumeric = true;
  for (const [node, t] of entries) {
    const weight = typeof t === "number" ? t : num(rec(t).weight);
    if (weight === undefined || weight < 0 || weight > 100) allNumeric = false; // reported per weight already
    else { total += weight; positive ||= weight > 0; }
    if (!has(services, node)) {
      issues.add([...path, node], unknown("service", node, Object.keys(services)));
      continue;
    }
    const ports = arr(rec(services[node]).listeners).map((l) => num(rec(l).port)).filter((p): p is number => p !== undefined);
    const port = typeof t === "object" ? rec(t).port : undefined;
    if (ports.length === 0) issues.add([...path, node], `services.${node} has no listeners, so it cannot receive routed traffic`);
    else if (typeof port === "number" && !ports.includes(port))
      issues.add([...path, node, "port"], `port ${port} is not a listener port of services.${node} (listeners: ${list(ports)})`);
    else if (port === undefined && ports.length > 1)
      issues.add([...path, node], `services.${node} has several listeners (${list(ports)}); write { weight, port } to pick one`);
  }
  if (allNumeric && entries.length) {
    if (total > 100) issues.add(path, `weights must add up to at most 100, got ${total}`);
    if (!positive) issues.add(path, "at least one target must have a weight above 0");
  }
}

function checkGateway(gw: Raw, services: Raw, routers: Raw, targets: Map<string, string>, issues: IssueList) {
  const listeners = arr(gw.listeners).map(rec);
  const ports = listeners.map((l) => num(l.port)).filter((p): p is number => p !== undefined);
  const protocols = listeners.map((l) => l.protocol).filter((p) => typeof p === "string");
  for (const [rk, rt] of Object.entries(rec(gw.routes))) {
    const route = rec(rt);
    const path = ["gateway", "routes", rk];
    if (typeof route.protocol === "string" && protocols.length && !protocols.includes(route.protocol))
      issues.add([...path, "protocol"], `${route.protocol} route on a gateway that listens on ${list(protocols)}`);
    checkMatchPort(rec(route.match).port, ports, [...path, "match", "port"], "the gateway", issues);
    // The App Mesh API has a method match on gateway routes, but @pulumi/aws cannot set it.
    if (rec(route.match).method !== undefined)
      issues.add([...path, "match", "method"], "gateway routes cannot match on method in the App Mesh rendering; match the method on a router route behind the gateway instead");
    const t = route.target;
    if (typeof t !== "string" || has(routers, t)) continue;
    if (!has(services, t)) issues.add([...path, "target"], unknown("service or router", t, [...Object.keys(services), ...Object.keys(routers)]));
    else if (!hasVirtualService(t, rec(services[t]), targets))
      issues.add([...path, "target"], `services.${t} has no virtual service${targets.has(t) ? ` (it is a target of routers.${targets.get(t)}); target "${targets.get(t)}" instead` : ""}`);
  }
  const size = checkFargateSize(num(gw.cpu) ?? 256, num(gw.memory) ?? 512);
  if (size) issues.add(["gateway", "memory"], size);
}

function checkEnvoy(envoy: Raw, issues: IssueList) {
  const drain = num(envoy.drainSeconds) ?? 20;
  const stop = num(envoy.stopTimeout) ?? 30;
  if (drain >= stop) issues.add(["envoy", "drainSeconds"], `Envoy drains for ${drain}s but is stopped after ${stop}s; drainSeconds must be below stopTimeout`);
}
