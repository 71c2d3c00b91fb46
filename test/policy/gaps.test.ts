/**
 * The policy gaps of issue 20 (IAM, network, TLS): each case mutates a real plan of the test
 * fixture into one misconfiguration and asserts that the named policy flags that resource at its
 * level, and only with the expected message(s). The unmutated plans stay silent.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { partialWildcard } from "../../policy/iam";
import { policies } from "../../policy/policies";
import { inlineBootstrap, walk } from "../../policy/helpers";
import { publicReach } from "../../policy/cidr";
import { checkResources, Finding } from "../../tools/check-core";
import type { Plan, PlannedResource } from "../../tools/plan-core";
import { CANARY, MTLS } from "../helpers";
import { onDataPlane, planOf } from "../components/plan-helpers";
import { PROJECT_DIR } from "../../stacks/files";

type Resources = PlannedResource[];
type Plane = "envoy" | "appmesh" | "lattice" | "mtls";
const res = (rs: Resources, name: string, type?: string) => {
  const r = rs.find((x) => x.name === name && (!type || x.type === type));
  if (!r) throw new Error(`no resource ${name}`);
  return r;
};
const json = (r: PlannedResource, key: string, edit: (d: any) => void) => {
  const d = JSON.parse(r.inputs[key] as string);
  edit(d);
  r.inputs[key] = JSON.stringify(d);
};
/** Edits the bootstrap a task's Envoy carries inline, wherever in the command it sits. */
const bootstrap = (r: PlannedResource, edit: (b: any) => void) => json(r, "containerDefinitions", (defs) => {
  const found = inlineBootstrap({ containerDefinitions: defs })!;
  const c = defs.find((x: any) => x.name === found.container.name);
  const i = c.command.findIndex((a: string) => a.startsWith("{"));
  edit(found.bootstrap);
  c.command[i] = JSON.stringify(found.bootstrap);
});
/** Every object of a bootstrap that `match` accepts. */
const objects = (b: any, match: (o: any) => boolean) => { const out: any[] = []; walk(b, (o) => { if (match(o)) out.push(o); }); return out; };
const downstream = (b: any) => objects(b, (o) => String(o["@type"]).endsWith("DownstreamTlsContext"))[0];
const GROUP = (name: string) => `{unknown:${name}.id}`;
const ROLE = "aws:iam/role:Role";
const vpcCidr = (rs: Resources) => res(rs, "mesh-network-vpc").inputs.cidrBlock as string;
const latticeRole = "mesh-lattice-ecs-infrastructure-role";

const ECS = "aws:ecs/service:Service";
/** Task `node` shares one process namespace and its app adds `caps`; with `exec`, its service has ECS Exec on. */
const ptrace = (rs: Resources, node: string, caps: string[], exec = true) => {
  const task = res(rs, `mesh-${node}-task`);
  task.inputs.pidMode = "task";
  json(task, "containerDefinitions", (d) => { d.find((c: any) => c.name === "app").linuxParameters = { capabilities: { add: caps } }; });
  if (exec) (res(rs, `mesh-${node}-service`, ECS).inputs as any).enableExecuteCommand = true;
};

