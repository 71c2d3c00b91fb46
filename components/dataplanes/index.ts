/**
 * The one place that picks the data plane. Each data plane turns the same model into the
 * sidecar of every meshed service and the gateway's proxy; App Mesh also needs its mesh
 * resources. A new data plane is one more case here and one more folder beside these.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigIssue } from "../../model/errors";
import type { MeshModel, VirtualNodeModel } from "../../model/types";
import type { Tags } from "../base";
import { appContainer, LogTarget, xrayContainer } from "../service/containers";
import type { Sidecar } from "../service/sidecar";
import { AppMesh } from "./appmesh/app-mesh";
import { appMeshGateway, appMeshSidecar, envoyContainer as appMeshEnvoy } from "./appmesh/sidecar";
import { envoyGateway, envoySidecar } from "./envoy/sidecar";
import { LiveRoutes } from "./envoy/appconfig";
import { securityEdges } from "../security-edges";
import { LatticeMesh } from "./lattice/lattice-mesh";
import { invokePolicy, latticeSidecar } from "./lattice/sidecar";

export interface DataPlaneRendering {
  /** The mesh's name as the data plane knows it (App Mesh's mesh resource, or the model's). */
  meshName: pulumi.Output<string>;
  sidecar(node: VirtualNodeModel): Sidecar;
  gateway(): Sidecar;
  /** Rules (and auth policies) between callers and callees, once every task's group and role exist. */
  connect(keyed: { sg: (key: string) => pulumi.Output<string>; role: (key: string) => pulumi.Output<string> }): void;
}

/** How the data plane names and parents what it creates beside its own component. */
export interface RenderContext {
  child: (suffix: string) => string;
  opts: pulumi.CustomResourceOptions;
  tags: Tags;
  vpcId: pulumi.Input<string>;
  /** The Cloud Map namespace's Route 53 zone (lattice: where each service's name points to Lattice). */
  hostedZoneId: pulumi.Input<string>;
  /** The customer KMS key of the mesh's log groups (logs.kmsKey). @default none */
  logsKmsKeyArn?: pulumi.Input<string>;
}

const logOf = (model: MeshModel, group: string): LogTarget => ({ group, region: model.region });

export function renderDataPlane(model: MeshModel, ctx: RenderContext): DataPlaneRendering {
  const component = { parent: ctx.opts.parent } as pulumi.ComponentResourceOptions;
  switch (model.dataPlane) {
    case "appmesh": {
      const mesh = new AppMesh(ctx.child("appmesh"), { model, tags: ctx.tags }, component);
      return {
        meshName: mesh.meshName,
        sidecar: (node) => appMeshSidecar(node, model.envoy, mesh.nodeArns.apply((a) => a[node.key]), logOf(model, node.task.logGroupName)),
        gateway: () => appMeshGateway(model.gateway!, model.envoy, mesh.gatewayArn.apply((a) => a!), logOf(model, model.gateway!.task.logGroupName)),
        connect: ({ sg }) => connectSidecars(model, ctx, sg),
      };
    }
    case "envoy": {
      // routeUpdates live: route tables in AppConfig, which the tasks' agents poll.
      const live = model.envoy.routeUpdates === "live" ? new LiveRoutes(ctx.child("routes"), { model, tags: ctx.tags }, component) : undefined;
      const attach = (s: Sidecar) => (live ? live.attach(s) : s);
      return {
        meshName: pulumi.output(model.mesh.name),
        sidecar: (node) => attach(envoySidecar(model, node.key, logOf(model, node.task.logGroupName))),
        gateway: () => attach(envoyGateway(model, logOf(model, model.gateway!.task.logGroupName))),
        connect: ({ sg }) => connectSidecars(model, ctx, sg),
      };
    }
    case "lattice": {
      const lattice = new LatticeMesh(ctx.child("lattice"), { model, vpcId: ctx.vpcId, hostedZoneId: ctx.hostedZoneId, logsKmsKeyArn: ctx.logsKmsKeyArn, tags: ctx.tags }, component);
      return {
        meshName: pulumi.output(model.mesh.name),
        sidecar: (node) => latticeSidecar(model, node, lattice.plan, {
          targetGroupArns: lattice.targetGroupArns, roleArn: lattice.infrastructureRoleArn, serviceArn: (k) => lattice.serviceArn(k),
        }, logOf(model, node.task.logGroupName)),
        // The gateway stays an Envoy behind the NLB; it forwards each route to the target's Lattice service (signed with iam auth).
        gateway: () => latticeGateway(model, lattice, logOf(model, model.gateway!.task.logGroupName)),
        connect: ({ sg, role }) => {
          connectLattice(model, lattice, ctx, sg);
          lattice.authorize(role);
        },
      };
    }
  }
}

