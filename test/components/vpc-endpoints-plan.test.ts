/**
 * network.vpcEndpoints: the AWS services the tasks call, reached inside the VPC, and world HTTPS
 * removed from exactly the tasks that no longer need it. Plans under the mocks, pure.
 */
import { strict as assert } from "assert";
import { checkPlan } from "../../tools/check-core";
import type { Plan } from "../../tools/plan-core";
import { at, issues, withChange } from "../helpers";
import { ofType, planOf } from "./plan-helpers";

const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const ECR = (region: string, repo: string) => `123456789012.dkr.ecr.${region}.amazonaws.com/${repo}`;
const sgOf = (key: string) => `{unknown:mesh-${key}-sg.id}`;
const endpointSg = "{unknown:mesh-endpoints-sg.id}";
const worldHttps = (p: Plan, key: string) => ofType(p, EGRESS).filter((r) => r.inputs.securityGroupId === sgOf(key) && r.inputs.cidrIpv4 === "0.0.0.0/0");
const servicesOf = (p: Plan) => ofType(p, ENDPOINT).map((r) => String(r.inputs.serviceName).replace(`com.amazonaws.${p.model.region}.`, "")).sort();

const withEndpoints = (onEcr: boolean, extra?: (t: any, e: any) => void) => (c: any) => {
  const t = c["fargate-mesh:topology"], e = c["fargate-mesh:environment"] ?? {};
  t.network = { ...(t.network ?? {}), vpcEndpoints: true };
  if (onEcr) {
    const region = c["aws:region"];
    for (const s of Object.values<any>(t.services)) for (const [name, ct] of Object.entries<any>(s.containers)) ct.image = ECR(region, `colorapp-${name}:1.3`);
    for (const s of Object.values<any>(e.services ?? {})) for (const ct of Object.values<any>(s.containers ?? {})) delete ct.image;
    t.envoy = { ...(t.envoy ?? {}), image: ECR(region, "envoy:v1.40.0") };
  }
  extra?.(t, e);
};

