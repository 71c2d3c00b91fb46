/** Task definitions, services and the cluster: the guardrails rows for ECS, plus the Envoy sidecar rules. */
import type { PolicyResource } from "@pulumi/policy";
import { containerDefinitions, ECS_SERVICE, inlineBootstrap, isProduction, isProxyPeer, list, MeshPolicy, refersTo, resourcePolicy, stackPolicy, TASK } from "./helpers";
import { secretReason } from "./secrets";

/**
 * Names and values that look like credentials (Trivy AWS-0036). The pack stays self-contained so
 * that it can be published on its own: policy/secrets.ts is a copy of model/secrets.ts, which a
 * test keeps byte-identical.
 */
export { SECRET_NAME } from "./secrets";

const perContainer = (check: (c: any, violation: (m: string) => void, props: any) => void) =>
  (props: any, violation: (m: string) => void) => {
    for (const c of containerDefinitions(props) ?? []) check(c, (m) => violation(`container ${c.name}: ${m}`), props);
  };

/** Fargate stops a container 30 s after SIGTERM unless stopTimeout says otherwise. */
const FARGATE_DEFAULT_STOP_TIMEOUT = 30;

const appmesh = (props: any) => props.proxyConfiguration?.type === "APPMESH" ? props.proxyConfiguration : undefined;
/** The task's proxy: the one proxyConfiguration names, or an Envoy started with its inline bootstrap (proxy interception). */
const proxyOf = (props: any) => appmesh(props) ?? (inlineBootstrap(props) ? { containerName: inlineBootstrap(props)!.container.name } : undefined);

/** Containers that add SYS_PTRACE (or ALL, which includes it) to their capabilities. */
const ptracers = (task: PolicyResource) => (containerDefinitions(task.props) ?? [])
  .filter((c) => list<string>(c.linuxParameters?.capabilities?.add).some((cap) => /^(CAP_)?(SYS_PTRACE|ALL)$/i.test(String(cap))));

/**
 * ECS Exec into a task whose containers share one process namespace (`pidMode: task`) and where
 * one may ptrace: whoever may call ecs:ExecuteCommand on it reads the memory of every container
 * there, Envoy's TLS keys and the application's secrets included. A service whose task
 * definition the plan cannot tie to one it shows counts for every such task: not shown safe.
 */
function execPtraceFindings(all: PolicyResource[], report: (m: string, urn: string) => void): void {
  const tasks = all.filter((r) => r.type === TASK && r.props.pidMode === "task" && ptracers(r).length);
  const exec = all.filter((s) => s.type === ECS_SERVICE && s.props.enableExecuteCommand === true);
  const known = all.filter((r) => r.type === TASK);
  for (const task of tasks) {
    const services = exec.filter((s) => refersTo(s.props.taskDefinition, task) || !known.some((t) => refersTo(s.props.taskDefinition, t)));
    if (!services.length) continue;
    report(`ECS Exec is on (${services.map((s) => s.name).join(", ")}) with pidMode: task and SYS_PTRACE added to ${ptracers(task).map((c) => `container ${c.name}`).join(", ")}: `
      + "a shell in any container could read every container's memory, Envoy's TLS keys and the secrets included; remove SYS_PTRACE or pidMode: task, or turn ecsExec off", task.urn);
  }
}

