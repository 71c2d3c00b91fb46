import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { latticeAccessLogGroup, taskNames } from "../../../model/names";
import type { MeshModel } from "../../../model/types";
import { MeshComponent, Tags } from "../../base";
import { ecsInfrastructureTrust, LATTICE_INFRASTRUCTURE_POLICY_ARN, latticeAuthPolicy, serviceNetworkAuthPolicy } from "./iam";
import { LatticePlan, latticePlan } from "./plan";
import { retentionTag } from "../../../model/log-retention";

/** Days of Lattice access logs kept, as for the tasks' own logs. */
const ACCESS_LOG_RETENTION_DAYS = 30;

export interface LatticeMeshArgs {
  /** The mesh description; this component renders its virtual services as VPC Lattice services. */
  model: MeshModel;
  vpcId: pulumi.Input<string>;
  /**
   * Route 53 private hosted zone where each Lattice service's name gets its CNAME, so that
   * applications keep calling the same names: the Cloud Map namespace's zone.
   */
  hostedZoneId: pulumi.Input<string>;
  /** The customer KMS key of the access logs' group. @default none */
  logsKmsKeyArn?: pulumi.Input<string>;
  tags?: Tags;
}

/**
 * The VPC Lattice data plane: a service network associated with the VPC, one Lattice service per
 * virtual service (listeners, rules with weighted target groups, access logs to CloudWatch Logs,
 * a CNAME for its name), the target groups ECS registers tasks in, and the infrastructure role
 * ECS uses to do so.
 */
export class LatticeMesh extends MeshComponent {
  readonly serviceNetworkId: pulumi.Output<string>;
  /** Target group ARN by plan key (`<node>-<service>-<port>`). */
  readonly targetGroupArns: Record<string, pulumi.Output<string>>;
  /** The role ECS assumes to register tasks in Lattice target groups. */
  readonly infrastructureRoleArn: pulumi.Output<string>;
  /** The security group of the VPC association: who in the VPC may send to the service network. */
  readonly associationSecurityGroupId: pulumi.Output<string>;
  readonly plan: LatticePlan;
  private readonly serviceArns = new Map<string, pulumi.Output<string>>();
  private readonly networkArn: pulumi.Output<string>;
  private readonly model: MeshModel;

