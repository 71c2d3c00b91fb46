import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MeshModel } from "../../../model/types";
import { MeshComponent, Tags } from "../../base";
import * as specs from "./specs";

export interface AppMeshArgs {
  /** The mesh description; this component renders its mesh, nodes, services, routers and gateway. */
  model: Pick<MeshModel, "mesh" | "nodes" | "virtualServices" | "routers" | "gateway">;
  tags?: Tags;
}

/**
 * The App Mesh rendering of a model: one aws.appmesh resource per model element, with names
 * exactly as the model computed them. (App Mesh was discontinued by AWS on 2026-09-30; this
 * renderer is kept so the same model can be compared with its successors.)
 */
export class AppMesh extends MeshComponent {
  readonly meshName: pulumi.Output<string>;
  readonly meshArn: pulumi.Output<string>;
  /** Virtual node ARN by service key: what each Envoy streams its configuration for. */
  readonly nodeArns: pulumi.Output<Record<string, string>>;
  readonly gatewayArn: pulumi.Output<string | undefined>;
  readonly virtualServiceNames: pulumi.Output<string[]>;

  constructor(name: string, args: AppMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("AppMesh", name, args.tags, opts);
    const m = args.model;
    const mesh = new aws.appmesh.Mesh(this.child("mesh"), { name: m.mesh.name, spec: specs.meshSpec(m.mesh), tags: this.tagged() }, this.opts());
    const meshName = mesh.name;
    const common = { meshName, tags: this.tagged() };

    const nodes = new Map(m.nodes.map((n) => [n.key, new aws.appmesh.VirtualNode(this.child(`node-${n.key}`), {
      ...common, name: n.name, spec: specs.virtualNodeSpec(n),
    }, this.opts())]));
    const routers = new Map(m.routers.map((r) => [r.key, new aws.appmesh.VirtualRouter(this.child(`router-${r.key}`), {
      ...common, name: r.name, spec: specs.virtualRouterSpec(r),
    }, this.opts())]));
    for (const r of m.routers)
      for (const route of r.routes)
        new aws.appmesh.Route(this.child(`route-${r.key}-${route.key}`), {
          ...common, name: route.name, virtualRouterName: routers.get(r.key)!.name, spec: specs.routeSpec(route),
        }, this.opts({ dependsOn: route.targets.map((t) => nodes.get(t.node)!) }));

    const nodeName = (k: string) => m.nodes.find((n) => n.key === k)!.name;
    const routerName = (k: string) => m.routers.find((r) => r.key === k)!.name;
    const services = m.virtualServices.map((vs) => new aws.appmesh.VirtualService(this.child(`service-${vs.key}`), {
      ...common, name: vs.name, spec: specs.virtualServiceSpec(vs, nodeName, routerName),
    }, this.opts({ dependsOn: vs.provider.kind === "node" ? [nodes.get(vs.provider.node)!] : [routers.get(vs.provider.router)!] })));

    let gatewayArn: pulumi.Output<string | undefined> = pulumi.output(undefined);
    if (m.gateway) {
      const g = m.gateway;
      const gw = new aws.appmesh.VirtualGateway(this.child("gateway"), { ...common, name: g.name, spec: specs.virtualGatewaySpec(g) }, this.opts());
      for (const r of g.routes)
        new aws.appmesh.GatewayRoute(this.child(`gateway-route-${r.key}`), {
          ...common, name: r.name, virtualGatewayName: gw.name, spec: specs.gatewayRouteSpec(r),
        }, this.opts({ dependsOn: services }));
      gatewayArn = gw.arn;
    }

    this.meshName = meshName;
    this.meshArn = mesh.arn;
    this.nodeArns = pulumi.all(Object.fromEntries([...nodes].map(([k, n]) => [k, n.arn])));
    this.gatewayArn = gatewayArn;
    this.virtualServiceNames = pulumi.all(services.map((s) => s.name));
    this.registerOutputs({ meshName: this.meshName, meshArn: this.meshArn, nodeArns: this.nodeArns, gatewayArn: this.gatewayArn });
  }
}