export const ecsPolicies: MeshPolicy[] = [
  resourcePolicy({ name: "ecs-readonly-root-filesystem", upstream: "CKV_AWS_336; ecs-containers-readonly-access", enforcementLevel: "mandatory", checks: "every container has a read-only root filesystem" },
    [TASK], perContainer((c, v) => { if (c.readonlyRootFilesystem !== true) v("set readonlyRootFilesystem: true (give the container a volume for the paths it writes)"); })),
  resourcePolicy({ name: "ecs-no-privileged", upstream: "CKV_AWS_334; ecs-containers-nonprivileged", enforcementLevel: "mandatory", checks: "no container is privileged" },
    [TASK], perContainer((c, v) => { if (c.privileged === true) v("remove privileged: true"); })),
  resourcePolicy({ name: "ecs-no-host-pid", upstream: "CKV_AWS_335", enforcementLevel: "mandatory", checks: "the task does not share the host's process namespace" },
    [TASK], (p, v) => { if (p.pidMode === "host") v("remove pidMode: host"); }),
  stackPolicy({ name: "ecs-exec-no-ptrace", upstream: "Docker/ECS security guidance (SYS_PTRACE, shared PID namespace); ECS Exec", enforcementLevel: "mandatory", checks: "no service with ECS Exec runs a task with pidMode: task and a container that adds SYS_PTRACE (mandatory: no description can ask for either, so only a hand-edited plan has them, and debugging that needs them belongs in a task without ECS Exec)" },
    (all, report) => execPtraceFindings(all, report)),
  resourcePolicy({ name: "ecs-separate-execution-role", upstream: "CKV_AWS_249", enforcementLevel: "mandatory", checks: "the execution role differs from the task role" },
    [TASK], (p, v) => { if (typeof p.taskRoleArn === "string" && p.taskRoleArn === p.executionRoleArn) v("use different roles for executionRoleArn and taskRoleArn"); }),
  resourcePolicy({ name: "ecs-non-root-user", upstream: "ecs-task-definition-nonroot-user", enforcementLevel: "advisory", checks: "every container names a non-root user" },
    // "0", "0:0", "root", "root:root", "0:1000": the user part decides.
    [TASK], perContainer((c, v) => { if (c.user === undefined || /^(0|root)(:|$)/.test(String(c.user))) v("set user to a non-root UID (the image's default user may be root)"); })),
  resourcePolicy({ name: "ecs-image-digest-production", upstream: "CIS Docker 4.x (content trust); ECR image immutability", enforcementLevel: "advisory", checks: "containers of a production stack pull images by digest, not by a tag that can be moved" },
    [TASK], (p, v) => {
      if (!isProduction(p)) return;
      // One finding per task: its images are pinned together, in one revision.
      const tagged = (containerDefinitions(p) ?? []).filter((c) => typeof c.image === "string" && !/@sha256:[0-9a-f]{64}$/.test(c.image));
      if (tagged.length) v(`pulls ${tagged.map((c) => `${c.image} (${c.name})`).join(", ")} by tag, which a publisher can move; pin each as image@sha256:<digest> (docs/deploying.md)`);
    }),
  resourcePolicy({ name: "ecs-log-configuration", upstream: "ecs-task-definition-log-configuration", enforcementLevel: "mandatory", checks: "every container sends its logs somewhere" },
    [TASK], perContainer((c, v) => { if (!c.logConfiguration?.logDriver) v("add a logConfiguration (awslogs)"); })),
  resourcePolicy({ name: "ecs-no-environment-secrets", upstream: "Trivy AWS-0036; ecs-no-environment-secrets", enforcementLevel: "mandatory", checks: "no secret-looking names or values (AWS keys, private keys, passwords in URLs, random tokens) in container environment" },
    [TASK], perContainer((c, v) => {
      for (const e of list(c.environment)) if (secretReason(String(e.name), e.value)) v(`move ${e.name} from environment to secrets (a Secrets Manager or SSM ARN)`);
    })),
  resourcePolicy({ name: "ecs-memory-and-awsvpc", upstream: "ecs-task-definition-memory-hard-limit", enforcementLevel: "mandatory", checks: "the task sets a memory limit and uses awsvpc networking" },
    [TASK], (p, v) => {
      if (p.memory === undefined) v("set the task's memory");
      if (p.networkMode !== "awsvpc") v(`set networkMode: awsvpc (got ${p.networkMode ?? "none"})`);
    }),
  resourcePolicy({ name: "mesh-envoy-sidecar", upstream: "App Mesh user guide (Envoy on ECS)", enforcementLevel: "mandatory", checks: "an APPMESH task has an essential Envoy container whose user equals IgnoredUID" },
    [TASK], (p, v) => {
      const proxy = appmesh(p);
      const defs = containerDefinitions(p);
      if (!proxy || !defs) return;
      const envoy = defs.find((c) => c.name === proxy.containerName);
      if (!envoy) return v(`proxyConfiguration names ${proxy.containerName}, but no container has that name`);
      if (envoy.essential !== true) v(`container ${envoy.name}: make Envoy essential`);
      if (String(envoy.user) !== String(proxy.properties?.IgnoredUID))
        v(`container ${envoy.name}: user ${envoy.user ?? "(none)"} differs from IgnoredUID ${proxy.properties?.IgnoredUID}; Envoy's own traffic would loop back into Envoy`);
    }),
  resourcePolicy({ name: "mesh-app-waits-for-envoy", upstream: "App Mesh user guide (Envoy on ECS)", enforcementLevel: "mandatory", checks: "every application container of a meshed task starts after Envoy is HEALTHY" },
    [TASK], (p, v) => {
      const proxy = proxyOf(p);
      const defs = containerDefinitions(p);
      if (!proxy || !defs) return;
      const proxyImage = defs.find((c) => c.name === proxy.containerName)?.image;
      for (const c of defs) {
        // The proxy, its helpers running the proxy's own image (the drain container), and its tracing peer.
        if (c.name === proxy.containerName || c.image === proxyImage || isProxyPeer(c)) continue;
        if (!list(c.dependsOn).some((d: any) => d.containerName === proxy.containerName && d.condition === "HEALTHY"))
          v(`container ${c.name}: add dependsOn [{ containerName: ${proxy.containerName}, condition: HEALTHY }] so it never starts without its proxy`);
      }
    }),
  resourcePolicy({ name: "mesh-envoy-drain", upstream: "App Mesh user guide (Envoy draining)", enforcementLevel: "mandatory", checks: "Envoy finishes draining (LISTENER_DRAIN_WAIT_TIME_S) before its container is stopped" },
    [TASK], perContainer((c, v) => {
      const drain = list<any>(c.environment).find((e) => e.name === "LISTENER_DRAIN_WAIT_TIME_S");
      if (!drain) return;
      const stop = c.stopTimeout ?? FARGATE_DEFAULT_STOP_TIMEOUT;
      if (Number(drain.value) >= stop) v(`drains for ${drain.value}s but is stopped after ${stop}s; lower the drain or raise stopTimeout (at most 120)`);
    })),
  resourcePolicy({ name: "ecs-deployment-percent", upstream: "AWS App Mesh best practices (ECS deployments)", enforcementLevel: "advisory", checks: "deployments keep 100% healthy and may add 50-100% more tasks" },
    [ECS_SERVICE], (p, v) => {
      if (p.deploymentMinimumHealthyPercent !== undefined && p.deploymentMinimumHealthyPercent < 100) v(`deploymentMinimumHealthyPercent is ${p.deploymentMinimumHealthyPercent}; keep 100 so capacity never drops during a deployment`);
      if (p.deploymentMaximumPercent !== undefined && (p.deploymentMaximumPercent < 150 || p.deploymentMaximumPercent > 200)) v(`deploymentMaximumPercent is ${p.deploymentMaximumPercent}; use 150 to 200`);
    }),
  resourcePolicy({ name: "ecs-lb-grace-period", upstream: "AWS App Mesh best practices (health check grace period)", enforcementLevel: "advisory", checks: "services behind a load balancer wait for Envoy before health checks count" },
    [ECS_SERVICE], (p, v) => {
      if (list(p.loadBalancers).length && !(p.healthCheckGracePeriodSeconds >= 30)) v("set healthCheckGracePeriodSeconds of at least 30 so Envoy can load its configuration first");
    }),
  resourcePolicy({ name: "ecs-no-public-ip", upstream: "CKV_AWS_333", enforcementLevel: "mandatory", checks: "services do not give tasks a public IP" },
    [ECS_SERVICE], (p, v) => { if (p.networkConfiguration?.assignPublicIp !== false) v("set networkConfiguration.assignPublicIp: false and run tasks in private subnets"); }),
  resourcePolicy({ name: "ecs-platform-version", upstream: "CKV_AWS_332", enforcementLevel: "mandatory", checks: "Fargate services run the LATEST platform version" },
    [ECS_SERVICE], (p, v) => { if (p.platformVersion !== undefined && p.platformVersion !== "LATEST") v(`set platformVersion: LATEST (got ${p.platformVersion})`); }),
  resourcePolicy({ name: "ecs-circuit-breaker", upstream: "AWS ECS best practice", enforcementLevel: "mandatory", checks: "deployments stop and roll back when tasks keep failing" },
    [ECS_SERVICE], (p, v) => {
      if (p.deploymentCircuitBreaker?.enable !== true || p.deploymentCircuitBreaker?.rollback !== true) v("set deploymentCircuitBreaker: { enable: true, rollback: true }");
    }),
  resourcePolicy({ name: "ecs-container-insights", upstream: "CKV_AWS_65; Trivy AWS-0034", enforcementLevel: "mandatory", checks: "the cluster has Container Insights on" },
    ["aws:ecs/cluster:Cluster"], (p, v) => {
      if (!list(p.settings).some((s: any) => s.name === "containerInsights" && ["enabled", "enhanced"].includes(s.value))) v("add settings [{ name: containerInsights, value: enabled }]");
    }),
];
