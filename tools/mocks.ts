/**
 * Pulumi runtime mocks that stand in for AWS during offline plans and tests. Every registered
 * resource is recorded with its parent and its inputs. Outputs that only exist after a real
 * deployment (ids, ARNs' account, DNS names) are returned as `{unknown:<resource>.<output>}`
 * markers, so a plan shows both that a value is unknown and which resource it comes from.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  /** The parent's type and name, or null for a top-level resource. */
  parent: { type: string; name: string } | null;
  /** Inputs as registered (with dependencies resolved to the mock's outputs). */
  inputs: Record<string, unknown>;
  custom: boolean;
  /** Properties `pulumi up` leaves as they are in the cloud (the resource's ignoreChanges option). */
  ignoreChanges: string[];
}

let recorded: RecordedResource[] = [];
let region = "us-east-1";

export const unknown = (resource: string, output: string) => `{unknown:${resource}.${output}}`;
export const ACCOUNT = "{unknown:account}";

export function resetRecording(forRegion?: string): void {
  recorded = [];
  if (forRegion) region = forRegion;
}
export function recordedResources(): RecordedResource[] {
  return recorded.filter((r) => !r.type.startsWith("pulumi:providers:"));
}

/** Outputs a real deployment would compute, by resource type. */
function computed(type: string, name: string, inputs: any): Record<string, unknown> {
  const id = unknown(name, "id");
  const arnOf = (svc: string, path: string) => `arn:aws:${svc}:${region}:${ACCOUNT}:${path}`;
  const mesh = inputs.meshName;
  switch (type) {
    case "aws:appmesh/mesh:Mesh": return { arn: arnOf("appmesh", `mesh/${inputs.name}`) };
    case "aws:appmesh/virtualNode:VirtualNode": return { arn: arnOf("appmesh", `mesh/${mesh}/virtualNode/${inputs.name}`) };
    case "aws:appmesh/virtualService:VirtualService": return { arn: arnOf("appmesh", `mesh/${mesh}/virtualService/${inputs.name}`) };
    case "aws:appmesh/virtualRouter:VirtualRouter": return { arn: arnOf("appmesh", `mesh/${mesh}/virtualRouter/${inputs.name}`) };
    case "aws:appmesh/route:Route": return { arn: arnOf("appmesh", `mesh/${mesh}/virtualRouter/${inputs.virtualRouterName}/route/${inputs.name}`) };
    case "aws:appmesh/virtualGateway:VirtualGateway": return { arn: arnOf("appmesh", `mesh/${mesh}/virtualGateway/${inputs.name}`) };
    case "aws:appmesh/gatewayRoute:GatewayRoute": return { arn: arnOf("appmesh", `mesh/${mesh}/virtualGateway/${inputs.virtualGatewayName}/gatewayRoute/${inputs.name}`) };
    case "aws:cloudwatch/logGroup:LogGroup": return { arn: arnOf("logs", `log-group:${inputs.name ?? unknown(name, "name")}`) };
    case "aws:iam/role:Role": return { arn: `arn:aws:iam::${ACCOUNT}:role/${unknown(name, "name")}`, name: unknown(name, "name") };
    case "aws:ecs/cluster:Cluster": return { arn: arnOf("ecs", `cluster/${inputs.name}`) };
    case "aws:ecs/taskDefinition:TaskDefinition": return { arn: arnOf("ecs", `task-definition/${inputs.family}:${unknown(name, "revision")}`) };
    case "aws:servicediscovery/service:Service": return { arn: arnOf("servicediscovery", `service/${id}`) };
    case "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": return { arn: arnOf("servicediscovery", `namespace/${id}`), hostedZone: unknown(name, "hostedZone") };
    case "aws:lb/loadBalancer:LoadBalancer": return { arn: arnOf("elasticloadbalancing", `loadbalancer/net/${name}`), dnsName: unknown(name, "dnsName") };
    case "aws:lb/targetGroup:TargetGroup": return { arn: arnOf("elasticloadbalancing", `targetgroup/${name}`) };
    case "aws:vpclattice/serviceNetwork:ServiceNetwork": return { arn: arnOf("vpc-lattice", `servicenetwork/${id}`) };
    case "aws:vpclattice/service:Service": return { arn: arnOf("vpc-lattice", `service/${id}`), dnsEntries: [{ domainName: unknown(name, "dnsEntries[0].domainName"), hostedZoneId: unknown(name, "dnsEntries[0].hostedZoneId") }] };
    case "aws:vpclattice/targetGroup:TargetGroup": return { arn: arnOf("vpc-lattice", `targetgroup/${id}`) };
    case "aws:appconfig/application:Application": return { arn: arnOf("appconfig", `application/${id}`) };
    case "aws:appconfig/environment:Environment": return { environmentId: unknown(name, "environmentId") };
    case "aws:appconfig/configurationProfile:ConfigurationProfile": return { configurationProfileId: unknown(name, "configurationProfileId") };
    case "aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion": return { versionNumber: unknown(name, "versionNumber") };
    case "aws:kms/key:Key": return { arn: arnOf("kms", `key/${id}`), keyId: id };
    case "aws:vpclattice/listener:Listener": return { arn: arnOf("vpc-lattice", `service/listener/${id}`), listenerId: unknown(name, "listenerId") };
    case "awsx:ec2:Vpc": {
      const azs = inputs.numberOfAvailabilityZones ?? 2;
      const ids = (kind: string) => Array.from({ length: azs }, (_, i) => unknown(name, `${kind}SubnetIds[${i}]`));
      return { vpcId: unknown(name, "vpcId"), publicSubnetIds: ids("public"), privateSubnetIds: ids("private"), isolatedSubnetIds: [] };
    }
    default: return {};
  }
}

