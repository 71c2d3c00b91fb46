/**
 * What on-call needs to see a failure: the application's health reaching ECS (and so the
 * deployment circuit breaker), every container's logs in a log group the stack keeps, for as long
 * as the stack says, and the gateway's access log. Each catches a plan edited after generation.
 *
 * Known limits, said plainly: the health rule reads the health check's shape (a probe of the
 * application on loopback, in one conjunction of commands), not its meaning, so a script written
 * to pass while looking like a probe would pass; and it cannot compare an App Mesh task's probe
 * with its virtual node's health check, which is another resource.
 */
import type { PolicyResource } from "@pulumi/policy";
import { containerDefinitions, inlineBootstrap, isProxyPeer, list, MeshPolicy, refersTo, resourcePolicy, stackPolicy, TASK, walk } from "./helpers";

/**
 * The containers that carry the application's health: the envoy data plane's `lifecycle`
 * container and the appmesh data plane's `app-health` container
 * (components/dataplanes/envoy/sidecar.ts, components/dataplanes/appmesh/app-health.ts).
 */
export const APP_HEALTH_CONTAINERS = ["lifecycle", "app-health"];
/** Carried by every log group the mesh creates (model/log-retention.ts). */
export const LOG_RETENTION_TAG = "fargate-mesh:log-retention-days";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const HEALTH_FILTER = "envoy.filters.http.health_check";
const isXray = (c: any) => c.name === "xray-daemon" || isProxyPeer(c);

/** The task's proxy container and its application containers, or undefined for a task outside the mesh. */
function meshedTask(props: any): { defs: any[]; proxy: any; apps: any[]; bootstrap?: any } | undefined {
  const defs = containerDefinitions(props);
  if (!defs) return undefined;
  const inline = inlineBootstrap(props);
  const proxyName = props.proxyConfiguration?.type === "APPMESH" ? props.proxyConfiguration.containerName : inline?.container.name;
  const proxy = defs.find((c) => c.name === proxyName);
  if (!proxy) return undefined;
  // lattice.auth iam: an Envoy that only signs calls to VPC Lattice is no sidecar; Lattice's
  // target group health check (ECS replaces the failing task) carries the applications' health.
  const clusters = list<any>(inline?.bootstrap?.static_resources?.clusters);
  if (!props.proxyConfiguration && clusters.length && clusters.every((c) => c?.metadata?.filter_metadata?.["fargate-mesh"]?.upstream === "vpc-lattice")) return undefined;
  // Helpers that run the proxy's image (whatever their name) are not applications.
  const apps = defs.filter((c) => c !== proxy && !isXray(c) && !APP_HEALTH_CONTAINERS.includes(c.name) && c.image !== proxy.image);
  return { defs, proxy, apps, bootstrap: inline?.bootstrap };
}

/** Ports the task's applications take traffic on: container ports and the proxy's AppPorts. */
function appPorts(props: any, apps: any[]): number[] {
  const ports = new Set<number>(apps.flatMap((c) => list<any>(c.portMappings).map((m) => Number(m.containerPort))));
  for (const p of String(props.proxyConfiguration?.properties?.AppPorts ?? "").split(",")) if (/^\d+$/.test(p.trim())) ports.add(Number(p));
  return [...ports].filter((p) => Number.isInteger(p) && p > 0).sort((a, b) => a - b);
}

