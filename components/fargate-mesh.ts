import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../model/errors";
import { names } from "../model/names";
import type { MeshModel } from "../model/types";
import { MeshComponent } from "./base";
import { renderDataPlane, renderingIssues } from "./dataplanes";
import { MeshGateway } from "./gateway/gateway";
import { LogsKey } from "./logs-key";
import { retentionTag } from "../model/log-retention";
import { Namespace, namespacePlan } from "./namespace";
import { Network } from "./network";
import { VpcEndpoints } from "./vpc-endpoints";
import { GATEWAY } from "./security-edges";
import { clusterExecConfiguration } from "./service/ecs-exec";
import { MeshedService } from "./service/meshed-service";

export interface FargateMeshArgs {
  /** A validated model, from `loadMesh` (or built by hand and passed through `validateMesh`). */
  model: MeshModel;
}

/**
 * The whole mesh from one model: network, ECS cluster, Cloud Map namespace, the data plane the
 * model chooses (components/dataplanes/), one meshed Fargate service per node, the gateway
 * behind its NLB, and the security group rules the backends imply.
 */
export class FargateMesh extends MeshComponent {
  readonly meshName: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly clusterArn: pulumi.Output<string>;
  /** The Cloud Map private DNS namespace's id (its name is the description's `namespace`). */
  readonly namespaceId: pulumi.Output<string>;
  readonly vpcId: pulumi.Output<string>;
  /** Subnets of the NLB, and of the tasks (new or existing, as the description's network says). */
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly nlbDnsName: pulumi.Output<string | undefined>;
  readonly url: pulumi.Output<string | undefined>;
  /** ECS service name by service key. */
  readonly serviceNames: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: FargateMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before anything is registered: a rendering ECS would refuse stops here, whole.
    const issues = renderingIssues(args.model);
    if (issues.length) throw new ConfigError(issues);
    super("FargateMesh", name, args.model.tags, opts);
    const model = args.model;
    const child = { parent: this };
    // First, so that every log group can be encrypted with it from its creation.
    const logsKey = model.logs.kmsKey === "create" ? new LogsKey(this.child("logs-key"), { model, tags: model.tags }, child).arn : model.logs.kmsKey;
    const network = new Network(this.child("network"), { network: model.network, displayName: model.mesh.name, logRetentionDays: model.logs.retentionDays, logsKmsKeyArn: logsKey, tags: model.tags }, child);
    // ECS Exec sessions (who ran what, and its output) are kept like the mesh's other logs.
    const execLogs = model.nodes.some((n) => n.task.ecsExec)
      ? new aws.cloudwatch.LogGroup(this.child("exec-logs"), { name: names.execLogGroup(model.clusterName), retentionInDays: model.logs.retentionDays, kmsKeyId: logsKey, tags: this.tagged(retentionTag(model.logs.retentionDays)) }, this.opts())
      : undefined;
    const cluster = new aws.ecs.Cluster(this.child("cluster"), {
      name: model.clusterName,
      settings: [{ name: "containerInsights", value: "enabled" }],
      ...(execLogs ? { configuration: clusterExecConfiguration(names.execLogGroup(model.clusterName)) } : {}),
      tags: this.tagged(),
    }, this.opts(execLogs ? { dependsOn: [execLogs] } : undefined));
    const namespace = new Namespace(this.child("namespace"), { ...namespacePlan(model), vpcId: network.vpcId, tags: model.tags }, child);
    const plane = renderDataPlane(model, {
      child: (s) => this.child(s), opts: this.opts(), tags: this.tagged(), vpcId: network.vpcId, hostedZoneId: namespace.hostedZoneId, logsKmsKeyArn: logsKey,
    });

    const services = new Map(model.nodes.map((node) => [node.key, new MeshedService(this.child(node.key), {
      node, sidecar: plane.sidecar(node), region: model.region,
      clusterArn: cluster.arn, vpcId: network.vpcId, subnetIds: network.privateSubnetIds,
      worldHttps: model.vpcEndpoints?.services[node.key].worldHttps, logRetentionDays: model.logs.retentionDays, logsKmsKeyArn: logsKey,
      execLogGroupArn: node.task.ecsExec ? execLogs?.arn : undefined,
      registryArn: node.registration && model.dataPlane !== "lattice" ? namespace.serviceArns.apply((a) => a[node.registration!.cloudMapService]) : undefined,
    }, child)]));

    let gateway: MeshGateway | undefined;
    if (model.gateway)
      gateway = new MeshGateway(this.child("gateway"), {
        gateway: model.gateway, proxy: plane.gateway(),
        clusterArn: cluster.arn, clusterName: cluster.name, vpcId: network.vpcId, vpcCidr: network.vpcCidr,
        publicSubnetIds: network.publicSubnetIds, privateSubnetIds: network.privateSubnetIds, tags: model.tags,
        worldHttps: model.vpcEndpoints?.gateway?.worldHttps, logRetentionDays: model.logs.retentionDays, logsKmsKeyArn: logsKey,
      }, child);

    // Who may call whom, as the data plane carries it (sidecar to sidecar, or through VPC Lattice).
    plane.connect({
      sg: (key) => (key === GATEWAY ? gateway!.securityGroupId : services.get(key)!.securityGroupId),
      role: (key) => (key === GATEWAY ? gateway!.taskRoleArn : services.get(key)!.taskRoleArn),
    });

    if (model.vpcEndpoints) {
      const endpoints = new VpcEndpoints(this.child("endpoints"), {
        endpoints: model.vpcEndpoints, region: model.region, vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds,
        privateSubnetCount: model.network.kind === "new" ? model.network.azCount : model.network.privateSubnetIds.length, tags: model.tags,
      }, child);
      for (const [key, s] of services) endpoints.admit(key, s.securityGroupId, model.vpcEndpoints.services[key].worldHttps);
      if (gateway) endpoints.admit(GATEWAY, gateway.securityGroupId, model.vpcEndpoints.gateway!.worldHttps);
    }

    this.meshName = plane.meshName;
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    this.namespaceId = namespace.namespaceId;
    this.vpcId = network.vpcId;
    this.publicSubnetIds = network.publicSubnetIds;
    this.privateSubnetIds = network.privateSubnetIds;
    this.nlbDnsName = gateway ? gateway.dnsName : pulumi.output(undefined);
    this.url = gateway ? gateway.url : pulumi.output(undefined);
    this.serviceNames = pulumi.all(Object.fromEntries([...services].map(([k, s]) => [k, s.serviceName])));
    this.registerOutputs({
      meshName: this.meshName, nlbDnsName: this.nlbDnsName, url: this.url, serviceNames: this.serviceNames, clusterName: this.clusterName,
      clusterArn: this.clusterArn, namespaceId: this.namespaceId, vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds,
    });
  }
}
