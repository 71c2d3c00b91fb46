/**
 * A plan's data plane, run on this machine: every ECS service of the plan as its desired count
 * of tasks (at least the count; the gateway's too), each task as task.ts runs it, Cloud Map as a
 * DNS server that answers each service's name with its healthy tasks (MULTIVALUE) and each
 * placeholder instance with its address. Read from the planned resources, never from a second
 * model: what runs here is what `pulumi up` would register.
 */
import * as fs from "fs";
import * as path from "path";
import type { Plan, PlannedResource } from "../plan-core";
import { Fabric, Host } from "./fabric";
import { groupsOf, SecurityGroups } from "./security-groups";
import { ContainerDef, RunOptions, TaskDef, TaskRun } from "./task";

export interface PlannedService {
  /** The model's service key, or `gateway`. */
  key: string;
  desiredCount: number;
  task: TaskDef;
  /** The DNS name its tasks register under (Cloud Map service + namespace), if any. */
  dnsName?: string;
  ttl?: number;
}

/** The Cloud Map namespace the plan creates (`colors.local`), if any. */
const namespaceOf = (plan: Plan) =>
  plan.resources.find((r) => r.type === "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace")?.inputs.name as string | undefined;

const ref = (s: unknown) => /\{unknown:([^}.]+)\.id\}/.exec(String(s))?.[1];

/** The ECS services of a plan with their task definitions and Cloud Map names. */
export function plannedServices(plan: Plan): PlannedService[] {
  const rs = plan.resources;
  const byName = (name: string | undefined, type: string) => rs.find((r) => r.name === name && r.type === type);
  const namespace = namespaceOf(plan);
  const protocols = (key: string): Record<number, string> => {
    const node = plan.model.nodes.find((n) => n.key === key);
    return Object.fromEntries((node?.listeners ?? []).map((l) => [l.port, l.protocol]));
  };
  return rs.filter((r) => r.type === "aws:ecs/service:Service").map((svc) => {
    const owner = svc.parent!.name;
    const key = owner.replace(/^mesh-/, "");
    const td = rs.find((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.parent?.name === owner)!;
    const inputs = svc.inputs as { desiredCount: number; serviceRegistries?: { registryArn: string } };
    const registry = byName(ref(inputs.serviceRegistries?.registryArn), "aws:servicediscovery/service:Service");
    return {
      key, desiredCount: inputs.desiredCount,
      task: taskDef(key, td, protocols(key)),
      ...(registry && namespace ? { dnsName: `${registry.inputs.name}.${namespace}`, ttl: dnsTtl(registry) } : {}),
    };
  });
}

function taskDef(service: string, td: PlannedResource, appProtocols: Record<number, string>): TaskDef {
  const i = td.inputs as { family: string; containerDefinitions: string; proxyConfiguration?: { containerName: string; properties: Record<string, string> } };
  return { service, family: i.family, containers: JSON.parse(i.containerDefinitions) as ContainerDef[], proxyConfiguration: i.proxyConfiguration, appProtocols };
}

const dnsTtl = (registry: PlannedResource) => (registry.inputs as { dnsConfig?: { dnsRecords?: { ttl: number }[] } }).dnsConfig?.dnsRecords?.[0]?.ttl ?? 10;

/** Fixed records: Cloud Map instances the plan registers itself (a router name's placeholder). */
export function placeholderRecords(plan: Plan): [string, string][] {
  const rs = plan.resources;
  const namespace = namespaceOf(plan);
  return rs.filter((r) => r.type === "aws:servicediscovery/instance:Instance").flatMap((inst) => {
    const svc = rs.find((r) => r.type === "aws:servicediscovery/service:Service" && r.name === ref(inst.inputs.serviceId));
    const ip = (inst.inputs.attributes as Record<string, string> | undefined)?.AWS_INSTANCE_IPV4;
    return svc && ip && namespace ? [[`${svc.inputs.name}.${namespace}`, ip] as [string, string]] : [];
  });
}

/**
 * What the plan deploys to AWS AppConfig (envoy.routeUpdates: live): each hosted version's
 * content under the agent path of its application, environment and profile (by name).
 */
/** Pulumi's marker of a secret value in serialised state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export function appConfigVersions(plan: Plan): { path: string; content: string }[] {
  const rs = plan.resources;
  const named = (type: string, ref: unknown) => rs.find((r) => r.type === `aws:appconfig/${type}` && String(ref).includes(`{unknown:${r.name}.`));
  return rs.filter((r) => r.type === "aws:appconfig/deployment:Deployment").map((d) => {
    const app = named("application:Application", d.inputs.applicationId);
    const env = named("environment:Environment", d.inputs.environmentId);
    const profile = named("configurationProfile:ConfigurationProfile", d.inputs.configurationProfileId);
    const version = rs.find((r) => r.type === "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion" && String(r.inputs.configurationProfileId).includes(`{unknown:${profile?.name}.`));
    if (!app || !env || !profile || !version) throw new Error(`deployment ${d.name}: its application, environment, profile or version is not in the plan`);
    // The plan keeps JSON inputs parsed; AppConfig holds the text.
    // AWS's provider marks the content secret: the plan holds Pulumi's secret envelope around the text.
    const raw = version.inputs.content as unknown;
    const text = raw && typeof raw === "object" && SECRET_SIG in raw ? (raw as unknown as { value: unknown }).value : raw;
    const content = typeof text === "string" ? text : JSON.stringify(text);
    return { path: `/applications/${app.inputs.name}/environments/${env.inputs.name}/configurations/${profile.inputs.name}`, content };
  });
}

export interface MeshRunOptions extends RunOptions {
  /** Tasks per service at least (the issue: 2 where desiredCount ≥ 2); @default desiredCount */
  count?: (s: PlannedService) => number;
}

