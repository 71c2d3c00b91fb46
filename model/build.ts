/**
 * Turns a validated description into the model: defaults applied, names computed, references
 * resolved. Pure: the same input always gives the same model.
 */
import { PRODUCTION_TAG } from "./production";
import { compact } from "./compact";
import { DEFAULT_OUTLIER_DETECTION, DEFAULTS, GATEWAY_AUTOSCALING, MAX_GATEWAY_TASKS, defaultHealthCheck, defaultRetryPolicy } from "./defaults";
import { GATEWAY_READY_PATH, GATEWAY_READY_PORT } from "./task-ports";
import { vpcEndpointNotes, vpcEndpointsPlan } from "./vpc-endpoints";
import { envoyImage, upstreamEnvoyImage } from "./envoy-image";
import { untestedEnvoyNote } from "./envoy-release";
import { gatewayLbNames, names, qualified, taskNames } from "./names";
import { hasVirtualService, routerTargets } from "./providers";
import type { ClientTlsConfig, ListenerConfig } from "./schema/listener";
import type { GatewayConfig } from "./schema/gateway";
import type { RouterConfig } from "./schema/router";
import type { ServiceConfig } from "./schema/service";
import type { TopologyConfig } from "./schema/topology";
import type * as M from "./types";

export function duration(s: string): M.Duration {
  const m = /^(\d+)(ms|s)$/.exec(s)!;
  return { value: Number(m[1]), unit: m[2] as "s" | "ms" };
}
const optDuration = (s?: string) => (s === undefined ? undefined : duration(s));
const timeouts = (t?: { perRequest?: string; idle?: string }) =>
  t && { perRequest: optDuration(t.perRequest), idle: optDuration(t.idle) };

export function buildModel(cfg: TopologyConfig, environment: string, region: string): M.MeshModel {
  const meshName = names.mesh(cfg.mesh.name, environment);
  const ns = cfg.namespace;
  const routersCfg = cfg.routers ?? {};
  const targets = routerTargets(routersCfg);
  const tags = { ...(cfg.tags ?? {}), environment, "fargate-mesh:mesh": meshName, ...(cfg.production ? { [PRODUCTION_TAG]: "true" } : {}) };

  const vsOf = new Map<string, string>(); // service/router key -> virtual service name
  const nodes = Object.entries(cfg.services).map(([key, svc]) => buildNode(key, svc, meshName, ns, tags));
  const virtualServices: M.VirtualServiceModel[] = [];
  for (const node of nodes) {
    if (!hasVirtualService(node.key, cfg.services[node.key], targets)) continue;
    const name = node.discovery.kind === "dns" ? node.discovery.hostname : names.virtualService(node.discovery.service, ns);
    vsOf.set(node.key, name);
    virtualServices.push({ key: node.key, name, provider: { kind: "node", node: node.key } });
  }
  const registered = new Set(nodes.map((n) => n.registration?.cloudMapService).filter(Boolean));
  const routers = Object.entries(routersCfg).map(([key, r]) => buildRouter(key, r, ns, nodes, registered));
  for (const r of routers) {
    vsOf.set(r.key, r.serviceName);
    virtualServices.push({ key: r.key, name: r.serviceName, provider: { kind: "router", router: r.key } });
  }
  for (const node of nodes) node.backends = node.backendKeys.map((k) => vsOf.get(k)!);

  const model: Omit<M.MeshModel, "notes" | "vpcEndpoints"> = {
    dataPlane: cfg.dataPlane ?? DEFAULTS.dataPlane,
    lattice: { auth: cfg.lattice?.auth ?? "none" },
    logs: { retentionDays: cfg.logs?.retentionDays ?? DEFAULTS.logRetentionDays, ...(cfg.logs?.kmsKey ? { kmsKey: cfg.logs.kmsKey } : {}) },
    environment, region,
    mesh: { name: meshName, egressFilter: cfg.mesh.egressFilter ?? DEFAULTS.egressFilter, ipPreference: cfg.mesh.ipPreference },
    namespace: ns,
    clusterName: names.cluster(meshName),
    tags,
    network: buildNetwork(cfg),
    envoy: buildEnvoy(cfg, region),
    nodes, virtualServices, routers,
    gateway: cfg.gateway && buildGateway(cfg.gateway, meshName, vsOf, cfg.dataPlane ?? DEFAULTS.dataPlane),
    exceptions: cfg.exceptions ?? {},
    unused: unusedSettings(cfg),
  };
  const endpoints = cfg.network?.vpcEndpoints ? vpcEndpointsPlan(model) : undefined;
  return { ...model, ...(endpoints ? { vpcEndpoints: endpoints } : {}), notes: [...notes(cfg), ...rootUserNotes(model), ...vpcEndpointNotes(endpoints)] };
}

