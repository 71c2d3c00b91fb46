import { strict as assert } from "assert";
import fc from "fast-check";
import { FargateMesh } from "../../components/fargate-mesh";
import { AWS_NAME_LIMITS, fit, flowLogNames, gatewayLbNames, names, qualified, taskNames } from "../../model/names";
import { recordedResources, resetRecording, settle } from "../../tools/mocks";
import { at, issues, model, withChange } from "../helpers";
import { named, planOf } from "./plan-helpers";
import { namesOverLimit } from "./name-inputs";

const nameOf = (n: number) => fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-"), minLength: n, maxLength: n });

describe("physical names", () => {
  it("fit every AWS limit for display names of any length, distinct and stable", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 600 }).chain(nameOf), fc.integer({ min: 1, max: 65535 }), fc.boolean(), (display, port, internetFacing) => {
      const t = taskNames(display);
      const lb = gatewayLbNames(display, { internetFacing, targetPort: port });
      const flow = flowLogNames(display);
      assert.ok(t.executionRoleNamePrefix.length <= AWS_NAME_LIMITS.iamRoleNamePrefix);
      assert.ok(t.taskRoleNamePrefix.length <= AWS_NAME_LIMITS.iamRoleNamePrefix);
      assert.notEqual(t.executionRoleNamePrefix, t.taskRoleNamePrefix);
      assert.ok(t.securityGroupNamePrefix.length <= AWS_NAME_LIMITS.securityGroupNamePrefix);
      assert.ok(lb.loadBalancerName.length <= AWS_NAME_LIMITS.loadBalancer && lb.targetGroupName.length <= AWS_NAME_LIMITS.targetGroup);
      assert.ok(lb.securityGroupNamePrefix.length <= AWS_NAME_LIMITS.securityGroupNamePrefix);
      assert.ok(flow.logGroup.length <= AWS_NAME_LIMITS.logGroup && flow.roleNamePrefix.length <= AWS_NAME_LIMITS.iamRoleNamePrefix);
      assert.ok(names.placeholderInstance(display).length <= AWS_NAME_LIMITS.cloudMapInstanceId);
      assert.deepEqual(taskNames(display), t, "the same input always gives the same names");
    }), { numRuns: 300 });
  });

  it("shorten only what is too long, and keep long names with a common start apart", () => {
    assert.equal(fit("colors-dev-blue", 32), "colors-dev-blue");
    const a = fit(`${"x".repeat(40)}-a`, 32);
    const b = fit(`${"x".repeat(40)}-b`, 32);
    assert.equal(a.length, 32);
    assert.notEqual(a, b);
    assert.match(a, /^x{25}-[0-9a-f]{6}$/);
  });

  it("keep the reference stacks' names readable", () => {
    const m = model(withChange("dev", () => undefined));
    const blue = m.nodes.find((n) => n.key === "blue")!.task;
    assert.deepEqual([blue.executionRoleNamePrefix, blue.taskRoleNamePrefix, blue.securityGroupNamePrefix], ["colors-dev-blue-exec-", "colors-dev-blue-task-", "colors-dev-blue-"]);
    assert.deepEqual([m.gateway!.nlb.loadBalancerName, m.gateway!.nlb.targetGroupName], ["colors-dev-gateway", "colors-dev-gateway-8080"]);
  });

  it("qualify a configured gateway name with the mesh, so environments sharing an account do not share a family", () => {
    const m = model(withChange("dev", (t) => (t.gateway.name = "edge")));
    assert.equal(m.gateway!.name, "edge");
    assert.deepEqual([m.gateway!.task.family, m.gateway!.task.serviceName, qualified("colors-dev", "colors-dev-x")], ["colors-dev-edge", "colors-dev-edge", "colors-dev-x"]);
  });

  it("are rejected with the config path when a task family or the cluster cannot fit", () => {
    const key = `s${"v".repeat(250)}`;
    const found = issues(withChange("dev", (t) => {
      t.services[key] = { ...t.services.green, discovery: { cloudMap: { service: "long" } } };
      t.mesh.name = `c${"m".repeat(254)}`;
    }));
    assert.deepEqual(at(found, `services.${key}`), [`is too long: the task definition family "c${"m".repeat(76)}..." would have ${255 + 5 + 251} characters, and AWS allows at most 255`]);
    assert.deepEqual(at(found, "mesh.name"), [`is too long: the ECS cluster name "c${"m".repeat(76)}..." would have 259 characters, and AWS allows at most 255`]);
    assert.ok(found.some((i) => i.path === "services.red"), "every service's family is checked");
  });

  it("fit in a plan with a long service key and a consumer's long component name", async () => {
    const key = `k${"e".repeat(38)}`; // 39 characters: once a role name of 67
    const m = model(withChange("dev", (t) => { t.services[key] = { ...t.services.green, discovery: { cloudMap: { service: "long" } } }; }));
    resetRecording("us-east-1");
    new FargateMesh(`platform-team-${"c".repeat(120)}`, { model: m });
    await settle();
    const { over, missing, checked } = namesOverLimit(recordedResources());
    assert.deepEqual(missing, [], "every physical name is set, so none is derived from the Pulumi name");
    assert.deepEqual(over, []);
    assert.ok(checked >= 40, `checked ${checked} names`);
  });

  it("carry the environment in every Name tag that identifies a resource in the console", async () => {
    // One plan at a time: the mocks record into one list.
    for (const env of ["dev", "staging"]) {
      const plan = await planOf(env);
      assert.equal((named(plan, "mesh-network-vpc").inputs.tags as any).Name, `colors-${env}`);
      assert.equal((named(plan, "mesh-blue-sg").inputs.tags as any).Name, `colors-${env}-blue`);
      assert.equal((named(plan, "mesh-gateway-nlb-sg").inputs.tags as any).Name, `colors-${env}-gateway-nlb`);
      assert.equal((named(plan, "mesh-gateway-nlb").inputs as any).name, `colors-${env}-gateway`);
    }
  });
});
