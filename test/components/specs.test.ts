import { strict as assert } from "assert";
import { gatewayRouteSpec, routeSpec, virtualNodeSpec } from "../../components/dataplanes/appmesh/specs";
import { envoyContainer } from "../../components/dataplanes/appmesh/sidecar";
import { appContainer, proxyConfiguration, xrayContainer } from "../../components/service/containers";
import { executionPolicy, secretsPolicy, taskPolicy } from "../../components/service/iam";
import { model, withChange } from "../helpers";

const ARN = "arn:aws:appmesh:us-east-1:111122223333:mesh/colors-dev/virtualNode/red";
const LOG = { group: "/ecs/colors-dev/red", region: "us-east-1" };

describe("App Mesh specs per protocol (pure)", () => {
  it("renders grpc and tcp routes under their own keys, tcp without a retry policy", () => {
    const m = model(withChange("dev", (t, e) => {
      t.routers.colors.listeners = [{ port: 80, protocol: "grpc" }, { port: 9000, protocol: "tcp" }];
      t.services.green.listeners = [{ port: 80, protocol: "grpc" }, { port: 9000, protocol: "tcp" }];
      t.services.green.containers.app.ports = [80, 9000];
      // Routes are the topology's: an environment may only change them (or add one marked environmentOnly).
      t.routers.colors.routes = {
        rpc: { protocol: "grpc", match: { serviceName: "colors.Color", methodName: "Get", port: 80 }, targets: { green: { weight: 1, port: 80 } } },
        raw: { protocol: "tcp", match: { port: 9000 }, targets: { green: { weight: 1, port: 9000 } } },
      };
      delete e.routers;
      t.services.yellow.virtualService = true;
    }));
    const [rpc, raw] = m.routers[0].routes;
    assert.deepEqual(routeSpec(rpc), {
      grpcRoute: {
        action: { weightedTargets: [{ virtualNode: "green", weight: 1, port: 80 }] },
        match: { serviceName: "colors.Color", methodName: "Get", port: 80 },
        retryPolicy: {
          maxRetries: 2, perRetryTimeout: { value: 5, unit: "s" }, httpRetryEvents: ["stream-error", "gateway-error"],
          tcpRetryEvents: ["connection-error"], grpcRetryEvents: ["cancelled", "unavailable"],
        },
      },
    });
    assert.deepEqual(routeSpec(raw), { tcpRoute: { action: { weightedTargets: [{ virtualNode: "green", weight: 1, port: 9000 }] }, match: { port: 9000 } } });
  });

  it("renders header matches, timeouts and TLS on a listener", () => {
    const m = model(withChange("dev", (t, e) => {
      e.dataPlane = "appmesh";
      t.routers.colors.routes["color-route"].match.headers = [{ name: "x-canary", exact: "1" }, { name: "x-id", range: { start: 1, end: 9 }, invert: true }];
      t.routers.colors.routes["color-route"].timeout = { perRequest: "5s" };
      t.services.red.listeners[0].tls = { mode: "STRICT", certificate: { acm: { certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/abc" } } };
      t.services.red.listeners[0].timeout = { idle: "300s" };
    }));
    const spec = routeSpec(m.routers[0].routes[0]) as any;
    assert.deepEqual(spec.httpRoute.match.headers, [{ name: "x-canary", match: { exact: "1" } }, { name: "x-id", invert: true, match: { range: { start: 1, end: 9 } } }]);
    assert.deepEqual(spec.httpRoute.timeout, { perRequest: { value: 5, unit: "s" } });
    const red = virtualNodeSpec(m.nodes[0]) as any;
    assert.deepEqual(red.listeners[0].tls, { mode: "STRICT", certificate: { acm: { certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/abc" } } });
    assert.deepEqual(red.listeners[0].timeout, { http: { idle: { value: 300, unit: "s" } } });
  });

  it("keeps a gateway route's prefix only when asked", () => {
    const m = model(withChange("dev", (t) => (t.gateway.routes["to-router"].keepPrefix = true)));
    assert.deepEqual((gatewayRouteSpec(m.gateway!.routes[0]) as any).httpRoute.action.rewrite, { prefix: { defaultPrefix: "DISABLED" } });
    assert.equal((gatewayRouteSpec(m.gateway!.routes[1]) as any).httpRoute.action.rewrite, undefined);
  });
});

/** The App Mesh data plane's task containers, as its sidecar puts them together. */
const nodeContainers = (node: any, envoy: any, arn: string, log: any) =>
  [...node.containers.map((c: any) => appContainer(c, log)), envoyContainer(envoy, arn, log), ...(envoy.xray ? [xrayContainer(envoy, log)] : [])];
const appMesh = (t: any, e: any) => { e.dataPlane = "appmesh"; };

describe("task definition pieces (pure)", () => {
  it("adds the X-Ray daemon, DogStatsD and stats tags when asked (App Mesh data plane)", () => {
    const m = model(withChange("dev", (t, e) => { appMesh(t, e); Object.assign(t.envoy, { xray: true, dogStatsd: { port: 8125 }, statsTags: true }); }));
    const defs = nodeContainers(m.nodes[0], m.envoy, ARN, LOG);
    assert.deepEqual(defs.map((c: any) => c.name), ["app", "envoy", "xray-daemon"]);
    const env = Object.fromEntries((defs[1] as any).environment.map((e: any) => [e.name, e.value]));
    assert.deepEqual([env.ENABLE_ENVOY_XRAY_TRACING, env.ENABLE_ENVOY_DOG_STATS, env.STATSD_PORT, env.ENABLE_ENVOY_STATS_TAGS], ["1", "1", "8125", "1"]);
    assert.deepEqual((defs[2] as any).portMappings, [{ containerPort: 2000, protocol: "udp" }]);
    assert.equal((defs[2] as any).user, "1337");
    assert.deepEqual(taskPolicy({ streamArn: ARN, ecsExec: false, xray: true })!.Statement.map((s: any) => s.Sid), ["StreamOwnMeshConfig", "XRayTraces"]);
  });

  it("passes secrets by reference and grants the execution role exactly those ARNs", () => {
    const secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";
    const m = model(withChange("dev", (t) => (t.services.red.containers.app.secrets = { DB_PASSWORD: secret })));
    const app = nodeContainers(m.nodes[0], m.envoy, ARN, LOG)[0] as any;
    assert.deepEqual(app.secrets, [{ name: "DB_PASSWORD", valueFrom: secret }]);
    assert.ok(!app.environment.some((e: any) => e.name === "DB_PASSWORD"));
    assert.deepEqual(secretsPolicy([secret]), { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [secret] }] });
  });

  it("reads a Secrets Manager secret by its own ARN whatever JSON key follows it, and decrypts with the named key only", () => {
    const base = "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf";
    const kms = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    assert.deepEqual(secretsPolicy([`${base}:password::`, `${base}:user:AWSCURRENT:`], kms)!.Statement, [
      { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [base] },
      { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [kms], Condition: { StringEquals: { "kms:ViaService": ["secretsmanager.us-east-1.amazonaws.com"] } } },
    ]);
    assert.equal(secretsPolicy([], kms), undefined);
  });

  it("decrypts only through the services that hold the secrets (kms:ViaService), each in its own region", () => {
    const kms = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const param = "arn:aws:ssm:eu-west-1:111122223333:parameter/db/password";
    const via = (arns: string[]) => (secretsPolicy(arns, kms)!.Statement.find((s: any) => s.Action[0] === "kms:Decrypt") as any).Condition.StringEquals["kms:ViaService"];
    assert.deepEqual(via([param]), ["ssm.eu-west-1.amazonaws.com"]);
    assert.deepEqual(via([param, "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf:password::"]), ["secretsmanager.us-east-1.amazonaws.com", "ssm.eu-west-1.amazonaws.com"]);
    assert.deepEqual(via(["arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:db-AbCdEf"]), ["secretsmanager.cn-north-1.amazonaws.com.cn"]);
    // No customer key, no KMS statement at all: AWS's own key needs no permission.
    assert.ok(!secretsPolicy([param])!.Statement.some((s: any) => s.Action[0] === "kms:Decrypt"));
  });

  it("pulls only from the task's own ECR repositories, and asks nothing for other registries", () => {
    const p = executionPolicy(["123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.2", "envoyproxy/envoy:v1.38.9", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@sha256:abc"], "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/shop-dev/web");
    assert.deepEqual((p.Statement[2] as any).Resource, ["arn:aws:ecr:eu-west-1:123456789012:repository/shop/web"]);
    assert.deepEqual(executionPolicy(["envoyproxy/envoy:v1.38.9"], "arn:x").Statement.map((s: any) => s.Sid), ["WriteOwnLogs"]);
  });

  it("adds the SSM messages permissions only for ECS Exec, and no policy at all when nothing is needed", () => {
    assert.equal(taskPolicy({ streamArn: ARN, ecsExec: false, xray: false })!.Statement.length, 1);
    assert.equal(taskPolicy({ ecsExec: false, xray: false }), undefined);
    const exec = taskPolicy({ streamArn: ARN, ecsExec: true, xray: false })!.Statement[1] as any;
    assert.deepEqual(exec.Action, ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]);
  });

  it("lists every listener port in AppPorts", () => {
    const m = model(withChange("dev", (t) => {
      t.services.red.listeners.push({ port: 8080, protocol: "http2" });
      t.services.red.containers.app.ports = [80, 8080];
    }));
    assert.equal(proxyConfiguration(m.nodes[0], m.envoy).properties.AppPorts, "80,8080");
  });

  it("GIVEN no egressIgnoredPorts THEN DROP_ALL holds for every port; GIVEN [443] THEN only 443 leaves past Envoy, with a plan note", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const m = model(withChange(stack, () => undefined));
      for (const n of m.nodes) assert.equal((proxyConfiguration(n, m.envoy).properties as any).EgressIgnoredPorts, undefined, `${stack} ${n.key}`);
      assert.ok(!m.notes.some((x) => x.path.endsWith("egressIgnoredPorts")));
    }
    const m = model(withChange("dev", (t) => (t.services.blue.egressIgnoredPorts = [443])));
    const blue = m.nodes.find((n) => n.key === "blue")!;
    assert.equal((proxyConfiguration(blue, m.envoy).properties as any).EgressIgnoredPorts, "443");
    for (const n of m.nodes.filter((x) => x.key !== "blue")) assert.equal((proxyConfiguration(n, m.envoy).properties as any).EgressIgnoredPorts, undefined, "per service, not mesh-wide");
    const note = m.notes.find((x) => x.path === "services.blue.egressIgnoredPorts");
    assert.match(note!.reason, /port 443 leave the task past Envoy, so DROP_ALL does not apply to them: only the task's security group limits where they go/);
  });
});