/**
 * Interception lets Envoy's UID out unproxied, and root may become any UID: an application
 * container running as root can skip DROP_ALL (and the mesh) by switching to it. Said for every
 * container that does not name a non-root user, where a sidecar intercepts.
 */
function rootUserNotes(m: Omit<M.MeshModel, "notes" | "vpcEndpoints">): M.MeshModel["notes"] {
  if (m.dataPlane === "lattice" || (m.dataPlane === "envoy" && m.envoy.interception === "proxy")) return [];
  // One note per container name and kind, listing the services: `services.{red,blue}.containers.app.user`.
  const groups = new Map<string, { container: string; root: boolean; keys: string[] }>();
  for (const n of m.nodes)
    for (const c of n.containers) {
      if (c.user !== undefined && !/^(0|root)(:|$)/.test(c.user)) continue;
      const root = c.user !== undefined;
      const g = groups.get(`${c.name}/${root}`) ?? { container: c.name, root, keys: [] };
      g.keys.push(n.key);
      groups.set(`${c.name}/${root}`, g);
    }
  return [...groups.values()].map((g) => ({
    path: `services.${g.keys.length === 1 ? g.keys[0] : `{${g.keys.join(",")}}`}.containers.${g.container}.user`,
    reason: `${g.root ? "is root" : "is not set, so the container runs as its image's user (often root)"}: root can switch to Envoy's UID ${m.envoy.uid}, whose connections interception lets out unproxied, and so skip DROP_ALL; set a non-root user (ecs-non-root-user reports it too)`,
  }));
}

/**
 * What the plan cannot vouch for, or what a reader could take for more than it is, though valid:
 * an Envoy other than the tested release; ALLOW_ALL, which opens Envoy but not the security
 * groups; ports an application reaches past Envoy.
 */
function notes(cfg: TopologyConfig): M.MeshModel["notes"] {
  return [...egressNotes(cfg), ...envoyNotes(cfg), ...latticeIamNotes(cfg)];
}

/**
 * lattice.auth iam: a caller's Envoy signs only what the application sends to HTTP_PROXY; a
 * client that ignores the variable sends unsigned requests, which Lattice refuses with 403.
 */
function latticeIamNotes(cfg: TopologyConfig): M.MeshModel["notes"] {
  if ((cfg.dataPlane ?? DEFAULTS.dataPlane) !== "lattice" || cfg.lattice?.auth !== "iam") return [];
  const callers = Object.entries(cfg.services).filter(([, s]) => s.backends?.length).map(([k]) => k);
  if (!callers.length) return [];
  return [{
    path: `services.${callers.length === 1 ? callers[0] : `{${callers.join(",")}}`}.backends`,
    reason: "lattice.auth iam: calls are signed by an Envoy in the caller's task that the applications reach as HTTP_PROXY (set in their environment); a client that ignores HTTP_PROXY sends unsigned requests, which VPC Lattice refuses with 403",
  }];
}

