/**
 * The floor `npm run bench` compares the offline plan with: the same N-service mesh
 * (bench-mesh.ts) registered with plain @pulumi/aws calls, one resource for each one the plan
 * registers on the envoy data plane, under the same mocks, and with no components, no validation
 * and no generated Envoy configuration beyond a bootstrap of the same shape. What the plan costs
 * above it is what fargate-mesh itself adds; what it costs is what the Pulumi SDK costs.
 * Run as a whole process, as bench-plan.ts is: prints `resources=<count>`.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { scaledConfig } from "./bench-mesh";
import { installMocks, recordedResources, settle } from "./mocks";

installMocks("dev");

interface RawService { containers: Record<string, { image: string; ports?: number[] }>; backends?: string[] }
const topology = scaledConfig(Number(process.argv[2] ?? 4))["fargate-mesh:topology"];
const services = topology.services as Record<string, RawService>;
const routers = topology.routers as Record<string, { routes: Record<string, { targets: Record<string, number> }> }>;
const prefix = "floor";
const assumeTasks = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] });

const vpc = new awsx.ec2.Vpc(`${prefix}-vpc`, { cidrBlock: "10.0.0.0/16", numberOfAvailabilityZones: 2, natGateways: { strategy: "Single" } });
const flowLogs = new aws.cloudwatch.LogGroup(`${prefix}-flow-logs`, { retentionInDays: 30 });
const flowRole = new aws.iam.Role(`${prefix}-flow-logs-role`, { assumeRolePolicy: assumeTasks.replace("ecs-tasks", "vpc-flow-logs") });
new aws.iam.RolePolicy(`${prefix}-flow-logs-policy`, { role: flowRole.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }] }) });
new aws.ec2.FlowLog(`${prefix}-flow-log`, { vpcId: vpc.vpcId, trafficType: "ALL", logDestination: flowLogs.arn, iamRoleArn: flowRole.arn });
const cluster = new aws.ecs.Cluster(`${prefix}-cluster`, { settings: [{ name: "containerInsights", value: "enabled" }] });
const namespace = new aws.servicediscovery.PrivateDnsNamespace(`${prefix}-namespace`, { name: "colors.local", vpc: vpc.vpcId });

/** What a caller's Envoy reaches: a service, or the targets of a router's routes. */
const upstreams = (backend: string) => routers[backend]
  ? [...new Set(Object.values(routers[backend].routes).flatMap((r) => Object.keys(r.targets)))]
  : [backend];

/** An Envoy bootstrap of the generated one's shape: an outbound listener, a cluster per upstream. */
function bootstrap(backends: string[]) {
  const clusters = backends.flatMap(upstreams).map((u) => ({
    name: u, type: "STRICT_DNS", connect_timeout: "1s",
    load_assignment: { cluster_name: u, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: `${u}.colors.local`, port_value: 80 } } } }] }] },
  }));
  return JSON.stringify({
    admin: { address: { socket_address: { address: "127.0.0.1", port_value: 9901 } } },
    static_resources: {
      listeners: [{ name: "outbound", address: { socket_address: { address: "0.0.0.0", port_value: 15001 } }, filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", stat_prefix: "outbound",
        route_config: { virtual_hosts: backends.map((b) => ({ name: b, domains: [`${b}.colors.local`], routes: [{ match: { prefix: "/" }, route: { weighted_clusters: { clusters: upstreams(b).map((u) => ({ name: u, weight: 1 })) } } }] })) },
        http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } }],
      } }] }] }],
      clusters,
    },
  });
}

