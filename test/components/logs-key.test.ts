/**
 * logs.kmsKey: every log group the mesh creates is encrypted with a customer-managed key, and
 * the key created for it lets CloudWatch Logs use it for exactly those groups.
 */
import { strict as assert } from "assert";
import { meshLogGroups } from "../../model/logs-key";
import { at, issues, model, withChange } from "../helpers";
import { named, ofType, planOf, policy } from "./plan-helpers";

const GROUP = "aws:cloudwatch/logGroup:LogGroup";
const KEY = "aws:kms/key:Key";
const withKey = (kmsKey: string, plane = "envoy") => (c: any) => {
  c["fargate-mesh:topology"].dataPlane = plane;
  c["fargate-mesh:topology"].logs = { kmsKey };
  // ECS Exec adds the exec sessions' group, which must be encrypted too.
  c["fargate-mesh:topology"].services.red.ecsExec = true;
};

describe("logs.kmsKey", () => {
  for (const plane of ["envoy", "lattice", "appmesh"])
    it(`create (${plane}): one rotated key; every log group of the plan uses it, and its policy lets Logs use it for exactly those groups`, async () => {
      const plan = await planOf("dev", withKey("create", plane));
      const [key] = ofType(plan, KEY);
      assert.equal(ofType(plan, KEY).length, 1);
      assert.equal(key.inputs.enableKeyRotation, true);
      const groups = ofType(plan, GROUP);
      assert.ok(groups.length > 2);
      assert.ok(groups.some((g) => String(g.inputs.name).startsWith("/ecs-exec/")), "the ECS Exec sessions group is among them");
      const arn = `arn:aws:kms:${plan.model.region}:{unknown:account}:key/{unknown:${key.name}.id}`;
      assert.deepEqual(groups.filter((g) => g.inputs.kmsKeyId !== arn).map((g) => g.name), [], "every group is encrypted with the key");
      const doc = policy({ ...key, inputs: { policy: key.inputs.policy } } as any);
      const logs = doc.Statement.find((s: any) => s.Principal.Service);
      assert.equal(logs.Principal.Service, `logs.${plan.model.region}.amazonaws.com`);
      const allowed: string[] = logs.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"];
      assert.deepEqual([...allowed].sort(), groups.map((g) => `arn:aws:logs:${plan.model.region}:{unknown:account}:log-group:${g.inputs.name}`).sort(), "the key serves the plan's groups, no other");
      assert.deepEqual(meshLogGroups(plan.model), groups.map((g) => g.inputs.name as string).sort());
      // Nobody but the account administers it; no other principal is named.
      assert.deepEqual(doc.Statement.map((s: any) => s.Principal.AWS ?? s.Principal.Service).sort(), ["arn:aws:iam::{unknown:account}:root", `logs.${plan.model.region}.amazonaws.com`].sort());
      assert.match(String(named(plan, "mesh-logs-key-alias").inputs.name), /^alias\/.+-logs$/);
    });

  it("a key ARN: no key is created, every group uses that one", async () => {
    const arn = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    const plan = await planOf("dev", withKey(arn));
    assert.deepEqual(ofType(plan, KEY), []);
    assert.deepEqual([...new Set(ofType(plan, GROUP).map((g) => g.inputs.kmsKeyId))], [arn]);
  });

  it("nothing said: CloudWatch Logs' own encryption, no key", async () => {
    const plan = await planOf("dev", (c) => { delete c["fargate-mesh:topology"].logs; delete c["fargate-mesh:environment"]?.logs; });
    assert.deepEqual(ofType(plan, KEY), []);
    assert.deepEqual(ofType(plan, GROUP).filter((g) => g.inputs.kmsKeyId !== undefined).map((g) => g.name), []);
  });

  it("refuses an alias or anything but create or a key ARN, with its path", () => {
    for (const bad of ["alias/logs", "arn:aws:kms:us-east-1:123456789012:alias/logs", "yes"])
      assert.deepEqual(at(issues(withChange("dev", (t) => { t.logs = { kmsKey: bad }; })), "logs.kmsKey"),
        ["must be create, or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; CloudWatch Logs takes no alias)"], bad);
    assert.equal(model(withChange("dev", (t) => { t.logs = { kmsKey: "create" }; })).logs.kmsKey, "create");
  });
});