function envoyNotes(cfg: TopologyConfig): M.MeshModel["notes"] {
  const plane = cfg.dataPlane ?? DEFAULTS.dataPlane;
  if (plane === "appmesh") return [];
  const untested = untestedEnvoyNote(cfg.envoy.version, cfg.envoy.image);
  const allowAll = plane === "envoy" && cfg.mesh.egressFilter === "ALLOW_ALL"
    ? { path: "mesh.egressFilter", reason: "ALLOW_ALL lets Envoy pass connections to undeclared destinations on, but the security groups still admit only each service's declared backends and HTTPS (443) to anywhere: a call to a mesh service that is not a backend is dropped there" }
    : undefined;
  return [untested, allowAll].filter((n): n is M.MeshModel["notes"][number] => !!n);
}

/** What a port let past Envoy means, said in every plan that has one. */
function egressNotes(cfg: TopologyConfig): M.MeshModel["notes"] {
  const dropAll = (cfg.mesh.egressFilter ?? DEFAULTS.egressFilter) === "DROP_ALL";
  return Object.entries(cfg.services).filter(([, s]) => s.egressIgnoredPorts?.length).map(([key, s]) => ({
    path: `services.${key}.egressIgnoredPorts`,
    reason: `the application's connections to port ${s.egressIgnoredPorts!.join(", ")} leave the task past Envoy${dropAll ? ", so DROP_ALL does not apply to them" : ""}: only the task's security group limits where they go`,
  }));
}

/**
 * Settings the chosen data plane does not read, and model defaults it cannot realise: said in
 * every plan, never dropped silently. (What it cannot do and the description asks for
 * explicitly is a validation error instead: data-plane.ts.)
 */
function unusedSettings(cfg: TopologyConfig): M.MeshModel["unused"] {
  const e = cfg.envoy;
  const out: M.MeshModel["unused"] = [];
  const plane = cfg.dataPlane ?? DEFAULTS.dataPlane;
  if (plane !== "appmesh" && e.appMeshVersion) out.push({ path: "envoy.appMeshVersion", reason: `${e.appMeshVersion} is read by the appmesh data plane only` });
  if (plane === "appmesh") {
    if (e.version && e.appMeshVersion) out.push({ path: "envoy.version", reason: `${e.version} is read by the envoy data plane only` });
    if (e.interception) out.push({ path: "envoy.interception", reason: "App Mesh always intercepts transparently" });
  }
  if (plane === "appmesh") out.push(
    { path: "(default) POST and PATCH retried only where the target never saw them", reason: "not applied: App Mesh's Envoy retries every method alike (retryPolicy.retryNonIdempotent is how App Mesh always behaves)" },
    { path: "(default) retry budgets and circuit breakers", reason: "not applied: App Mesh sets its Envoy's circuit breakers itself (its listener connectionPool, which the description does not model)" },
  );
  if (plane === "lattice") {
    if (cfg.mesh.egressFilter) out.push({ path: "mesh.egressFilter", reason: "no sidecar filters egress on the lattice data plane; security groups allow tasks only HTTPS and the VPC Lattice prefix list" });
    if (e.interception) out.push({ path: "envoy.interception", reason: cfg.lattice?.auth === "iam"
      ? "not read on the lattice data plane: nothing is intercepted; with auth iam the callers' signing Envoy is an HTTP proxy (HTTP_PROXY)"
      : "no sidecar on the lattice data plane; only the gateway runs Envoy" });
    for (const [key, svc] of Object.entries(cfg.services)) {
      if (svc.discovery) out.push({ path: `services.${key}.discovery`, reason: "ECS registers the tasks in VPC Lattice target groups; no discovery name is used" });
      // With iam auth a caller's signing Envoy logs the calls it signs there; what it serves, Lattice logs.
      if (svc.accessLog && !(cfg.lattice?.auth === "iam" && svc.backends?.length))
        out.push({ path: `services.${key}.accessLog`, reason: `VPC Lattice writes the service's access log to CloudWatch Logs in its own format${svc.accessLog.format ? " (the format written here is not used)" : ""}, not to ${svc.accessLog.path}` });
    }
    out.push(
      { path: "(default) retry policies", reason: "not applied: VPC Lattice has no retry policy; clients retry" },
      { path: "(default) outlier detection", reason: "not applied: VPC Lattice has none; target group health checks remove unhealthy tasks" },
    );
  }
  return out;
}