describe("VPC endpoints for the AWS services the tasks use (network.vpcEndpoints)", () => {
  it("are off by default: tasks keep HTTPS to the internet and no endpoint exists", async () => {
    const p = await planOf("dev");
    assert.deepEqual(ofType(p, ENDPOINT), []);
    for (const key of ["red", "gateway"]) assert.equal(worldHttps(p, key).length, 1, key);
  });

  it("create interface endpoints with private DNS in the private subnets, and an S3 gateway endpoint on their route tables", async () => {
    const p = await planOf("dev", withEndpoints(false));
    assert.deepEqual(servicesOf(p), ["ecr.api", "ecr.dkr", "kms", "logs", "s3", "secretsmanager", "sts"]);
    for (const r of ofType(p, ENDPOINT)) {
      const i = r.inputs as any;
      assert.equal(i.vpcId, "{unknown:mesh-network-vpc.vpcId}");
      if (i.vpcEndpointType === "Interface") {
        assert.equal(i.privateDnsEnabled, true, r.name);
        assert.deepEqual(i.subnetIds, ["{unknown:mesh-network-vpc.privateSubnetIds[0]}", "{unknown:mesh-network-vpc.privateSubnetIds[1]}"]);
        assert.deepEqual(i.securityGroupIds, [endpointSg]);
      } else {
        assert.equal(i.vpcEndpointType, "Gateway");
        assert.equal(i.routeTableIds.length, 2, "each private subnet's route table");
      }
    }
  });

  it("admit 443 from the tasks' security groups only", async () => {
    const p = await planOf("dev", withEndpoints(false));
    const into = ofType(p, INGRESS).filter((r) => r.inputs.securityGroupId === endpointSg);
    assert.deepEqual(into.map((r) => r.inputs.referencedSecurityGroupId).sort(), [...p.model.nodes.map((n) => n.key), "gateway"].map(sgOf).sort());
    for (const r of into) assert.deepEqual([r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4], [443, 443, undefined]);
    assert.deepEqual(ofType(p, EGRESS).filter((r) => r.inputs.securityGroupId === endpointSg), [], "the endpoints call nothing");
  });

  it("with images from Docker Hub, every task keeps world HTTPS to pull them, and the plan says so for each", async () => {
    const p = await planOf("dev", withEndpoints(false));
    for (const key of [...p.model.nodes.map((n) => n.key), "gateway"]) assert.equal(worldHttps(p, key).length, 1, key);
    const notes = p.model.notes.filter((n) => /keeps HTTPS to the internet/.test(n.reason));
    assert.equal(notes.length, p.model.nodes.length + 1);
    assert.ok(notes.some((n) => n.path === "services.red.containers.app.image" && /forsakenidol\/colorapp.*not in this region's ECR/.test(n.reason)), JSON.stringify(notes));
    assert.ok(notes.some((n) => n.path === "envoy.image" && /gateway/.test(n.reason)));
  });

  it("with every image in this region's ECR, no task has world HTTPS: only the endpoints and S3's prefix list, on 443", async () => {
    const p = await planOf("dev", withEndpoints(true));
    for (const key of [...p.model.nodes.map((n) => n.key), "gateway"]) {
      assert.deepEqual(worldHttps(p, key), [], key);
      const out = ofType(p, EGRESS).filter((r) => r.inputs.securityGroupId === sgOf(key) && (r.inputs.referencedSecurityGroupId === endpointSg || r.inputs.prefixListId));
      assert.deepEqual(out.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId ?? r.inputs.prefixListId]).sort(),
        [[443, endpointSg], [443, "{unknown:prefix-list com.amazonaws.us-east-1.s3.id}"]].sort(), key);
    }
    assert.ok(p.model.notes.some((n) => n.path === "network.vpcEndpoints" && /no HTTPS egress to the internet/.test(n.reason)));
    const { findings } = await checkPlan(p);
    assert.deepEqual(findings.filter((f) => f.level === "mandatory"), []);
  });

  it("a service that reaches 443 past Envoy keeps world HTTPS, and only that one", async () => {
    const p = await planOf("dev", withEndpoints(true, (t) => { t.services.red.egressIgnoredPorts = [443]; }));
    assert.equal(worldHttps(p, "red").length, 1);
    assert.deepEqual(worldHttps(p, "blue"), []);
    assert.ok(p.model.notes.some((n) => n.path === "services.red.egressIgnoredPorts" && /keeps HTTPS to the internet/.test(n.reason)));
  });

  it("add what each data plane and option needs: App Mesh's Envoy management, X-Ray, SSM for parameters, SSM messages for ECS Exec", async () => {
    assert.ok(servicesOf(await planOf("dev", (c) => { withEndpoints(false)(c); c["fargate-mesh:environment"] = { ...(c["fargate-mesh:environment"] ?? {}), dataPlane: "appmesh" }; })).includes("appmesh-envoy-management"));
    const lattice = servicesOf(await planOf("dev", (c) => { withEndpoints(false)(c); c["fargate-mesh:environment"] = { ...(c["fargate-mesh:environment"] ?? {}), dataPlane: "lattice" }; }));
    assert.ok(!lattice.includes("appmesh-envoy-management") && !lattice.includes("xray"));
    const p = await planOf("dev", withEndpoints(false, (t) => {
      t.envoy.xray = true;
      t.services.red.ecsExec = true;
      t.services.red.containers.app.secrets = { TOKEN: "arn:aws:ssm:us-east-1:123456789012:parameter/colors/token" };
    }));
    for (const s of ["xray", "ssm", "ssmmessages"]) assert.ok(servicesOf(p).includes(s), s);
  });

  it("must be true or false", () => {
    assert.match(at(issues(withChange("dev", (t) => { t.network = { vpcEndpoints: "yes" }; })), "network.vpcEndpoints").join(), /true or false/);
  });
});

describe("root applications can bypass interception", () => {
  it("a container without a non-root user gets a plan note on the envoy and appmesh data planes, naming Envoy's UID", async () => {
    for (const plane of ["envoy", "appmesh"] as const) {
      const p = await planOf("dev", plane);
      const note = p.model.notes.find((n) => /^services\.\{([a-z]+,)*red(,[a-z]+)*\}\.containers\.app\.user$/.test(n.path));
      assert.ok(note, `${plane}: ${JSON.stringify(p.model.notes)}`);
      assert.equal(p.model.notes.filter((n) => /\.user$/.test(n.path)).length, 1, "one note for the services' app containers together");
      assert.match(note!.reason, /1337.*skip DROP_ALL/);
    }
    const named = await planOf("dev", (c) => { c["fargate-mesh:topology"].services.red.containers.app.user = "1000"; });
    assert.ok(!named.model.notes.some((n) => /[{.,]red[,}.]/.test(n.path) && /\.user$/.test(n.path)));
    const root = await planOf("dev", (c) => { c["fargate-mesh:topology"].services.red.containers.app.user = "root"; });
    assert.match(root.model.notes.find((n) => n.path === "services.red.containers.app.user")!.reason, /^is root/);
    assert.equal((await planOf("dev", "lattice")).model.notes.find((n) => /\.user$/.test(n.path)), undefined, "no interception to bypass on lattice");
  });
});

