import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { names } from "../model/names";
import type { MeshModel } from "../model/types";
import { MeshComponent, Tags } from "./base";

export interface NamespaceArgs {
  /** The private DNS namespace, e.g. colors.local. */
  name: string;
  vpcId: pulumi.Input<string>;
  /** Cloud Map services that ECS tasks register in (A records, multivalue answers). */
  services: string[];
  /**
   * Names that must resolve although no task registers under them (a router's virtual service),
   * each answered with a placeholder address: Envoy intercepts the connection anyway.
   */
  placeholders?: { service: string; ip: string }[];
  tags?: Tags;
}

/** What the Namespace component needs from a model. */
export function namespacePlan(model: MeshModel): Pick<NamespaceArgs, "name" | "services" | "placeholders"> {
  // On VPC Lattice tasks register in target groups and each name is a CNAME to its Lattice service.
  if (model.dataPlane === "lattice") return { name: model.namespace, services: [], placeholders: [] };
  const services = [...new Set(model.nodes.map((n) => n.registration?.cloudMapService).filter((s): s is string => !!s))];
  const placeholders = model.routers.filter((r) => r.dns.placeholderIp).map((r) => ({ service: r.dns.cloudMapService, ip: r.dns.placeholderIp! }));
  return { name: model.namespace, services, placeholders };
}

/** The Cloud Map private DNS namespace and its services. */
export class Namespace extends MeshComponent {
  readonly namespaceId: pulumi.Output<string>;
  readonly namespaceArn: pulumi.Output<string>;
  /** The Route 53 private hosted zone behind the namespace. */
  readonly hostedZoneId: pulumi.Output<string>;
  /** Cloud Map service ARN by service name, for ECS serviceRegistries. */
  readonly serviceArns: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: NamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("Namespace", name, args.tags, opts);
    const ns = new aws.servicediscovery.PrivateDnsNamespace(this.child("namespace"), {
      name: args.name, vpc: args.vpcId, description: `fargate-mesh namespace ${args.name}`, tags: this.tagged(),
    }, this.opts());
    // ECS registers tasks with custom health status; a placeholder has no health to report.
    const service = (svc: string, ecsManaged: boolean) => new aws.servicediscovery.Service(this.child(svc), {
      name: svc,
      dnsConfig: {
        namespaceId: ns.id,
        // Every healthy task answers; a short TTL keeps clients current through deployments.
        routingPolicy: "MULTIVALUE",
        dnsRecords: [{ type: "A", ttl: 10 }],
      },
      // ECS reports task health to Cloud Map through a custom health check. The threshold is
      // written out: AWS always stores 1, and the provider drops an empty block on create and
      // then shows it as a change (which forces replacement) on every later update.
      ...(ecsManaged ? { healthCheckCustomConfig: { failureThreshold: 1 } } : {}),
      forceDestroy: true,
      tags: this.tagged(),
    }, this.opts());
    const arns: Record<string, pulumi.Output<string>> = {};
    for (const svc of args.services) arns[svc] = service(svc, true).arn;
    for (const p of args.placeholders ?? []) {
      const s = service(p.service, false);
      new aws.servicediscovery.Instance(this.child(`${p.service}-placeholder`), {
        instanceId: names.placeholderInstance(p.service), serviceId: s.id, attributes: { AWS_INSTANCE_IPV4: p.ip },
      }, this.opts());
    }
    this.namespaceId = ns.id;
    this.namespaceArn = ns.arn;
    this.hostedZoneId = ns.hostedZone;
    this.serviceArns = pulumi.all(arns);
    this.registerOutputs({ namespaceId: this.namespaceId, serviceArns: this.serviceArns });
  }
}