  constructor(name: string, args: LatticeMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("LatticeMesh", name, args.tags, opts);
    const m = args.model;
    this.model = m;
    const plan = (this.plan = latticePlan(m));
    const auth = m.lattice.auth === "iam" ? "AWS_IAM" : "NONE";

    const network = new aws.vpclattice.ServiceNetwork(this.child("network"), { name: plan.serviceNetwork, authType: auth, tags: this.tagged() }, this.opts());
    const sg = new aws.ec2.SecurityGroup(this.child("association-sg"), {
      namePrefix: taskNames(`${m.mesh.name}-lattice`).securityGroupNamePrefix,
      vpcId: args.vpcId,
      description: "Clients in the VPC that may send to the mesh's VPC Lattice service network; rules per caller",
      revokeRulesOnDelete: true,
      tags: this.tagged({}, `${m.mesh.name}-lattice`),
    }, this.opts());
    new aws.vpclattice.ServiceNetworkVpcAssociation(this.child("vpc"), {
      serviceNetworkIdentifier: network.id, vpcIdentifier: args.vpcId, securityGroupIds: [sg.id], tags: this.tagged(),
    }, this.opts());
    const retention = m.logs?.retentionDays ?? ACCESS_LOG_RETENTION_DAYS;
    const logs = new aws.cloudwatch.LogGroup(this.child("access-logs"), {
      name: latticeAccessLogGroup(m.mesh.name), retentionInDays: retention, kmsKeyId: args.logsKmsKeyArn, tags: this.tagged(retentionTag(retention)),
    }, this.opts());

    const role = new aws.iam.Role(this.child("ecs-infrastructure-role"), {
      namePrefix: taskNames(`${m.mesh.name}-lattice`).executionRoleNamePrefix.replace(/exec-$/, "ecs-"),
      assumeRolePolicy: aws.getCallerIdentityOutput({}, { parent: this }).accountId.apply((a) => JSON.stringify(ecsInfrastructureTrust(a))),
      description: "ECS registers the mesh's tasks in its VPC Lattice target groups",
      tags: this.tagged(),
    }, this.opts());
    new aws.iam.RolePolicyAttachment(this.child("ecs-infrastructure-policy"), { role: role.name, policyArn: LATTICE_INFRASTRUCTURE_POLICY_ARN }, this.opts());

    const targetGroups = new Map(plan.targetGroups.map((t) => [t.key, new aws.vpclattice.TargetGroup(this.child(`targets-${t.key}`), {
      name: t.name,
      // Fargate tasks register by IP (awsvpc).
      type: "IP",
      config: { port: t.port, protocol: "HTTP", protocolVersion: t.protocolVersion, vpcIdentifier: args.vpcId, ipAddressType: "IPV4", healthCheck: t.healthCheck },
      // Which service's tasks it holds, for people in the console and for `npm run routes`.
      tags: this.tagged({ "fargate-mesh:target": t.node }),
    }, this.opts())]));

    for (const s of plan.services) {
      const svc = new aws.vpclattice.Service(this.child(`service-${s.key}`), {
        name: s.name, customDomainName: s.customDomainName, authType: auth, tags: this.tagged({}, s.customDomainName),
      }, this.opts());
      this.serviceArns.set(s.key, svc.arn);
      new aws.vpclattice.ServiceNetworkServiceAssociation(this.child(`service-${s.key}-association`), {
        serviceIdentifier: svc.id, serviceNetworkIdentifier: network.id, tags: this.tagged(),
      }, this.opts());
      new aws.vpclattice.AccessLogSubscription(this.child(`service-${s.key}-access-logs`), {
        resourceIdentifier: svc.arn, destinationArn: logs.arn, tags: this.tagged(),
      }, this.opts());
      // The name applications call resolves to the Lattice service inside the VPC.
      new aws.route53.Record(this.child(`service-${s.key}-dns`), {
        zoneId: args.hostedZoneId, name: s.customDomainName, type: "CNAME", ttl: 300,
        records: [svc.dnsEntries.apply((d) => d?.[0]?.domainName ?? "")],
      }, this.opts());
      for (const l of s.listeners) {
        const listener = new aws.vpclattice.Listener(this.child(`listener-${s.key}-${l.port}`), {
          name: l.name, serviceIdentifier: svc.id, protocol: "HTTP", port: l.port,
          // A router's requests that no rule matches get 404, as an Envoy without a route answers.
          defaultAction: l.defaultTarget
            ? { forwards: [{ targetGroups: [{ targetGroupIdentifier: targetGroups.get(l.defaultTarget)!.id, weight: 100 }] }] }
            : { fixedResponse: { statusCode: 404 } },
          tags: this.tagged(),
        }, this.opts());
        for (const r of l.rules)
          new aws.vpclattice.ListenerRule(this.child(`rule-${s.key}-${l.port}-${r.key}`), {
            name: r.name, serviceIdentifier: svc.id, listenerIdentifier: listener.listenerId, priority: r.priority,
            match: r.match,
            action: { forward: { targetGroups: r.targets.map((t) => ({ targetGroupIdentifier: targetGroups.get(t.targetGroup)!.id, weight: t.weight })) } },
            tags: this.tagged(),
          }, this.opts());
      }
    }

    this.serviceNetworkId = network.id;
    this.networkArn = network.arn;
    this.targetGroupArns = Object.fromEntries([...targetGroups].map(([k, t]) => [k, t.arn]));
    this.infrastructureRoleArn = role.arn;
    this.associationSecurityGroupId = sg.id;
    this.registerOutputs({ serviceNetworkId: this.serviceNetworkId, infrastructureRoleArn: this.infrastructureRoleArn });
  }

  /** The ARN of the Lattice service of virtual service `key`. */
  serviceArn(key: string): pulumi.Output<string> {
    return this.serviceArns.get(key)!;
  }

  /**
   * With `lattice.auth: iam`: the service network admits each caller's task role on the services
   * it calls, and each service's auth policy allows only its declared callers. Both are needed:
   * AWS checks the network's policy and then the service's, and denies all without them. Called
   * once the callers' roles exist.
   */
  authorize(taskRoleArns: (caller: string) => pulumi.Input<string>): void {
    if (this.model.lattice.auth !== "iam") return;
    for (const s of this.plan.services)
      new aws.vpclattice.AuthPolicy(this.child(`service-${s.key}-auth`), {
        resourceIdentifier: this.serviceArns.get(s.key)!,
        policy: pulumi.all([this.serviceArns.get(s.key)!, ...s.callers.map(taskRoleArns)]).apply(([arn, ...roles]) => JSON.stringify(latticeAuthPolicy(arn, roles))),
      }, this.opts());
    const callers = [...new Set(this.plan.services.flatMap((s) => s.callers))].sort();
    const grants = callers.map((c) => pulumi.all([taskRoleArns(c), ...this.plan.services.filter((s) => s.callers.includes(c)).map((s) => this.serviceArns.get(s.key)!)])
      .apply(([principal, ...serviceArns]) => ({ principal, serviceArns })));
    new aws.vpclattice.AuthPolicy(this.child("network-auth"), {
      resourceIdentifier: this.networkArn,
      policy: pulumi.all(grants).apply((g) => JSON.stringify(serviceNetworkAuthPolicy(g))),
    }, this.opts());
  }
}