export function buildListener(l: ListenerConfig): M.ListenerModel {
  const hc = { ...defaultHealthCheck(l.healthCheck?.protocol ?? l.protocol), ...compact(l.healthCheck ?? {}) };
  return {
    port: l.port, protocol: l.protocol, healthCheck: hc,
    outlierDetection: l.outlierDetection
      ? { ...l.outlierDetection, interval: duration(l.outlierDetection.interval), baseEjectionDuration: duration(l.outlierDetection.baseEjectionDuration) }
      : DEFAULT_OUTLIER_DETECTION,
    timeout: timeouts(l.timeout),
    tls: l.tls,
  };
}

function buildNode(key: string, svc: ServiceConfig, mesh: string, ns: string, meshTags: Record<string, string>): M.VirtualNodeModel {
  const dns = svc.discovery?.dns;
  const cloudMapService = names.cloudMapService(key, svc.discovery?.cloudMap?.service);
  const discovery: M.DiscoveryModel = dns
    ? { kind: "dns", hostname: dns.hostname, responseType: dns.responseType }
    : { kind: "cloudMap", namespace: ns, service: cloudMapService, attributes: svc.discovery?.cloudMap?.attributes ?? {} };
  // A DNS hostname inside the namespace still needs the tasks registered there to resolve.
  const dnsLabel = dns && dns.hostname.toLowerCase().endsWith(`.${ns}`) ? dns.hostname.toLowerCase().slice(0, -ns.length - 1) : undefined;
  const registration = !dns ? { cloudMapService } : dnsLabel && !dnsLabel.includes(".") ? { cloudMapService: dnsLabel } : undefined;
  return {
    key, name: names.virtualNode(key),
    listeners: (svc.listeners ?? []).map(buildListener),
    discovery, registration,
    backends: [], backendKeys: svc.backends ?? [],
    egressIgnoredPorts: svc.egressIgnoredPorts ?? [],
    accessLog: svc.accessLog,
    ...(svc.clientTls ? { clientTls: clientTlsModel(svc.clientTls) } : {}),
    containers: Object.entries(svc.containers).map(([name, c]) => ({
      name, image: c.image, ports: c.ports ?? [],
      environment: c.environment ?? {}, secrets: c.secrets ?? {},
      command: c.command, user: c.user, essential: c.essential ?? true, readonlyRootFilesystem: c.readonlyRootFilesystem ?? true,
      healthCheck: c.healthCheck && {
        command: c.healthCheck.command, interval: c.healthCheck.interval ?? 30, timeout: c.healthCheck.timeout ?? 5,
        retries: c.healthCheck.retries ?? 3, startPeriod: c.healthCheck.startPeriod ?? 0,
      },
      cpu: c.cpu, memory: c.memory,
    })),
    secretsKmsKeyArn: svc.secretsKmsKeyArn,
    task: {
      cpu: svc.cpu ?? DEFAULTS.task.cpu, memory: svc.memory ?? DEFAULTS.task.memory,
      desiredCount: svc.desiredCount ?? DEFAULTS.task.desiredCount, ecsExec: svc.ecsExec ?? false,
      startPeriod: svc.startPeriod ?? DEFAULTS.task.startPeriod,
      serviceName: names.ecsService(key), family: names.taskFamily(mesh, key), logGroupName: names.logGroup(mesh, key),
      ...taskNames(names.taskFamily(mesh, key)),
    },
    tags: { ...meshTags, ...(svc.tags ?? {}), "fargate-mesh:service": key },
  };
}