/** Quoted text removed, so that only the shell's own words are read. */
const unquoted = (script: string) => script.replace(/'[^']*'/g, "''").replace(/\$'(?:[^'\\]|\\.)*'/g, "''");

/**
 * Why a health check script could pass without its probe: another command list (`;`, a newline,
 * `||`, a background `&`), or a command that always succeeds or leaves (`true`, `:`, `exit`).
 */
function unconditional(script: string): string | undefined {
  // Redirections (>&3, <&3, &>) are not command separators.
  const s = unquoted(script).replace(/[<>]&\d*|&>/g, " ");
  if (/;|\n|\|\||(^|[^&])&($|[^&])/.test(s)) return "runs more than one conjunction of commands (;, a newline, || or &), so the probe's failure need not fail the check";
  if (/(^|[\s(&|])(true|:|exit)(?=$|[\s)])/.test(s)) return "contains a command that always succeeds or ends the check (true, :, exit)";
  return undefined;
}

/** The loopback ports a script opens with bash's /dev/tcp. */
const probedPorts = (script: string) => [...script.matchAll(/\/dev\/tcp\/(?:127\.0\.0\.1|localhost)\/(\d+)/g)].map((m) => Number(m[1]));

/**
 * Envoy data plane: the script must ask a loopback listener of the bootstrap whose health_check
 * filter answers only while the local cluster of every application port is healthy.
 */
function envoyProbeProblem(script: string, bootstrap: any, ports: number[]): string | undefined {
  for (const port of probedPorts(script)) {
    const l = list<any>(bootstrap?.static_resources?.listeners).find((x) => x.address?.socket_address?.port_value === port && x.address?.socket_address?.address === "127.0.0.1");
    const filters: any[] = [];
    walk(l, (o) => { if (o.name === HEALTH_FILTER) filters.push(o.typed_config); });
    const f = filters.find((t) => t && t.pass_through_mode === false && list<any>(t.headers).some((h) => h.name === ":path" && script.includes(`GET ${h.string_match?.exact} `)));
    if (!f) continue;
    const clusters = list<any>(bootstrap.static_resources.clusters);
    const covered = (p: number) => Object.entries(f.cluster_min_healthy_percentages ?? {}).some(([name, pct]: [string, any]) => {
      const c = clusters.find((x) => x.name === name);
      const endpoint = c?.load_assignment?.endpoints?.[0]?.lb_endpoints?.[0]?.endpoint?.address?.socket_address;
      return Number(pct?.value) === 100 && list(c?.health_checks).length > 0 && endpoint?.port_value === p;
    });
    const missing = ports.filter((p) => !covered(p));
    return missing.length ? `its health check's Envoy listener does not require the actively checked local cluster of port${missing.length > 1 ? "s" : ""} ${missing.join(", ")} to be healthy` : undefined;
  }
  return "its health check asks no Envoy health_check listener of the bootstrap about the application";
}

/** App Mesh data plane: the script must probe every application port itself. */
function appMeshProbeProblem(script: string, ports: number[]): string | undefined {
  const probed = probedPorts(script);
  const missing = ports.filter((p) => !probed.includes(p));
  return missing.length ? `its health check does not probe the application on 127.0.0.1 port${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` : undefined;
}

function checkAppHealth(p: any, v: (m: string) => void) {
  const task = meshedTask(p);
  // The gateway (its Envoy alone) has no application; a client-only service takes no traffic.
  if (!task || !task.apps.length) return;
  const ports = appPorts(p, task.apps);
  if (!ports.length) return;
  const named = task.defs.filter((c) => APP_HEALTH_CONTAINERS.includes(c.name));
  if (!named.length)
    return v(`no ${APP_HEALTH_CONTAINERS.join(" or ")} container reports the applications' health to ECS; without it an image that fails its health check keeps running and the deployment circuit breaker never rolls it back`);
  const problems: string[] = [];
  for (const c of named) {
    const cmd = list<string>(c.healthCheck?.command);
    const script = cmd.length ? String(cmd[cmd.length - 1]) : "";
    const form = (cmd[0] === "CMD" && /(^|\/)bash$/.test(String(cmd[1])) && cmd[2] === "-c" && cmd.length === 4) || (cmd[0] === "CMD-SHELL" && cmd.length === 2);
    const why = !form ? "its health check is not a shell probe (CMD /bin/bash -c <script>)"
      : unconditional(script) ?? (task.bootstrap ? envoyProbeProblem(script, task.bootstrap, ports) : appMeshProbeProblem(script, ports));
    const uncovered = task.apps.filter((a) => !list<any>(c.dependsOn).some((d) => d.containerName === a.name && ["START", "HEALTHY"].includes(d.condition)));
    const own: string[] = [];
    if (c.essential !== true) own.push("make it essential, so that its failing health check makes the task UNHEALTHY");
    if (why) own.push(`${why}; it must run the listeners' health check against the application`);
    if (uncovered.length) own.push(`add dependsOn ${uncovered.map((a) => `{ containerName: ${a.name}, condition: START }`).join(", ")}, so that it starts after (and covers) ${uncovered.map((a) => a.name).join(", ")}`);
    if (!own.length) return;
    problems.push(...own.map((m) => `container ${c.name}: ${m}`));
  }
  for (const m of problems) v(m);
}

/** The log group a container's awslogs options name, among the plan's log groups. */
const plannedGroup = (name: unknown, groups: PolicyResource[]) => groups.find((g) => g.props.name === name || refersTo(name, g));

function checkContainerLogs(resources: PolicyResource[], report: (m: string, r: PolicyResource) => void) {
  const groups = resources.filter((r) => r.type === LOG_GROUP);
  for (const r of resources.filter((x) => x.type === TASK)) {
    for (const c of containerDefinitions(r.props) ?? []) {
      const lc = c.logConfiguration;
      const group = lc?.options?.["awslogs-group"];
      if (lc?.logDriver !== "awslogs") report(`container ${c.name}: send its logs with logDriver awslogs (got ${lc?.logDriver ?? "no logConfiguration"}) to the task's log group`, r);
      else if (typeof group !== "string") report(`container ${c.name}: name the log group (options.awslogs-group)`, r);
      else if (!group.startsWith("{unknown") && !plannedGroup(group, groups))
        report(`container ${c.name}: logs to ${group}, which no log group of this stack creates, so its retention and encryption are nobody's; log to the task's own log group`, r);
    }
  }
}

/** Every access logger an Envoy traffic listener of a bootstrap carries, by listener. */
function gatewayListenersWithoutAccessLog(bootstrap: any): string[] {
  const out: string[] = [];
  for (const l of list<any>(bootstrap?.static_resources?.listeners)) {
    // Traffic listeners: an HTTP connection manager with routes, or a TCP proxy (the readiness listener has no routes).
    const managers: any[] = [];
    walk(l.filter_chains, (o) => {
      const t = o.typed_config;
      if (!t || typeof t["@type"] !== "string") return;
      if (t["@type"].endsWith("HttpConnectionManager") && list(t.route_config?.virtual_hosts).length) managers.push(t);
      if (t["@type"].endsWith("tcp_proxy.v3.TcpProxy")) managers.push(t);
    });
    if (managers.some((m) => !list(m.access_log).length)) out.push(l.name);
  }
  return out;
}

const VIRTUAL_GATEWAY = "aws:appmesh/virtualGateway:VirtualGateway";

/** The gateway's task: tagged so, or (a tag is easily removed) an inline Envoy alone in its task. */
function gatewayBootstrap(props: any): any | undefined {
  const inline = inlineBootstrap(props);
  if (!inline) return undefined;
  const alone = (containerDefinitions(props) ?? []).every((c) => c.name === inline.container.name || isXray(c));
  return alone || props.tags?.["fargate-mesh:component"] === "MeshGateway" ? inline.bootstrap : undefined;
}

/** `p` is a task definition's or a virtual gateway's (which has no container definitions). */
function checkGatewayAccessLog(p: any, v: (m: string) => void) {
  if (p.containerDefinitions === undefined) {
    const path = p.spec?.logging?.accessLog?.file?.path;
    if (p.spec && (typeof path !== "string" || !path)) v("spec.logging.accessLog.file.path is unset, so the gateway keeps no access log; keep gateway.accessLog (the edge's only record of who called)");
    return;
  }
  const bootstrap = gatewayBootstrap(p);
  if (!bootstrap) return;
  const missing = gatewayListenersWithoutAccessLog(bootstrap);
  if (missing.length) v(`the gateway's Envoy keeps no access log on ${missing.join(", ")}; keep gateway.accessLog (the edge's only record of who called)`);
}

function checkRetention(resources: PolicyResource[], report: (m: string, r: PolicyResource) => void) {
  const groups = resources.filter((r) => r.type === LOG_GROUP);
  // The stack's minimum, from any group that states it: removing the tag from one group hides nothing.
  const stated = groups.map((g) => Number(g.props.tags?.[LOG_RETENTION_TAG])).filter((d) => Number.isFinite(d) && d > 0);
  if (!stated.length) return;
  const min = Math.max(...stated);
  for (const g of groups) {
    const days = g.props.retentionInDays;
    if (days === undefined || days === null) report(`retentionInDays is unset; the stack states ${min} days (logs.retentionDays)`, g);
    else if (typeof days === "number" && days < min) report(`retentionInDays is ${days}, below the ${min} days the stack states (logs.retentionDays); set logs.retentionDays rather than editing a log group`, g);
  }
}

export const operationsPolicies: MeshPolicy[] = [
  resourcePolicy({ name: "mesh-app-health-reported", upstream: "ECS deployment circuit breaker (container health checks)", enforcementLevel: "mandatory", checks: "every meshed task that takes traffic has an essential lifecycle or app-health container, started after every application, whose ECS health check probes the applications" },
    [TASK], (p, v) => checkAppHealth(p, v)),
  stackPolicy({ name: "logs-awslogs-planned-group", upstream: "ecs-task-definition-log-configuration; CKV_AWS_158", enforcementLevel: "mandatory", checks: "every container logs with awslogs to a log group this stack creates" },
    (resources, report) => checkContainerLogs(resources, (m, r) => report(m, r.urn))),
  resourcePolicy({ name: "gateway-access-log", upstream: "AWS Well-Architected SEC04 (capture logs at the edge)", enforcementLevel: "mandatory", checks: "the gateway's Envoy keeps an access log on every traffic listener (App Mesh: the virtual gateway's logging.accessLog)" },
    [TASK, VIRTUAL_GATEWAY], (p, v) => checkGatewayAccessLog(p, v)),
  stackPolicy({ name: "logs-retention-stated", upstream: "CKV_AWS_66 (retention set), at the stack's own minimum", enforcementLevel: "mandatory", checks: "every log group keeps its logs at least the days the stack states (logs.retentionDays)" },
    (resources, report) => checkRetention(resources, (m, r) => report(m, r.urn))),
];
