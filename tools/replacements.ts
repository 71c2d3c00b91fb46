/**
 * Inputs whose change makes AWS (and so Pulumi) replace a resource instead of updating it, for
 * the types fargate-mesh creates. From the AWS APIs: these properties have no Update call
 * (the Terraform provider marks them ForceNew). "*" means every input: task definitions are
 * immutable, each change is a new revision.
 */
export const REPLACING_INPUTS: Record<string, string[]> = {
  "aws:ecs/taskDefinition:TaskDefinition": ["*"],
  "aws:appmesh/mesh:Mesh": ["name"],
  "aws:appmesh/virtualNode:VirtualNode": ["name", "meshName"],
  "aws:appmesh/virtualService:VirtualService": ["name", "meshName"],
  "aws:appmesh/virtualRouter:VirtualRouter": ["name", "meshName"],
  "aws:appmesh/route:Route": ["name", "meshName", "virtualRouterName"],
  "aws:appmesh/virtualGateway:VirtualGateway": ["name", "meshName"],
  "aws:appmesh/gatewayRoute:GatewayRoute": ["name", "meshName", "virtualGatewayName"],
  "aws:ecs/cluster:Cluster": ["name"],
  "aws:ecs/service:Service": ["name", "cluster", "launchType", "serviceRegistries"],
  "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": ["name", "vpc"],
  "aws:servicediscovery/service:Service": ["name", "namespaceId", "dnsConfig.namespaceId", "healthCheckCustomConfig"],
  "aws:servicediscovery/instance:Instance": ["instanceId", "serviceId", "attributes"],
  "aws:cloudwatch/logGroup:LogGroup": ["name"],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "vpcId", "description"],
  "aws:lb/loadBalancer:LoadBalancer": ["name", "internal", "loadBalancerType"],
  "aws:lb/targetGroup:TargetGroup": ["name", "port", "protocol", "targetType", "vpcId"],
  "aws:iam/role:Role": ["name", "path"],
  "aws:iam/rolePolicy:RolePolicy": ["name", "role"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
  "awsx:ec2:Vpc": ["cidrBlock"],
  "aws:vpclattice/serviceNetwork:ServiceNetwork": ["name"],
  "aws:vpclattice/serviceNetworkVpcAssociation:ServiceNetworkVpcAssociation": ["serviceNetworkIdentifier", "vpcIdentifier"],
  "aws:vpclattice/serviceNetworkServiceAssociation:ServiceNetworkServiceAssociation": ["serviceIdentifier", "serviceNetworkIdentifier"],
  // A custom domain name cannot change after creation: a rename replaces the service.
  "aws:vpclattice/service:Service": ["name", "customDomainName", "certificateArn"],
  "aws:vpclattice/listener:Listener": ["name", "port", "protocol", "serviceIdentifier", "serviceArn"],
  // Match, action and priority update in place (UpdateRule): a weight change restarts nothing.
  "aws:vpclattice/listenerRule:ListenerRule": ["name", "listenerIdentifier", "serviceIdentifier"],
  "aws:vpclattice/targetGroup:TargetGroup": ["name", "type", "config.port", "config.protocol", "config.protocolVersion", "config.vpcIdentifier", "config.ipAddressType"],
  "aws:vpclattice/accessLogSubscription:AccessLogSubscription": ["resourceIdentifier"],
  "aws:vpclattice/authPolicy:AuthPolicy": ["resourceIdentifier"],
  "aws:route53/record:Record": ["name", "type", "zoneId"],
};

/** The changed paths that force a replacement, or undefined when the type is not in the table. */
export function replacingPaths(type: string, changedPaths: string[]): string[] | undefined {
  const rule = REPLACING_INPUTS[type];
  if (!rule) return undefined;
  if (rule.includes("*")) return changedPaths;
  return changedPaths.filter((p) => rule.some((r) => p === r || p.startsWith(`${r}.`) || p.startsWith(`${r}[`)));
}