function buildRouter(key: string, r: RouterConfig, ns: string, nodes: M.VirtualNodeModel[], registered: Set<string | undefined>): M.RouterModel {
  const label = names.cloudMapService(key, r.dnsName);
  const routes = Object.entries(r.routes).map(([rk, route]): M.RouteModel => {
    const protocol = route.protocol ?? r.listeners[0].protocol;
    const entries = Object.entries(route.targets).map(([node, t]) => (typeof t === "number" ? { node, weight: t, port: undefined } : { node, ...t }));
    const total = entries.reduce((s, t) => s + t.weight, 0);
    const match = { ...compact(route.match ?? {}) } as M.RouteModel["match"];
    if ((protocol === "http" || protocol === "http2") && match.prefix === undefined) match.prefix = "/";
    return {
      key: rk, name: names.route(rk), protocol, priority: route.priority,
      match: { ...match, headers: route.match?.headers?.map(headerModel) },
      targets: entries.map((t) => ({
        node: t.node, nodeName: nodes.find((n) => n.key === t.node)!.name, weight: t.weight, port: t.port,
        percent: total ? Math.round((t.weight / total) * 1000) / 10 : 0,
      })),
      retryPolicy: route.retryPolicy
        ? { ...route.retryPolicy, perRetryTimeout: duration(route.retryPolicy.perRetryTimeout) }
        : defaultRetryPolicy(protocol),
      timeout: timeouts(route.timeout),
    };
  });
  return {
    key, name: names.virtualRouter(key), listeners: r.listeners,
    serviceName: names.virtualService(label, ns),
    dns: registered.has(label) ? { cloudMapService: label } : { cloudMapService: label, placeholderIp: DEFAULTS.routerPlaceholderIp },
    routes,
  };
}

/** A client TLS policy is enforced unless it says otherwise, as in App Mesh. */
function clientTlsModel(c: ClientTlsConfig): M.ClientTlsModel {
  return { ...c, enforce: c.enforce ?? true };
}

function buildGateway(g: GatewayConfig, mesh: string, vsOf: Map<string, string>, plane: M.DataPlaneKind): M.GatewayModel {
  const name = names.gateway(mesh, g.name);
  // The family and ECS service name carry the mesh (and so the environment) even when the
  // gateway's own name does not: two environments in one account must not share a family.
  const family = qualified(mesh, name);
  const routes = Object.entries(g.routes).map(([rk, r]): M.GatewayRouteModel => ({
    key: rk, name: names.gatewayRoute(rk), protocol: r.protocol ?? g.listeners[0].protocol, priority: r.priority,
    match: { ...compact(r.match ?? {}), headers: r.match?.headers?.map(headerModel) } as M.GatewayRouteModel["match"],
    target: { key: r.target, virtualService: vsOf.get(r.target)!, port: r.targetPort },
    keepPrefix: r.keepPrefix ?? false,
  }));
  const n = { ...DEFAULTS.nlb, ...compact(g.nlb ?? {}) };
  const desiredCount = g.desiredCount ?? g.autoscaling?.min ?? DEFAULTS.gateway.desiredCount;
  return {
    name,
    listeners: g.listeners.map((l) => ({ port: l.port, protocol: l.protocol, healthCheck: { ...defaultHealthCheck(l.protocol), ...compact(l.healthCheck ?? {}) }, ...(l.tls ? { tls: l.tls } : {}) })),
    ...(g.clientTls ? { clientTls: clientTlsModel(g.clientTls) } : {}),
    accessLog: g.accessLog ?? { ...DEFAULTS.gateway.accessLog },
    routes,
    task: {
      cpu: g.cpu ?? DEFAULTS.gateway.cpu, memory: g.memory ?? DEFAULTS.gateway.memory,
      desiredCount, ecsExec: false, startPeriod: DEFAULTS.task.startPeriod,
      serviceName: names.ecsService(family), family, logGroupName: names.logGroup(mesh, "gateway"),
      ...taskNames(family),
    },
    nlb: {
      internetFacing: n.internetFacing, port: g.nlb?.port ?? g.listeners[0].port, targetPort: g.listeners[0].port,
      crossZone: n.crossZone, deletionProtection: n.deletionProtection, deregistrationDelay: n.deregistrationDelay,
      healthCheck: { ...DEFAULTS.nlb.healthCheck, ...compact(g.nlb?.healthCheck ?? {}), ...nlbHealthCheck(plane) },
      ...gatewayLbNames(family, { internetFacing: n.internetFacing, targetPort: g.listeners[0].port }),
    },
    targetKeys: [...new Set(routes.map((r) => r.target.key))],
    ...gatewayAutoscaling(g, desiredCount),
  };
}