/** The gateway's Envoy; with iam auth its role may invoke exactly the Lattice services its routes target. */
function latticeGateway(model: MeshModel, lattice: LatticeMesh, log: LogTarget): Sidecar {
  const gw = envoyGateway(model, log);
  if (model.lattice.auth !== "iam") return gw;
  const targets = [...new Set(model.gateway!.routes.map((r) => r.target.key))].sort();
  return {
    ...gw,
    taskPolicy: invokePolicy(targets.map((k) => lattice.serviceArn(k)), { ecsExec: false, xray: model.envoy.xray }).apply((p) => p!),
    roleDescription: `Gateway ${model.gateway!.name}: invokes ${targets.join(", ")} through VPC Lattice${model.envoy.xray ? ", and X-Ray" : ""}`,
  };
}

/** Sidecar to sidecar: each edge opens one port, an ingress rule on the callee and an egress rule on the caller. */
function connectSidecars(model: MeshModel, ctx: RenderContext, sg: (key: string) => pulumi.Output<string>): void {
  for (const e of securityEdges(model)) {
    new aws.vpc.SecurityGroupIngressRule(ctx.child(`in-${e.to}-from-${e.from}-${e.port}`), {
      securityGroupId: sg(e.to), referencedSecurityGroupId: sg(e.from),
      ipProtocol: "tcp", fromPort: e.port, toPort: e.port, description: `${e.from} calls ${e.to} on ${e.port}`, tags: ctx.tags,
    }, ctx.opts);
    new aws.vpc.SecurityGroupEgressRule(ctx.child(`out-${e.from}-to-${e.to}-${e.port}`), {
      securityGroupId: sg(e.from), referencedSecurityGroupId: sg(e.to),
      ipProtocol: "tcp", fromPort: e.port, toPort: e.port, description: `${e.from} calls ${e.to} on ${e.port}`, tags: ctx.tags,
    }, ctx.opts);
  }
}

/**
 * Through VPC Lattice, as narrow as it allows: callers may send to the service network only on
 * the ports of their backends (the VPC association's security group admits each caller's group),
 * and a task admits its target group ports only from VPC Lattice's managed prefix list. Coarser
 * than sidecar to sidecar: the association admits a caller on a port for every Lattice service
 * listening on that port, not only its backends (lattice.auth: iam narrows it per service).
 */
function connectLattice(model: MeshModel, lattice: LatticeMesh, ctx: RenderContext, sg: (key: string) => pulumi.Output<string>): void {
  const prefixList = aws.ec2.getManagedPrefixListOutput({ name: `com.amazonaws.${model.region}.vpc-lattice` }, { parent: ctx.opts.parent }).id;
  // Each (caller, port) once: the caller may reach the service network there, through its own egress.
  const calls = new Map<string, { caller: string; port: number }>();
  for (const s of lattice.plan.services) for (const caller of s.callers) for (const { port } of s.listeners) calls.set(`${caller}-${port}`, { caller, port });
  for (const [, { caller, port }] of [...calls].sort(([a], [b]) => a.localeCompare(b))) {
    new aws.vpc.SecurityGroupIngressRule(ctx.child(`lattice-from-${caller}-${port}`), {
      securityGroupId: lattice.associationSecurityGroupId, referencedSecurityGroupId: sg(caller),
      ipProtocol: "tcp", fromPort: port, toPort: port, description: `${caller} calls the mesh's Lattice services on ${port}`, tags: ctx.tags,
    }, ctx.opts);
    new aws.vpc.SecurityGroupEgressRule(ctx.child(`out-${caller}-to-lattice-${port}`), {
      securityGroupId: sg(caller), prefixListId: prefixList,
      ipProtocol: "tcp", fromPort: port, toPort: port, description: `${caller} calls its backends through VPC Lattice on ${port}`, tags: ctx.tags,
    }, ctx.opts);
  }
  // Each (target node, port) once: VPC Lattice sends there.
  const targets = new Map(lattice.plan.targetGroups.map((t) => [`${t.node}-${t.port}`, t]));
  for (const [, { node, port }] of [...targets].sort(([a], [b]) => a.localeCompare(b))) {
    new aws.vpc.SecurityGroupIngressRule(ctx.child(`in-${node}-from-lattice-${port}`), {
      securityGroupId: sg(node), prefixListId: prefixList,
      ipProtocol: "tcp", fromPort: port, toPort: port, description: `VPC Lattice sends ${node}'s requests on ${port}`, tags: ctx.tags,
    }, ctx.opts);
  }
}

