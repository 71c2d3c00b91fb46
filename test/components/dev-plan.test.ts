import { strict as assert } from "assert";
import { ACCOUNT } from "../../tools/mocks";
import { CANARY } from "../helpers";
import type { Plan } from "../../tools/plan-core";
import { APP_HEALTH_CONTAINER, appMeshAppHealthCheck } from "../../components/dataplanes/appmesh/app-health";
import { containers, named, ofType, onDataPlane, planOf, policy, typeCounts } from "./plan-helpers";

const NODES = ["red", "blue", "green", "yellow"];
const nodeArn = (n: string) => `arn:aws:appmesh:us-east-1:${ACCOUNT}:mesh/colors-dev/virtualNode/${n}`;

describe("plan of the dev stack on the App Mesh data plane", () => {
  let plan: Plan;
  before(async () => { plan = await planOf("dev", "appmesh"); });

  it("creates exactly this set of resources", () => {
    assert.deepEqual(typeCounts(plan), {
      "fargate-mesh:index:FargateMesh": 1, "fargate-mesh:index:Network": 1, "fargate-mesh:index:Namespace": 1,
      "fargate-mesh:index:AppMesh": 1, "fargate-mesh:index:MeshedService": 4, "fargate-mesh:index:MeshGateway": 1,
      "awsx:ec2:Vpc": 1, "aws:ecs/cluster:Cluster": 1,
      "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": 1, "aws:servicediscovery/service:Service": 5,
      "aws:servicediscovery/instance:Instance": 1,
      "aws:appmesh/mesh:Mesh": 1, "aws:appmesh/virtualNode:VirtualNode": 4, "aws:appmesh/virtualService:VirtualService": 3,
      "aws:appmesh/virtualRouter:VirtualRouter": 1, "aws:appmesh/route:Route": 1,
      "aws:appmesh/virtualGateway:VirtualGateway": 1, "aws:appmesh/gatewayRoute:GatewayRoute": 2,
      "aws:cloudwatch/logGroup:LogGroup": 6, "aws:iam/role:Role": 11, "aws:iam/rolePolicy:RolePolicy": 11, "aws:ec2/flowLog:FlowLog": 1,
      "aws:ec2/securityGroup:SecurityGroup": 6,
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 8, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": 12,
      "aws:ecs/taskDefinition:TaskDefinition": 5, "aws:ecs/service:Service": 5,
      "aws:lb/loadBalancer:LoadBalancer": 1, "aws:lb/targetGroup:TargetGroup": 1, "aws:lb/listener:Listener": 1,
      "aws:appautoscaling/target:Target": 1, "aws:appautoscaling/policy:Policy": 1,
    });
  });

  it("parents every resource to a component of this package", () => {
    for (const r of plan.resources) {
      if (r.name === "mesh") assert.equal(r.parent, null);
      else assert.match(r.parent!.type, /^fargate-mesh:index:/, r.name);
    }
  });

  it("logs the VPC's traffic to a log group that only the flow-log role may write", () => {
    const flow = named(plan, "mesh-network-flow-log").inputs as any;
    assert.deepEqual([flow.vpcId, flow.trafficType, flow.logDestinationType], ["{unknown:mesh-network-vpc.vpcId}", "ALL", "cloud-watch-logs"]);
    const logs = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/vpc/colors-dev/flow-logs`;
    assert.equal(flow.logDestination, logs);
    assert.deepEqual(policy(named(plan, "mesh-network-flow-logs-policy")).Statement[0].Resource, [logs, `${logs}:*`]);
    // Only this account's flow logs in this region (the service sets aws:SourceArn to the flow log's ARN).
    const trust = JSON.parse(named(plan, "mesh-network-flow-logs-role").inputs.assumeRolePolicy as string);
    assert.deepEqual(trust.Statement[0].Condition, {
      StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc-flow-log/*` },
    });
  });

  it("builds a VPC with public and private subnets, DNS on, one NAT", () => {
    const vpc = named(plan, "mesh-network-vpc").inputs as any;
    assert.deepEqual([vpc.cidrBlock, vpc.numberOfAvailabilityZones, vpc.enableDnsSupport, vpc.enableDnsHostnames, vpc.natGateways.strategy],
      ["10.0.0.0/16", 2, true, true, "Single"]);
    assert.deepEqual(vpc.subnetSpecs.map((s: any) => s.type), ["Public", "Private"]);
  });

  it("turns Container Insights on for the cluster", () => {
    assert.deepEqual(named(plan, "mesh-cluster").inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
  });

  it("gives ECS-registered Cloud Map services an explicit health threshold, and the placeholder none", () => {
    // An empty healthCheckCustomConfig is dropped by the provider on create and then diffs
    // (forcing replacement) on every update; AWS always stores a threshold of 1.
    for (const n of NODES)
      assert.deepEqual(named(plan, `mesh-namespace-${n}`).inputs.healthCheckCustomConfig, { failureThreshold: 1 }, n);
    assert.equal(named(plan, "mesh-namespace-router").inputs.healthCheckCustomConfig, undefined);
  });

  for (const node of NODES) {
    describe(`service ${node}`, () => {
      it("has an APPMESH proxy configuration whose IgnoredUID is Envoy's user and AppPorts the listener ports", () => {
        const task = named(plan, `mesh-${node}-task`).inputs as any;
        assert.deepEqual(task.proxyConfiguration, {
          type: "APPMESH", containerName: "envoy",
          properties: { IgnoredUID: "1337", ProxyIngressPort: "15000", ProxyEgressPort: "15001", AppPorts: "80", EgressIgnoredIPs: "169.254.170.2,169.254.169.254" },
        });
        assert.deepEqual([task.networkMode, task.requiresCompatibilities, task.cpu, task.memory], ["awsvpc", ["FARGATE"], "256", "512"]);
        const roles = [task.executionRoleArn, task.taskRoleArn];
        assert.equal(new Set(roles).size, 2, "execution and task roles differ");
      });

      it("runs the app after a LIVE Envoy that streams this node's configuration", () => {
        const [app, envoy] = containers(named(plan, `mesh-${node}-task`));
        assert.equal(app.name, "app");
        assert.deepEqual(app.dependsOn, [{ containerName: "envoy", condition: "HEALTHY" }]);
        assert.deepEqual(app.portMappings, [{ containerPort: 80, protocol: "tcp" }]);
        assert.deepEqual(app.environment, [{ name: "COLOR", value: node }]);
        assert.equal(envoy.user, "1337");
        assert.equal(envoy.essential, true);
        assert.equal(envoy.image, "840364872350.dkr.ecr.us-east-1.amazonaws.com/aws-appmesh-envoy:v1.29.12.1-prod");
        const env = Object.fromEntries(envoy.environment.map((e: any) => [e.name, e.value]));
        assert.equal(env.APPMESH_RESOURCE_ARN, nodeArn(node));
        assert.equal(env.ENVOY_LOG_LEVEL, "debug");
        assert.ok(Number(env.LISTENER_DRAIN_WAIT_TIME_S) < envoy.stopTimeout);
        assert.equal(envoy.healthCheck.command[1], "curl -s http://localhost:9901/server_info | grep state | grep -q LIVE");
        for (const c of [app, envoy]) {
          assert.equal(c.logConfiguration.logDriver, "awslogs");
          assert.equal(c.logConfiguration.options["awslogs-group"], `/ecs/colors-dev/${node}`);
        }
      });

      it("carries the application's health to ECS: an essential app-health container probes the listener's check on localhost", () => {
        const defs = containers(named(plan, `mesh-${node}-task`));
        assert.deepEqual(defs.map((c) => c.name), ["app", "envoy", APP_HEALTH_CONTAINER]);
        const [app, envoy, health] = defs;
        assert.deepEqual([health.essential, health.image, health.user, health.readonlyRootFilesystem], [true, envoy.image, envoy.user, true]);
        assert.deepEqual(health.dependsOn, [{ containerName: app.name, condition: "START" }], "starts after the app, so ECS stops it first");
        // The model's own listener check, as this plane renders it (HTTP GET of the listener's path).
        const m = plan.model.nodes.find((n) => n.key === node)!;
        assert.deepEqual(health.healthCheck, appMeshAppHealthCheck(m));
        assert.match(health.healthCheck.command[3], new RegExp(`/dev/tcp/127\\.0\\.0\\.1/${m.listeners[0].port} .*GET %s HTTP/1\\.1.*'${m.listeners[0].healthCheck.path}'`));
        assert.equal(health.healthCheck.startPeriod, m.task.startPeriod);
        assert.equal(health.logConfiguration.options["awslogs-group"], `/ecs/colors-dev/${node}`);
        // Application failures reach the deployment circuit breaker.
        assert.deepEqual((named(plan, `mesh-${node}-service`, "aws:ecs/service:Service").inputs as any).deploymentCircuitBreaker, { enable: true, rollback: true });
      });

      it("lets the task role stream only its own node's configuration", () => {
        assert.deepEqual(policy(named(plan, `mesh-${node}-task-policy`)).Statement, [
          { Sid: "StreamOwnMeshConfig", Effect: "Allow", Action: ["appmesh:StreamAggregatedResources"], Resource: [nodeArn(node)] },
        ]);
        // Named permissions instead of AmazonECSTaskExecutionRolePolicy (ECR and logs on *).
        const logs = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ecs/colors-dev/${node}`;
        assert.deepEqual(policy(named(plan, `mesh-${node}-execution-policy`)).Statement, [
          { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logs}:*`] },
          { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: ["*"] },
          { Sid: "PullOwnImages", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: ["arn:aws:ecr:us-east-1:840364872350:repository/aws-appmesh-envoy"] },
        ]);
        // Task and execution roles: only this account's ECS tasks in this region (ECS sets aws:SourceArn to the task's ARN).
        for (const role of [`mesh-${node}-task-role`, `mesh-${node}-execution-role`]) {
          const trust = JSON.parse(named(plan, role).inputs.assumeRolePolicy as string);
          assert.deepEqual(trust.Statement[0].Condition, {
            StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:ecs:us-east-1:${ACCOUNT}:*` },
          }, role);
        }
      });

      it("runs in private subnets without a public IP, registered in Cloud Map, with rollback", () => {
        const svc = named(plan, `mesh-${node}-service`, "aws:ecs/service:Service").inputs as any;
        assert.deepEqual(svc.networkConfiguration, {
          assignPublicIp: false, securityGroups: [`{unknown:mesh-${node}-sg.id}`],
          subnets: ["{unknown:mesh-network-vpc.privateSubnetIds[0]}", "{unknown:mesh-network-vpc.privateSubnetIds[1]}"],
        });
        assert.deepEqual(svc.serviceRegistries, { registryArn: `arn:aws:servicediscovery:us-east-1:${ACCOUNT}:service/{unknown:mesh-namespace-${node}.id}` });
        assert.deepEqual(svc.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.deepEqual([svc.launchType, svc.platformVersion, svc.name], ["FARGATE", "LATEST", node]);
        assert.equal(named(plan, `mesh-${node}-logs`).inputs.retentionInDays, 30);
      });
    });
  }

  it("opens each node's port only to its callers, and each caller's egress only to its backends", () => {
    const rules = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.parent!.name === "mesh");
    const edges = rules.map((r) => `${r.inputs.referencedSecurityGroupId} -> ${r.inputs.securityGroupId} :${r.inputs.fromPort}-${r.inputs.toPort}`).sort();
    const sg = (n: string) => `{unknown:mesh-${n}-sg.id}`;
    assert.deepEqual(edges, [
      `${sg("blue")} -> ${sg("green")} :80-80`, `${sg("blue")} -> ${sg("red")} :80-80`, `${sg("blue")} -> ${sg("yellow")} :80-80`,
      `${sg("gateway")} -> ${sg("blue")} :80-80`, `${sg("gateway")} -> ${sg("green")} :80-80`, `${sg("gateway")} -> ${sg("yellow")} :80-80`,
    ].sort());
    for (const r of ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
      assert.ok(r.inputs.description, `${r.name} has a description`);
      if (r.name !== "mesh-gateway-nlb-ingress") assert.equal(r.inputs.cidrIpv4, undefined, `${r.name} is not open to a CIDR`);
    }
  });

  it("puts the gateway behind an internet-facing NLB that reaches only the gateway port", () => {
    const lb = named(plan, "mesh-gateway-nlb").inputs as any;
    assert.deepEqual([lb.loadBalancerType, lb.internal, lb.enableCrossZoneLoadBalancing, lb.enableDeletionProtection], ["network", false, true, false]);
    assert.deepEqual(lb.subnets, ["{unknown:mesh-network-vpc.publicSubnetIds[0]}", "{unknown:mesh-network-vpc.publicSubnetIds[1]}"]);
    const tg = named(plan, "mesh-gateway-targets").inputs as any;
    assert.deepEqual([tg.port, tg.protocol, tg.targetType, tg.deregistrationDelay, tg.healthCheck.protocol], [8080, "TCP", "ip", 30, "TCP"]);
    const listener = named(plan, "mesh-gateway-listener").inputs as any;
    assert.deepEqual([listener.port, listener.protocol, listener.defaultActions[0].targetGroupArn], [80, "TCP", `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/mesh-gateway-targets`]);
    const out = named(plan, "mesh-gateway-nlb-to-gateway").inputs as any;
    assert.deepEqual([out.fromPort, out.toPort, out.referencedSecurityGroupId], [8080, 8080, "{unknown:mesh-gateway-sg.id}"]);
    const inbound = named(plan, "mesh-gateway-gateway-from-nlb").inputs as any;
    assert.deepEqual([inbound.securityGroupId, inbound.referencedSecurityGroupId, inbound.fromPort], ["{unknown:mesh-gateway-sg.id}", "{unknown:mesh-gateway-nlb-sg.id}", 8080]);
  });

  it("runs two Envoy-only gateway tasks in private subnets, registered with the target group", () => {
    const svc = named(plan, "mesh-gateway-service", "aws:ecs/service:Service").inputs as any;
    assert.equal(svc.desiredCount, 2);
    assert.equal(svc.networkConfiguration.assignPublicIp, false);
    assert.match(svc.networkConfiguration.subnets[0], /privateSubnetIds/);
    assert.deepEqual(svc.loadBalancers, [{ containerName: "envoy", containerPort: 8080, targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/mesh-gateway-targets` }]);
    const task = named(plan, "mesh-gateway-task").inputs as any;
    assert.equal(task.proxyConfiguration, undefined);
    const defs = containers(named(plan, "mesh-gateway-task"));
    assert.deepEqual(defs.map((c) => c.name), ["envoy"]);
    // It listens on 8080 behind the NLB's 80, so it needs no root: the Envoy UID, as in the sidecars.
    assert.equal(defs[0].user, "1337");
    assert.deepEqual(defs[0].portMappings, [{ containerPort: 8080, protocol: "tcp" }]);
    assert.deepEqual(policy(named(plan, "mesh-gateway-task-policy")).Statement[0].Resource,
      [`arn:aws:appmesh:us-east-1:${ACCOUNT}:mesh/colors-dev/virtualGateway/colors-dev-gateway`]);
  });

  it("renders the route with its weights and retry policy", () => {
    const route = named(plan, "mesh-appmesh-route-colors-color-route").inputs as any;
    assert.deepEqual([route.meshName, route.virtualRouterName, route.name], ["colors-dev", "colors", "color-route"]);
    assert.deepEqual(route.spec, {
      priority: 1,
      httpRoute: {
        action: { weightedTargets: [{ virtualNode: "green", weight: 50 }, { virtualNode: "yellow", weight: 50 }] },
        match: { prefix: "/", method: "GET", port: 80 },
        retryPolicy: { maxRetries: 2, perRetryTimeout: { value: 5, unit: "s" }, httpRetryEvents: ["stream-error", "gateway-error"], tcpRetryEvents: ["connection-error"] },
      },
    });
  });

  it("renders gateway routes to the router and to blue", () => {
    const spec = (k: string) => (named(plan, `mesh-appmesh-gateway-route-${k}`).inputs as any).spec;
    assert.deepEqual(spec("to-router"), { priority: 10, httpRoute: { action: { target: { virtualService: { virtualServiceName: "router.colors.local" } } }, match: { prefix: "/router" } } });
    assert.deepEqual(spec("to-blue").httpRoute.action.target.virtualService.virtualServiceName, "blue.colors.local");
  });

  it("renders nodes with listeners, health checks, outlier detection, Cloud Map discovery and backends", () => {
    const blue = (named(plan, "mesh-appmesh-node-blue").inputs as any).spec;
    assert.deepEqual(blue.serviceDiscovery, { awsCloudMap: { namespaceName: "colors.local", serviceName: "blue" } });
    assert.deepEqual(blue.backends, [{ virtualService: { virtualServiceName: "red.colors.local" } }, { virtualService: { virtualServiceName: "router.colors.local" } }]);
    assert.deepEqual(blue.listeners[0].portMapping, { port: 80, protocol: "http" });
    assert.equal(blue.listeners[0].healthCheck.path, "/healthcheck");
    assert.equal(blue.listeners[0].outlierDetection.maxServerErrors, 5);
    assert.deepEqual(blue.logging.accessLog.file.format.jsons[0], { key: "start", value: "%START_TIME%" });
    const mesh = named(plan, "mesh-appmesh-mesh").inputs as any;
    assert.deepEqual(mesh.spec, { egressFilter: { type: "DROP_ALL" } });
  });

  it("registers services in Cloud Map with A records, and resolves the router name through a placeholder", () => {
    const router = named(plan, "mesh-namespace-router").inputs as any;
    assert.deepEqual(router.dnsConfig, { namespaceId: "{unknown:mesh-namespace-namespace.id}", routingPolicy: "MULTIVALUE", dnsRecords: [{ type: "A", ttl: 10 }] });
    assert.deepEqual(named(plan, "mesh-namespace-router-placeholder").inputs.attributes, { AWS_INSTANCE_IPV4: "10.10.10.10" });
    assert.deepEqual(named(plan, "mesh-namespace-namespace").inputs.vpc, "{unknown:mesh-network-vpc.vpcId}");
  });

  it("every task of every stack that takes traffic has the app-health container, and only the gateway and client-only services lack it", async () => {
    for (const plan of [...await Promise.all(["dev", "staging", "prod"].map((s) => planOf(s, "appmesh"))), await planOf(CANARY, "appmesh")]) {
      const takesTraffic = new Set(plan.model.nodes.filter((n) => n.listeners.length).map((n) => n.task.family));
      assert.ok(takesTraffic.size > 0);
      for (const task of ofType(plan, "aws:ecs/taskDefinition:TaskDefinition")) {
        const health = containers(task).find((c) => c.name === APP_HEALTH_CONTAINER);
        const family = task.inputs.family as string;
        assert.equal(!!health, takesTraffic.has(family), `${plan.stack} ${family}`);
        if (health) assert.ok(health.essential && health.healthCheck.command[0] === "CMD", family);
      }
    }
  });

  it("tags every taggable cloud resource with the mesh and environment", () => {
    for (const r of plan.resources) {
      if (r.type.startsWith("fargate-mesh:") || !("tags" in r.inputs)) continue;
      const tags = r.inputs.tags as Record<string, string>;
      assert.equal(tags.environment, "dev", r.name);
      assert.equal(tags["fargate-mesh:mesh"], "colors-dev", r.name);
    }
    const untagged = plan.resources.filter((r) => !r.type.startsWith("fargate-mesh:") && !("tags" in r.inputs)).map((r) => r.type);
    assert.deepEqual([...new Set(untagged)].sort(), [
      "aws:appautoscaling/policy:Policy",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:servicediscovery/instance:Instance",
    ]);
  });

  it("exports the NLB's DNS name and URL, the mesh name and each service's name", () => {
    assert.deepEqual(plan.outputs, {
      nlbDnsName: "{unknown:mesh-gateway-nlb.dnsName}", url: "http://{unknown:mesh-gateway-nlb.dnsName}",
      meshName: "colors-dev", clusterName: "colors-dev",
      serviceNames: { red: "red", blue: "blue", green: "green", yellow: "yellow" },
    });
  });
});