/** Exported for the component plugin's tests, which serve them to a plugin process as its resource monitor. */
export const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    return { id: args.custom === false ? undefined : unknown(args.name, "id"), state: { ...args.inputs, ...computed(args.type, args.name, args.inputs) } };
  },
  call(args) {
    if (args.token === "aws:index/getRegion:getRegion") return { name: region, region, id: region };
    if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: ACCOUNT, arn: ACCOUNT, userId: ACCOUNT };
    if (args.token === "aws:index/getPartition:getPartition") return { partition: "aws", dnsSuffix: "amazonaws.com" };
    if (args.token === "aws:ec2/getRouteTable:getRouteTable") return { id: unknown(`route-table of ${args.inputs.subnetId}`, "id"), routeTableId: unknown(`route-table of ${args.inputs.subnetId}`, "id") };
    if (args.token === "aws:ec2/getManagedPrefixList:getManagedPrefixList") return { id: unknown(`prefix-list ${args.inputs.name}`, "id"), name: args.inputs.name };
    return {};
  },
};

/** `urn:pulumi:stack::project::a$b$type::name` -> { type, name } */
function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  return { type: parts[2].split("$").pop()!, name: parts.slice(3).join("::") };
}

/**
 * Installs the mocks (not a preview: applies run, so wiring is visible) and wraps the mock
 * monitor so that each registration is recorded with its parent.
 */
export function installMocks(stack = "test", project = "fargate-mesh"): void {
  pulumi.runtime.setMocks(mocks, project, stack, false);
  const monitor: any = pulumi.runtime.getMonitor();
  const rpc = require("@pulumi/pulumi/runtime/rpc");
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: any) => {
    const parentUrn: string = req.getParent();
    const entry: RecordedResource = {
      type: req.getType(), name: req.getName(), urn: "",
      parent: parentUrn ? parseUrn(parentUrn) : null,
      inputs: rpc.deserializeProperties(req.getObject()), custom: req.getCustom(),
      ignoreChanges: req.getIgnorechangesList?.() ?? [],
    };
    recorded.push(entry);
    original(req, (err: unknown, resp: any) => {
      if (resp) entry.urn = resp.getUrn();
      callback(err, resp);
    });
  };
}

/** Waits until every registration the program started has reached the mock monitor. */
export async function settle(): Promise<void> {
  const settings = require("@pulumi/pulumi/runtime/settings");
  await settings.waitForRPCs();
}