/** [policy, resource flagged, how to break the plan, the message (or a pattern every new message matches), plane] */
export const GAP_CASES: [string, string, (rs: Resources) => void, string | RegExp | ((rs: Resources) => string), Plane?][] = [
  // IAM
  ["iam-no-partial-wildcards", "mesh-red-execution-policy", (rs) => json(res(rs, "mesh-red-execution-policy"), "policy", (d) => d.Statement.push({ Effect: "Allow", Action: ["iam:Pass*"], Resource: ["arn:aws:iam::123456789012:role/app"] })),
    "action iam:Pass* matches every action with that prefix; list the actions needed"],
  ["iam-no-partial-wildcards", "mesh-red-execution-policy", (rs) => json(res(rs, "mesh-red-execution-policy"), "policy", (d) => d.Statement.push({ Effect: "Allow", Action: "secretsmanager:Get*", Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf" })),
    "action secretsmanager:Get* matches every action with that prefix; list the actions needed"],
  ["iam-no-partial-wildcards", "mesh-red-execution-policy", (rs) => json(res(rs, "mesh-red-execution-policy"), "policy", (d) => d.Statement.push({ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: ["arn:aws:secretsmanager:*:*:secret:*"] })),
    "resource arn:aws:secretsmanager:*:*:secret:* has a wildcard in the partition, service, region or account; name each resource by its full ARN"],
  ["iam-no-partial-wildcards", "mesh-network-flow-logs-policy", (rs) => json(res(rs, "mesh-network-flow-logs-policy"), "policy", (d) => (d.Statement[0].Resource = ["arn:aws:logs:us-east-1:123456789012:log-group:/vpc/*"])),
    "resource arn:aws:logs:us-east-1:123456789012:log-group:/vpc/* has a wildcard in the resource log-group:/vpc/*; name each resource by its full ARN"],
  ["iam-trust-no-public-principal", "mesh-red-task-role", (rs) => json(res(rs, "mesh-red-task-role", ROLE), "assumeRolePolicy", (d) => { d.Statement[0].Principal = "*"; delete d.Statement[0].Condition; }),
    `trust policy lets anyone (Principal "*") call sts:AssumeRole; name the service or account and add an aws:SourceAccount or aws:PrincipalOrgID condition`],
  ["iam-trust-no-public-principal", "mesh-red-execution-role", (rs) => json(res(rs, "mesh-red-execution-role", ROLE), "assumeRolePolicy", (d) => d.Statement.push({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })),
    `trust policy lets anyone (Principal {"AWS":"*"}) call sts:AssumeRole; name the service or account and add an aws:SourceAccount or aws:PrincipalOrgID condition`],
  ["iam-no-broad-managed-policies", "mesh-red-s3", (rs) => rs.push({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "mesh-red-s3", parent: null, inputs: { role: "{unknown:mesh-red-task-role.name}", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" } }),
    "attaches arn:aws:iam::aws:policy/AmazonS3FullAccess, which grants a whole service or more; attach an inline policy with the actions and resources needed"],
  ["iam-no-broad-managed-policies", "mesh-red-task-role", (rs) => (res(rs, "mesh-red-task-role", ROLE).inputs.managedPolicyArns = ["arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::aws:policy/PowerUserAccess"]),
    /^attaches arn:aws:iam::aws:policy\/(IAMFullAccess|PowerUserAccess), which grants a whole service or more/],
  ["iam-no-broad-managed-policies", "mesh-red-dynamo", (rs) => rs.push({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "mesh-red-dynamo", parent: null, inputs: { role: "r", policyArn: "arn:aws:iam::aws:policy/AWSLambdaInvocation-DynamoDBReadWrite" } }),
    /AWSLambdaInvocation-DynamoDBReadWrite, which grants a whole service or more/],
  ["lattice-infrastructure-role-scoped", latticeRole, (rs) => json(res(rs, latticeRole, ROLE), "assumeRolePolicy", (d) => delete d.Statement[0].Condition),
    "trusts ecs.amazonaws.com without a condition; add aws:SourceAccount (or aws:SourceArn of the cluster) so no other account's ECS can use it", "lattice"],
  ["lattice-infrastructure-role-scoped", latticeRole, (rs) => json(res(rs, latticeRole, ROLE), "assumeRolePolicy", (d) => (d.Statement[0].Principal = { Service: ["ecs.amazonaws.com", "lambda.amazonaws.com"] })),
    `trusts {"Service":["ecs.amazonaws.com","lambda.amazonaws.com"]}; trust only the service ecs.amazonaws.com`, "lattice"],
  ["lattice-infrastructure-role-scoped", "mesh-lattice-extra", (rs) => rs.push({ type: "aws:iam/rolePolicy:RolePolicy", name: "mesh-lattice-extra", parent: null, inputs: { role: `{unknown:${latticeRole}.name}`,
    policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["vpc-lattice:RegisterTargets"], Resource: ["arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0"] }] }) } }),
    /^grants vpc-lattice:RegisterTargets on arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup\/tg-0123456789abcdef0; the infrastructure role may reach only the target groups its services register \(.*targetgroup\/\{unknown:mesh-lattice-targets-red-red-80\.id\}/, "lattice"],
  ["lattice-infrastructure-role-scoped", "mesh-lattice-more", (rs) => rs.push({ type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "mesh-lattice-more", parent: null, inputs: { role: `{unknown:${latticeRole}.name}`, policyArn: "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess" } }),
    "attaches arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess to the Lattice infrastructure role; it needs AmazonECSInfrastructureRolePolicyForVpcLattice only", "lattice"],
  // Network
  ["sg-no-split-world-ingress", "mesh-in-red-from-blue-80", (rs) => {
    const r = res(rs, "mesh-in-red-from-blue-80");
    delete r.inputs.referencedSecurityGroupId;
    r.inputs.cidrIpv4 = "0.0.0.0/1";
    rs.push({ ...r, name: "mesh-in-red-upper-half", inputs: { ...r.inputs, cidrIpv4: "128.0.0.0/1" } });
  }, /^admits 0\.0\.0\.0\/1 on tcp 80-80; with the group's other ranges that is 9\d\.\d+% of the IPv4 internet; admit a security group or the VPC range instead$/],
  ["sg-no-split-world-ingress", "mesh-in-red-from-blue-80", (rs) => {
    const r = res(rs, "mesh-in-red-from-blue-80");
    delete r.inputs.referencedSecurityGroupId;
    r.inputs.cidrIpv6 = "::/1";
    rs.push({ ...r, name: "mesh-in-red-upper-v6", inputs: { ...r.inputs, cidrIpv6: "8000::/1" } });
  }, "admits ::/1 on tcp 80-80; with the group's other ranges that is as much IPv6 as a /1; admit a security group or the VPC range instead"],
  ["sg-no-split-world-ingress", "mesh-red-legacy", (rs) => rs.push({ type: "aws:ec2/securityGroupRule:SecurityGroupRule", name: "mesh-red-legacy", parent: null,
    inputs: { type: "ingress", securityGroupId: GROUP("mesh-red-sg"), protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"], description: "quarters" } }),
    /^admits 0\.0\.0\.0\/2, 64\.0\.0\.0\/2, 128\.0\.0\.0\/2, 192\.0\.0\.0\/2 on tcp 80-80; with the group's other ranges that is 9\d/],
  ["sg-no-world-ingress", "mesh-red-legacy-world", (rs) => rs.push({ type: "aws:ec2/securityGroupRule:SecurityGroupRule", name: "mesh-red-legacy-world", parent: null,
    inputs: { type: "ingress", securityGroupId: GROUP("mesh-red-sg"), protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "all" } }),
    "admits 0.0.0.0/0 on every port (protocol -1); admit a security group or the VPC range instead"],
  ["sg-no-legacy-rules", "mesh-red-legacy", (rs) => rs.push({ type: "aws:ec2/securityGroupRule:SecurityGroupRule", name: "mesh-red-legacy", parent: null,
    inputs: { type: "ingress", securityGroupId: GROUP("mesh-red-sg"), protocol: "tcp", fromPort: 80, toPort: 80, sourceSecurityGroupId: GROUP("mesh-blue-sg"), description: "blue" } }),
    "ingress rule mesh-red-legacy uses aws.ec2.SecurityGroupRule; write it as aws.vpc.SecurityGroupIngressRule (one rule, one range) so it is reviewed like the others"],
  ["sg-no-legacy-rules", "mesh-red-sg", (rs) => (res(rs, "mesh-red-sg").inputs.ingress = [{ protocol: "tcp", fromPort: 80, toPort: 80, securityGroups: [GROUP("mesh-blue-sg")], description: "blue" }]),
    "inline ingress rules; write each as an aws.vpc.SecurityGroupIngressRule so it is reviewed like the others"],
  ["sg-no-vpc-wide-all-ports", "mesh-in-red-from-blue-80", (rs) => { const r = res(rs, "mesh-in-red-from-blue-80").inputs; delete r.referencedSecurityGroupId; Object.assign(r, { cidrIpv4: vpcCidr(rs), ipProtocol: "-1" }); },
    (rs) => `admits ${vpcCidr(rs)} (the whole VPC) on every port (protocol -1); admit the callers' security groups on the listener ports`],
  ["sg-no-vpc-wide-all-ports", "mesh-in-red-from-blue-80", (rs) => { const r = res(rs, "mesh-in-red-from-blue-80").inputs; delete r.referencedSecurityGroupId; Object.assign(r, { cidrIpv4: "10.0.0.0/8", fromPort: 0, toPort: 65535 }); },
    "admits 10.0.0.0/8 (the whole VPC) on tcp 0-65535; admit the callers' security groups on the listener ports"],
  ["sg-no-world-all-protocol-egress", "mesh-red-egress-https", (rs) => Object.assign(res(rs, "mesh-red-egress-https").inputs, { ipProtocol: "-1", fromPort: -1, toPort: -1 }),
    "egress on every port (protocol -1) to 0.0.0.0/0; allow HTTPS (443) to the AWS APIs and the backends' ports only"],
  ["lb-single-internet-facing", "red-public-alb", (rs) => {
    rs.push({ type: "aws:lb/loadBalancer:LoadBalancer", name: "red-public-alb", parent: null, inputs: { internal: false, loadBalancerType: "application", securityGroups: [GROUP("mesh-red-sg")] } });
    rs.push({ type: "aws:lb/listener:Listener", name: "red-public-listener", parent: null, inputs: { loadBalancerArn: "{unknown:red-public-alb.arn}", port: 443, protocol: "HTTPS", defaultActions: [{ type: "forward", targetGroupArn: "{unknown:red-tg.arn}" }] } });
    (res(rs, "mesh-red-service", "aws:ecs/service:Service").inputs as any).loadBalancers = [{ containerName: "app", containerPort: 80, targetGroupArn: "{unknown:red-tg.arn}" }];
  }, "a second internet-facing application load balancer bypasses the gateway to mesh-red-service; set internal: true or route through the gateway's routes"],
  ["mesh-nlb-only-gateway-port", "mesh-gateway-nlb-to-gateway", (rs) => (res(rs, "mesh-gateway-nlb-to-gateway").inputs.referencedSecurityGroupId = GROUP("mesh-red-sg")),
    `NLB egress to ${GROUP("mesh-red-sg")}, which is not the gateway tasks' security group; allow only that group`],
  ["mesh-nlb-only-gateway-port", "mesh-nlb-legacy-egress", (rs) => rs.push({ type: "aws:ec2/securityGroupRule:SecurityGroupRule", name: "mesh-nlb-legacy-egress", parent: null,
    inputs: { type: "egress", securityGroupId: GROUP("mesh-gateway-nlb-sg"), protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"], description: "anywhere inside" } }),
    "NLB egress to 10.0.0.0/8; allow only the gateway tasks' security group"],
  ["lattice-iam-callable", "mesh-lattice-network", (rs) => rs.splice(rs.indexOf(res(rs, "mesh-lattice-network-auth")), 1),
    "service network mesh-lattice-network has auth type AWS_IAM and no auth policy, so AWS denies every request to it; add one that allows its callers' task roles (lattice.auth: iam does)", "lattice"],
  ["lattice-iam-callable", "mesh-lattice-service-red", (rs) => rs.splice(rs.indexOf(res(rs, "mesh-lattice-service-red-auth")), 1),
    /^Lattice service mesh-lattice-service-red has auth type AWS_IAM and no auth policy/, "lattice"],
  ["lattice-iam-callable", "mesh-gateway-task", (rs) => bootstrap(res(rs, "mesh-gateway-task"), (b) => delete b.static_resources.clusters[0].typed_extension_protocol_options),
    /^container envoy: cluster vs-[\w-]+ sends to VPC Lattice unsigned, which an AWS_IAM service refuses \(403\)/, "lattice"],
  ["lattice-iam-callable", "mesh-blue-task", (rs) => bootstrap(res(rs, "mesh-blue-task"), (b) => { for (const c of b.static_resources.clusters) c.typed_extension_protocol_options = {}; }),
    /^container envoy: cluster vs-[\w-]+ sends to VPC Lattice unsigned/, "lattice"],
  ["lattice-auth-no-anonymous", "mesh-lattice-service-red-auth", (rs) => json(res(rs, "mesh-lattice-service-red-auth"), "policy", (d) => (d.Statement[0].Principal = "*")),
    "allows Principal * to invoke; name the callers' task roles (lattice.auth: iam does) or add an aws:PrincipalOrgID condition", "lattice"],
  // Operations: ECS Exec into a task whose containers may ptrace each other
  ["ecs-exec-no-ptrace", "mesh-red-task", (rs) => ptrace(rs, "red", ["SYS_PTRACE"]),
    "ECS Exec is on (mesh-red-service) with pidMode: task and SYS_PTRACE added to container app: a shell in any container could read every container's memory, Envoy's TLS keys and the secrets included; remove SYS_PTRACE or pidMode: task, or turn ecsExec off"],
  ["ecs-exec-no-ptrace", "mesh-red-task", (rs) => ptrace(rs, "red", ["NET_ADMIN", "ALL"]), /^ECS Exec is on \(mesh-red-service\) with pidMode: task and SYS_PTRACE added to container app:/],
  // A service whose task definition the plan does not show is not shown safe.
  ["ecs-exec-no-ptrace", "mesh-red-task", (rs) => {
    ptrace(rs, "red", ["SYS_PTRACE"], false);
    Object.assign(res(rs, "mesh-blue-service", ECS).inputs, { enableExecuteCommand: true, taskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/elsewhere:3" });
  }, /^ECS Exec is on \(mesh-blue-service\) with pidMode: task/],
  // TLS
  ["tls-min-version", "mesh-back-task", (rs) => bootstrap(res(rs, "mesh-back-task"), (b) => (downstream(b).common_tls_context.tls_params = { tls_minimum_protocol_version: "TLSv1_0" })),
    /\.tls_params: tls_minimum_protocol_version TLSv1_0; use TLSv1_2 or TLSv1_3$/, "mtls"],
  ["tls-min-version", "mesh-back-task", (rs) => bootstrap(res(rs, "mesh-back-task"), (b) => (downstream(b).common_tls_context.tls_params = { cipher_suites: ["[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]", "ECDHE-RSA-AES128-SHA", "DES-CBC3-SHA"] })),
    /\.tls_params: cipher (ECDHE-RSA-AES128-SHA|DES-CBC3-SHA) is weak; keep Envoy's default suites/, "mtls"],
  ["tls-min-version", "mesh-gateway-listener", (rs) => Object.assign(res(rs, "mesh-gateway-listener").inputs, { protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS-1-1-2017-01" }),
    /^listener \d+: sslPolicy ELBSecurityPolicy-TLS-1-1-2017-01 allows TLS 1.0\/1.1 and CBC ciphers; use ELBSecurityPolicy-TLS13-1-2-2021-06 \(or an FS-1-2 policy\)$/],
  ["tls-verify-peers", "mesh-front-task", (rs) => bootstrap(res(rs, "mesh-front-task"), (b) => {
    objects(b, (o) => String(o["@type"]).endsWith("UpstreamTlsContext"))[0].common_tls_context.validation_context.trust_chain_verification = "ACCEPT_UNTRUSTED";
  }), /: trust_chain_verification ACCEPT_UNTRUSTED accepts any certificate; remove it so the chain is verified against trusted_ca$/, "mtls"],
  ["tls-no-inline-private-key", "mesh-back-task", (rs) => bootstrap(res(rs, "mesh-back-task"), (b) => {
    downstream(b).common_tls_context.tls_certificates[0].private_key = { inline_string: "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----" };
  }), /\.private_key is inline, so the key is in the task definition for anyone who can describe it; name a secret/, "mtls"],
  ["tls-client-san-match", "mesh-back-task", (rs) => bootstrap(res(rs, "mesh-back-task"), (b) => delete downstream(b).common_tls_context.validation_context.match_typed_subject_alt_names),
    /: validates client certificates but accepts any the CA signed; set the listener's tls.validation.subjectAlternativeNames/, "mtls"],
];

const GAP_POLICIES = [...new Set(GAP_CASES.map((c) => c[0]))];
const only = (f: Finding[], policy: string, resource: string) => f.filter((x) => x.policy === policy && x.resource?.name === resource);

describe("policy gaps: IAM, network and TLS", () => {
  const plans: Record<string, Plan> = {};
  before(async () => {
    for (const s of ["dev", "staging", "prod"]) plans[s] = await planOf(s);
    plans.appmesh = await planOf("dev", "appmesh");
    plans.lattice = await planOf("dev", (c) => { onDataPlane("lattice")(c); c["fargate-mesh:environment"].lattice = { auth: "iam" }; });
    plans["lattice-none"] = await planOf("dev", "lattice");
    plans.mtls = await planOf(MTLS);
    plans.canary = await planOf(CANARY);
    plans["header-canary"] = await planOf(path.join(PROJECT_DIR, "examples", "header-canary.yaml"));
  });
  const fresh = (plane: Plane = "envoy"): Resources => JSON.parse(JSON.stringify(plans[plane === "envoy" ? "dev" : plane].resources));

  for (const [policy, resource, breakIt, message, plane] of GAP_CASES) {
    const shown = typeof message === "function" ? "(from the plan)" : String(message);
    it(`${policy} flags ${resource} (${plane ?? "envoy"}): ${shown.slice(0, 90)}`, async () => {
      const rs = fresh(plane);
      const level = policies.find((p) => p.name === policy)!.enforcementLevel;
      const before = only(await checkResources(plane ?? "dev", rs), policy, resource);
      breakIt(rs);
      const after = only(await checkResources(plane ?? "dev", rs), policy, resource);
      const added = after.filter((f) => !before.some((b) => b.message === f.message));
      assert.ok(added.length > 0, `silent: ${JSON.stringify(after.map((f) => f.message))}`);
      for (const f of added) {
        assert.equal(f.level, level);
        if (message instanceof RegExp) assert.match(f.message, message);
        else assert.equal(f.message, typeof message === "function" ? message(rs) : message);
      }
    });
  }

  for (const stack of ["dev", "staging", "prod", "appmesh", "lattice", "lattice-none", "mtls", "canary", "header-canary"]) {
    it(`the unmutated ${stack} plan breaks none of these policies`, async () => {
      const f = (await checkResources(stack, plans[stack].resources)).filter((x) => GAP_POLICIES.includes(x.policy));
      assert.deepEqual(f.map((x) => `${x.policy} ${x.resource?.name}: ${x.message}`), []);
    });
  }

  it("tells partial resource wildcards from the children of one named resource", () => {
    for (const ok of ["*", "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/colors-dev/red:*", "arn:aws:vpc-lattice:us-east-1:123456789012:service/svc-0123/*",
      "arn:aws:vpc-lattice:us-east-1:{unknown:account}:service/{unknown:mesh-lattice-service-red.id}/*", "arn:aws:s3:::my-bucket/*", "arn:aws:s3:::my-bucket/logs/*",
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf"])
      assert.equal(partialWildcard(ok), undefined, ok);
    for (const bad of ["arn:aws:secretsmanager:*:*:secret:*", "arn:aws:secretsmanager:us-east-1:123456789012:secret:*", "arn:aws:logs:*:123456789012:log-group:/ecs/x:*",
      "arn:aws:logs:us-east-1:123456789012:log-group:*", "arn:aws:vpc-lattice:us-east-1:123456789012:service/*", "arn:aws:s3:::*/x", "arn:aws:iam::123456789012:role/app-*", "arn:*"])
      assert.ok(partialWildcard(bad), bad);
  });

  it("adds up ranges however they are split, and leaves private ranges and unknown values alone", () => {
    assert.ok(publicReach(["0.0.0.0/1", "128.0.0.0/1"]).huge);
    assert.ok(publicReach(["8.0.0.0/9", "8.128.0.0/9"]).huge);
    assert.ok(publicReach(["2000::/3"]).huge);
    assert.ok(!publicReach(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]).huge);
    assert.ok(!publicReach(["203.0.113.0/24", "2001:db8::/48", "{unknown:vpc.cidrBlock}"]).huge);
  });

  it("leaves a trust or auth policy with Principal * alone when a condition narrows it", async () => {
    const rs = fresh("lattice");
    json(res(rs, "mesh-red-task-role", ROLE), "assumeRolePolicy", (d) => (d.Statement[0].Principal = { AWS: "*" }));
    json(res(rs, "mesh-lattice-service-red-auth"), "policy", (d) => { d.Statement[0].Principal = "*"; d.Statement[0].Condition = { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } }; });
    const f = await checkResources("lattice", rs);
    assert.deepEqual(f.filter((x) => ["lattice-auth-no-anonymous"].includes(x.policy)), []);
    // The task role's statement kept its aws:SourceAccount condition.
    assert.deepEqual(f.filter((x) => x.policy === "iam-trust-no-public-principal"), []);
  });

  it("leaves ECS Exec alone without the whole combination: no exec, no shared process namespace, or no SYS_PTRACE", async () => {
    const ptraceFindings = async (edit: (rs: Resources) => void) => { const rs = fresh(); edit(rs); return (await checkResources("dev", rs)).filter((x) => x.policy === "ecs-exec-no-ptrace"); };
    assert.deepEqual(await ptraceFindings((rs) => ptrace(rs, "red", ["SYS_PTRACE"], false)), [], "no ECS Exec");
    assert.deepEqual(await ptraceFindings((rs) => { ptrace(rs, "red", ["SYS_PTRACE"]); delete res(rs, "mesh-red-task").inputs.pidMode; }), [], "no pidMode: task");
    assert.deepEqual(await ptraceFindings((rs) => ptrace(rs, "red", ["NET_BIND_SERVICE"])), [], "no SYS_PTRACE");
    // ECS Exec on another service, whose task is known and clean, says nothing about red's.
    assert.deepEqual(await ptraceFindings((rs) => { ptrace(rs, "red", ["SYS_PTRACE"], false); (res(rs, "mesh-blue-service", ECS).inputs as any).enableExecuteCommand = true; }), [], "exec on blue only");
  });

  it("keeps the gateway's own NLB and TLS 1.2+ ciphers unflagged", async () => {
    const rs = fresh("mtls");
    bootstrap(res(rs, "mesh-back-task"), (b) => (downstream(b).common_tls_context.tls_params = { tls_minimum_protocol_version: "TLSv1_2", cipher_suites: ["[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]", "ECDHE-RSA-AES256-GCM-SHA384"] }));
    const f = await checkResources("mtls", rs);
    assert.deepEqual(f.filter((x) => ["tls-min-version", "lb-single-internet-facing"].includes(x.policy)).map((x) => x.message), []);
  });
});

describe("policy gaps: values a real preview does not know yet", () => {
  it("lb-single-internet-facing does not take the gateway's NLB for a second one when its listener's ARN is unknown", async () => {
    const rs: Resources = JSON.parse(JSON.stringify((await planOf("dev")).resources));
    res(rs, "mesh-gateway-listener").inputs.loadBalancerArn = undefined as any;
    delete (res(rs, "mesh-gateway-nlb").inputs.tags as any)["fargate-mesh:component"];
    const f = await checkResources("dev", rs);
    assert.deepEqual(f.filter((x) => x.policy === "lb-single-internet-facing"), []);
  });
});