/**
 * ECS refuses a task definition over 64 KiB. The Envoy data plane carries each bootstrap inline,
 * so a large mesh can get there, and so can long environment values on any data plane; the rest
 * of a task definition (family, role ARNs, proxy configuration, volumes) is kept within the 2 KiB
 * allowed for it here.
 */
export const TASK_DEFINITION_LIMIT = 64 * 1024;
const TASK_DEFINITION_OVERHEAD = 2 * 1024;

/** Problems the rendering finds that validation of the description alone cannot. */
export function renderingIssues(model: MeshModel): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const size = (containers: object[]) => Buffer.byteLength(JSON.stringify(containers)) + TASK_DEFINITION_OVERHEAD;
  const tooBig = (bytes: number, what: string) =>
    `${what}'s task definition would be ${(bytes / 1024).toFixed(1)} KiB${model.dataPlane === "envoy" ? " with its Envoy bootstrap inline" : ""}; ECS accepts at most 64 KiB: split the service's backends or routes, or shorten environment values`;
  for (const node of model.nodes) {
    const log = logOf(model, node.task.logGroupName);
    // App Mesh's containers only name their node's ARN; one of the real length stands in for it.
    const arn = `arn:aws:appmesh:${model.region}:000000000000:mesh/${model.mesh.name}/virtualNode/${node.name}`;
    const sidecar = model.dataPlane === "envoy" ? envoySidecar(model, node.key, log) : undefined;
    const proxy = sidecar ? (sidecar.containers as object[])
      : model.dataPlane === "appmesh" ? [appMeshEnvoy(model.envoy, arn, log), ...(model.envoy.xray ? [xrayContainer(model.envoy, log)] : [])] : [];
    const bytes = size([...node.containers.map((c) => appContainer(c, log, sidecar?.appEnvironment, { proxy: proxy.length ? "envoy" : undefined, execAgent: node.task.ecsExec })), ...proxy]);
    if (bytes > TASK_DEFINITION_LIMIT) issues.push({ path: `services.${node.key}`, message: tooBig(bytes, `service ${node.key}`) });
  }
  issues.push(...securityGroupQuotaIssues(model));
  if (model.gateway && model.dataPlane !== "appmesh") {
    const bytes = size(envoyGateway(model, logOf(model, model.gateway.task.logGroupName)).containers as object[]);
    if (bytes > TASK_DEFINITION_LIMIT) issues.push({ path: "gateway", message: tooBig(bytes, "the gateway") });
  }
  return issues;
}

/** EC2's default quota: 60 inbound and 60 outbound rules per security group. */
export const SECURITY_GROUP_RULES = 60;

/**
 * Sidecar to sidecar, each (caller, port) is one rule on the callee and one on the caller (plus
 * the caller's HTTPS egress): a node called by many callers can pass EC2's default quota, which
 * would fail the deployment half way. Said here, with the path of the service to change.
 */
function securityGroupQuotaIssues(model: MeshModel): ConfigIssue[] {
  if (model.dataPlane === "lattice") return []; // through Lattice: one rule per port, not per caller
  const inbound = new Map<string, number>();
  const outbound = new Map<string, number>();
  for (const e of securityEdges(model)) {
    inbound.set(e.to, (inbound.get(e.to) ?? 0) + 1);
    outbound.set(e.from, (outbound.get(e.from) ?? 0) + 1);
  }
  const issues: ConfigIssue[] = [];
  for (const [key, n] of inbound)
    if (n > SECURITY_GROUP_RULES)
      issues.push({ path: `services.${key}`, message: `would need ${n} inbound security group rules (one per caller and port); a security group holds ${SECURITY_GROUP_RULES} by default: put a router in front, reduce its callers, or raise the EC2 quota first` });
  for (const [key, n] of outbound)
    if (n + 1 > SECURITY_GROUP_RULES)
      issues.push({ path: key === "gateway" ? "gateway.routes" : `services.${key}.backends`, message: `would need ${n + 1} outbound security group rules (one per backend task port, and HTTPS); a security group holds ${SECURITY_GROUP_RULES} by default: call fewer services directly, or raise the EC2 quota first` });
  return issues;
}
