// The SDK's modules one by one, not its index: the schema analyzer builds a TypeScript program
// of everything the entry point imports, and the index brings 342 files (a second of every start).
import { output, type Output } from "@pulumi/pulumi/output";
import { ComponentResource, type ComponentResourceOptions } from "@pulumi/pulumi/resource";
import type { MeshBuilder } from "./build-type";
import type { MeshArgs } from "./mesh-args";

/**
 * Required when a Mesh is built, not imported: the schema analyzer compiles every file the entry
 * point imports, and the loader and components bring zod's and @pulumi/aws's types, seconds of
 * every plugin start. build.ts's type annotation keeps this in step with the real functions.
 */
const builder = (): MeshBuilder => (require("./build") as { builder: MeshBuilder }).builder;

/**
 * A whole fargate-mesh (network, ECS cluster, Cloud Map namespace, data plane, services, gateway
 * behind its NLB) from its description, for programs in any language. It validates the
 * description as a stack file's is validated, all problems at once and before any resource is
 * registered, then builds FargateMesh. Name it `mesh` to get the resource names the stack files'
 * policy exceptions use (mesh-gateway-nlb).
 */
export class Mesh extends ComponentResource {
  /** http://<NLB DNS name>:<port>/, when the description has a gateway. */
  readonly url: Output<string | undefined>;
  /** The gateway NLB's DNS name, when the description has a gateway. */
  readonly nlbDnsName: Output<string | undefined>;
  /** The mesh's name with its environment (colors-dev). */
  readonly meshName: Output<string>;
  readonly clusterName: Output<string>;
  readonly clusterArn: Output<string>;
  /** The Cloud Map private DNS namespace's name (colors.local). */
  readonly namespace: Output<string>;
  readonly namespaceId: Output<string>;
  /** ECS service name by service key. */
  readonly serviceNames: Output<{ [service: string]: string }>;
  readonly vpcId: Output<string>;
  /** The NLB's subnets. */
  readonly publicSubnetIds: Output<string[]>;
  /** The tasks' subnets. */
  readonly privateSubnetIds: Output<string[]>;

  constructor(name: string, args: MeshArgs, opts?: ComponentResourceOptions) {
    // Before super: a bad description throws its ConfigError with nothing registered, not even this.
    const model = builder().validate(args);
    super("fargate-mesh:index:Mesh", name, {}, opts);
    const mesh = builder().build(name, model, { parent: this });
    this.url = mesh.url;
    this.nlbDnsName = mesh.nlbDnsName;
    this.meshName = mesh.meshName;
    this.clusterName = mesh.clusterName;
    this.clusterArn = mesh.clusterArn;
    this.namespace = output(model.namespace);
    this.namespaceId = mesh.namespaceId;
    this.serviceNames = mesh.serviceNames;
    this.vpcId = mesh.vpcId;
    this.publicSubnetIds = mesh.publicSubnetIds;
    this.privateSubnetIds = mesh.privateSubnetIds;
    this.registerOutputs({
      url: this.url, nlbDnsName: this.nlbDnsName, meshName: this.meshName, clusterName: this.clusterName, clusterArn: this.clusterArn,
      namespace: this.namespace, namespaceId: this.namespaceId, serviceNames: this.serviceNames, vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds,
    });
  }
}