/**
 * The NLB asks the gateway's readiness listener over HTTP where fargate-mesh writes the gateway's
 * Envoy configuration; App Mesh configures its own, so there a TCP connect is all it can ask.
 */
function nlbHealthCheck(plane: M.DataPlaneKind): Pick<M.NlbModel["healthCheck"], "protocol" | "port" | "path"> {
  return plane === "appmesh" ? { protocol: "TCP" } : { protocol: "HTTP", port: GATEWAY_READY_PORT, path: GATEWAY_READY_PATH };
}

/** Validation (gateway-scaling.ts) made sure min ≤ desiredCount ≤ max. */
function gatewayAutoscaling(g: GatewayConfig, desiredCount: number): Pick<M.GatewayModel, "autoscaling"> {
  const min = g.autoscaling?.min ?? desiredCount;
  if (min === 0) return {};
  const max = g.autoscaling?.max ?? Math.max(min, Math.min(MAX_GATEWAY_TASKS, GATEWAY_AUTOSCALING.maxFactor * min));
  const { cpuTarget, scaleOutCooldown, scaleInCooldown } = GATEWAY_AUTOSCALING;
  return { autoscaling: { min, max, cpuTarget: g.autoscaling?.cpuTarget ?? cpuTarget, scaleOutCooldown, scaleInCooldown } };
}

function buildNetwork(cfg: TopologyConfig): M.NetworkModel {
  const e = cfg.network?.existing;
  if (e) return { kind: "existing", ...e };
  const n = cfg.network?.new ?? {};
  return { kind: "new", cidr: n.cidr ?? DEFAULTS.network.cidr, azCount: n.azCount ?? DEFAULTS.network.azCount, natGateways: n.natGateways ?? DEFAULTS.network.natGateways };
}

function buildEnvoy(cfg: TopologyConfig, region: string): M.EnvoyModel {
  const e = cfg.envoy;
  const d = DEFAULTS.envoy;
  // Validation made sure the version the selected data plane needs is there (data-plane.ts).
  const appMesh = (cfg.dataPlane ?? DEFAULTS.dataPlane) === "appmesh";
  // The lattice data plane runs Envoy only at the gateway: the upstream image, as on envoy.
  return {
    image: e.image ?? (appMesh ? envoyImage(region, e.appMeshVersion ?? e.version!) : upstreamEnvoyImage(e.version ?? d.version)),
    interception: e.interception ?? d.interception,
    logLevel: e.logLevel ?? d.logLevel, xray: e.xray ?? false, xrayImage: e.xrayImage ?? d.xrayImage,
    dogStatsd: e.dogStatsd && { port: e.dogStatsd.port ?? d.dogStatsdPort }, statsTags: e.statsTags ?? false,
    drainSeconds: e.drainSeconds ?? d.drainSeconds, stopTimeout: e.stopTimeout ?? d.stopTimeout, uid: d.uid,
    routeUpdates: e.routeUpdates ?? d.routeUpdates, appConfigAgentImage: e.appConfigAgentImage ?? d.appConfigAgentImage,
  };
}

function headerModel(h: { name: string; invert?: boolean; exact?: string; prefix?: string; suffix?: string; regex?: string; range?: { start: number; end: number } }): M.HeaderMatchModel {
  const { name, invert, ...match } = h;
  return { name, invert, match: compact(match) };
}