export class MeshRun {
  readonly fabric = new Fabric();
  readonly tasks: TaskRun[] = [];
  readonly services: PlannedService[];
  /** The plan's security groups, as packet filters in every host's namespace. */
  readonly securityGroups: SecurityGroups;
  private readonly memberships: ReturnType<typeof groupsOf>;

  /** AppConfig as the agents see it: the deployed version of each path (appConfigVersions). */
  readonly appConfigDir = path.join(this.fabric.dir, "appconfig");
  private readonly opts: MeshRunOptions;

  constructor(readonly plan: Plan, opts: MeshRunOptions) {
    this.opts = { ...opts, appConfigDir: this.appConfigDir };
    // The agent runs as Envoy's UID, as in the task definition: it may pass through to its folder and read it.
    fs.chmodSync(this.fabric.dir, 0o711);
    fs.mkdirSync(this.appConfigDir, { mode: 0o755 });
    for (const v of appConfigVersions(plan)) this.publish(v.path, v.content);
    this.services = plannedServices(plan);
    this.memberships = groupsOf(plan);
    const net = plan.model.network;
    this.securityGroups = new SecurityGroups(plan, {
      vpcCidr: net.kind === "new" ? net.cidr : net.vpcCidr, subnetCidr: `${this.fabric.subnet}.0/24`, dnsIp: this.fabric.gatewayIp,
    });
    const ttl = Math.min(...this.services.map((s) => s.ttl ?? 10), 10);
    try {
      const namespace = namespaceOf(plan);
      this.fabric.startDns(ttl, namespace ? [namespace] : []);
      for (const [name, ip] of placeholderRecords(plan)) this.fabric.setRecords(name, [ip]);
    } catch (e) { this.fabric.destroy(); throw e; }
  }

  /** Starts every service's tasks (all at once: ECS would too), each behind its security groups. */
  start(): this {
    try {
      const made = this.services.flatMap((s) => Array.from({ length: this.opts.count?.(s) ?? s.desiredCount }, (_, i) => this.makeTask(s, i)));
      made.forEach((t) => t.start());
    } catch (e) { this.destroy(); throw e; }
    return this;
  }

  /** A new task of service `s` (a rolling replacement starts one before the old one stops). */
  addTask(s: PlannedService, index = this.tasksOf(s.key).length): TaskRun {
    const t = this.makeTask(s, index);
    t.start();
    return t;
  }

  private makeTask(s: PlannedService, index: number): TaskRun {
    const t = new TaskRun(this.fabric, s.task, index, this.opts);
    t.onChange = () => this.register(s);
    this.tasks.push(t);
    this.securityGroups.attach(t.host, this.memberships.services.get(s.key) ?? []);
    return t;
  }

  /** A host outside the services (the NLB's side) in the NLB's security groups. */
  nlbHost(name: string): Host {
    const h = this.fabric.host(name);
    this.securityGroups.attach(h, this.memberships.nlb);
    return h;
  }

  tasksOf(key: string): TaskRun[] { return this.tasks.filter((t) => t.def.service === key); }

  /** Deploys `content` as the latest version of an AppConfig path (agent path), as a finished deployment would. */
  publish(agentPath: string, content: string): void {
    const tmp = path.join(this.appConfigDir, ".publishing");
    fs.writeFileSync(tmp, content, { mode: 0o644 });
    fs.renameSync(tmp, path.join(this.appConfigDir, encodeURIComponent(agentPath)));
  }

  /** Withdraws every version of a path: the agent answers 404, as for a profile never deployed. */
  unpublish(agentPath: string): void {
    fs.rmSync(path.join(this.appConfigDir, encodeURIComponent(agentPath)), { force: true });
  }

  /** Cloud Map: a service's name answers with its HEALTHY tasks that are not stopping. */
  private register(s: PlannedService): void {
    if (!s.dnsName) return;
    const ips = this.tasksOf(s.key).filter((t) => !t.isStopping && t.health === "HEALTHY").map((t) => t.ip);
    this.fabric.setRecords(s.dnsName, ips);
  }

  /** Resolves once every task of every service is HEALTHY, or rejects after `ms` naming the ones that are not. */
  async healthy(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (this.tasks.every((t) => t.health === "HEALTHY")) return;
      const stopped = this.tasks.find((t) => t.stopped);
      if (stopped) throw new Error(`task ${stopped.name} stopped while starting:\n${[...stopped.containers.values()].map((c) => `--- ${c.def.name} (exit ${c.exitCode})\n${c.log.slice(-1500)}`).join("\n")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const pending = this.tasks.filter((t) => t.health !== "HEALTHY");
    throw new Error(`not HEALTHY within ${ms} ms: ${pending.map((t) => `${t.name} (${[...t.containers.values()].map((c) => `${c.def.name} ${c.state} ${c.status ?? "-"}`).join(", ")})`).join("; ")}`);
  }

  async stop(): Promise<void> { await Promise.all(this.tasks.map((t) => t.stop())); }

  destroy(): void { this.fabric.destroy(); }
}