describe("plan options that change the tasks (App Mesh data plane)", () => {
  it("ECS Exec turns on execute-command and adds only the SSM messages permissions", async () => {
    const plan = await planOf("dev", (c) => { onDataPlane("appmesh")(c); c["fargate-mesh:topology"].services.red.ecsExec = true; });
    assert.equal((named(plan, "mesh-red-service", "aws:ecs/service:Service").inputs as any).enableExecuteCommand, true);
    assert.equal((named(plan, "mesh-blue-service", "aws:ecs/service:Service").inputs as any).enableExecuteCommand, false);
    const sids = policy(named(plan, "mesh-red-task-policy")).Statement.map((s: any) => s.Sid);
    assert.deepEqual(sids, ["StreamOwnMeshConfig", "EcsExec"]);
  });

  it("X-Ray adds the daemon sidecar to every task and tracing to every Envoy", async () => {
    const plan = await planOf("dev", (c) => { onDataPlane("appmesh")(c); c["fargate-mesh:topology"].envoy.xray = true; });
    for (const n of NODES) {
      const defs = containers(named(plan, `mesh-${n}-task`));
      assert.deepEqual(defs.map((d) => d.name), ["app", "envoy", APP_HEALTH_CONTAINER, "xray-daemon"]);
      assert.ok(defs[1].environment.some((e: any) => e.name === "ENABLE_ENVOY_XRAY_TRACING" && e.value === "1"));
    }
  });
});