function task(name: string, containers: { name: string; image: string; port: number; command?: string[] }[]) {
  const logs = new aws.cloudwatch.LogGroup(`${prefix}-${name}-logs`, { retentionInDays: 30 });
  const execution = new aws.iam.Role(`${prefix}-${name}-execution-role`, { assumeRolePolicy: assumeTasks });
  new aws.iam.RolePolicy(`${prefix}-${name}-execution-policy`, { role: execution.id, policy: logs.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${arn}:*` }] })) });
  const role = new aws.iam.Role(`${prefix}-${name}-task-role`, { assumeRolePolicy: assumeTasks });
  const sg = new aws.ec2.SecurityGroup(`${prefix}-${name}-sg`, { vpcId: vpc.vpcId });
  new aws.vpc.SecurityGroupEgressRule(`${prefix}-${name}-egress-https`, { securityGroupId: sg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 });
  const definition = new aws.ecs.TaskDefinition(`${prefix}-${name}-task`, {
    family: name, cpu: "256", memory: "512", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"], taskRoleArn: role.arn, executionRoleArn: execution.arn,
    containerDefinitions: pulumi.jsonStringify(containers.map((c) => ({
      name: c.name, image: c.image, essential: true, user: c.command ? "1337" : undefined, command: c.command, portMappings: [{ containerPort: c.port }],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": logs.name, "awslogs-region": "us-east-1", "awslogs-stream-prefix": c.name } },
    }))),
  });
  return { sg, definition };
}

const envoyImage = "envoyproxy/envoy:v1.36.2";
const groups: Record<string, aws.ec2.SecurityGroup> = {};
for (const [name, svc] of Object.entries(services)) {
  const [app] = Object.values(svc.containers);
  const { sg, definition } = task(name, [
    { name: "app", image: app.image, port: app.ports?.[0] ?? 80 },
    { name: "envoy", image: envoyImage, port: 15000, command: ["--config-yaml", bootstrap(svc.backends ?? [])] },
  ]);
  groups[name] = sg;
  const registry = new aws.servicediscovery.Service(`${prefix}-namespace-${name}`, { name, dnsConfig: { namespaceId: namespace.id, routingPolicy: "MULTIVALUE", dnsRecords: [{ type: "A", ttl: 10 }] } });
  new aws.ecs.Service(`${prefix}-${name}-service`, { cluster: cluster.arn, taskDefinition: definition.arn, desiredCount: 1, launchType: "FARGATE",
    networkConfiguration: { subnets: vpc.privateSubnetIds, securityGroups: [sg.id] }, serviceRegistries: { registryArn: registry.arn } });
}
for (const router of Object.keys(routers)) new aws.servicediscovery.Service(`${prefix}-namespace-${router}`, { name: router, dnsConfig: { namespaceId: namespace.id, dnsRecords: [{ type: "A", ttl: 10 }] } });

const gateway = task("gateway", [{ name: "envoy", image: envoyImage, port: 8080, command: ["--config-yaml", bootstrap(Object.keys(routers))] }]);
groups.gateway = gateway.sg;
const nlbSg = new aws.ec2.SecurityGroup(`${prefix}-gateway-nlb-sg`, { vpcId: vpc.vpcId });
new aws.vpc.SecurityGroupIngressRule(`${prefix}-gateway-nlb-ingress`, { securityGroupId: nlbSg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 80, toPort: 80 });
new aws.vpc.SecurityGroupEgressRule(`${prefix}-gateway-nlb-to-gateway`, { securityGroupId: nlbSg.id, referencedSecurityGroupId: gateway.sg.id, ipProtocol: "tcp", fromPort: 8080, toPort: 8080 });
new aws.vpc.SecurityGroupIngressRule(`${prefix}-gateway-from-nlb`, { securityGroupId: gateway.sg.id, referencedSecurityGroupId: nlbSg.id, ipProtocol: "tcp", fromPort: 8080, toPort: 8080 });
const nlb = new aws.lb.LoadBalancer(`${prefix}-gateway-nlb`, { loadBalancerType: "network", subnets: vpc.publicSubnetIds, securityGroups: [nlbSg.id] });
const targets = new aws.lb.TargetGroup(`${prefix}-gateway-targets`, { port: 8080, protocol: "TCP", targetType: "ip", vpcId: vpc.vpcId });
new aws.lb.Listener(`${prefix}-gateway-listener`, { loadBalancerArn: nlb.arn, port: 80, protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: targets.arn }] });
new aws.ecs.Service(`${prefix}-gateway-service`, { cluster: cluster.arn, taskDefinition: gateway.definition.arn, desiredCount: 2, launchType: "FARGATE",
  networkConfiguration: { subnets: vpc.privateSubnetIds, securityGroups: [gateway.sg.id] }, loadBalancers: [{ targetGroupArn: targets.arn, containerName: "envoy", containerPort: 8080 }] });

// One rule pair per caller and upstream, as the plan's security groups allow each edge.
const gatewayTargets = Object.keys(routers).flatMap(upstreams).concat(Object.keys(services).filter((s) => !(services[s].backends ?? []).length).slice(0, 1));
const edges = [...Object.entries(services).flatMap(([from, s]) => (s.backends ?? []).flatMap(upstreams).map((to) => [from, to])), ...gatewayTargets.map((to) => ["gateway", to])];
for (const [from, to] of edges) {
  new aws.vpc.SecurityGroupEgressRule(`${prefix}-out-${from}-to-${to}-80`, { securityGroupId: groups[from].id, referencedSecurityGroupId: groups[to].id, ipProtocol: "tcp", fromPort: 80, toPort: 80 });
  new aws.vpc.SecurityGroupIngressRule(`${prefix}-in-${to}-from-${from}-80`, { securityGroupId: groups[to].id, referencedSecurityGroupId: groups[from].id, ipProtocol: "tcp", fromPort: 80, toPort: 80 });
}

settle().then(() => process.stdout.write(`resources=${recordedResources().length}\n`));
