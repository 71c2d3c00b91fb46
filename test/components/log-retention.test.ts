import { strict as assert } from "assert";
import { at, issues, withChange } from "../helpers";
import { ofType, planOf } from "./plan-helpers";
import { LOG_RETENTION_PERIODS } from "../../model/schema/topology";

const GROUP = "aws:cloudwatch/logGroup:LogGroup";

describe("logs.retentionDays", () => {
  it("sets every log group the mesh creates, on each data plane", async () => {
    for (const plane of ["envoy", "lattice"]) {
      const plan = await planOf("dev", (c) => {
        c["fargate-mesh:topology"].dataPlane = plane;
        c["fargate-mesh:topology"].logs = { retentionDays: 400 };
      });
      const groups = ofType(plan, GROUP);
      assert.ok(groups.length > 2, plane);
      assert.deepEqual(groups.filter((g) => g.inputs.retentionInDays !== 400).map((g) => g.name), [], plane);
    }
  });

  it("keeps 30 days when the description says nothing", async () => {
    const plan = await planOf("dev", (c) => { delete c["fargate-mesh:topology"].logs; delete c["fargate-mesh:environment"]?.logs; });
    assert.deepEqual([...new Set(ofType(plan, GROUP).map((g) => g.inputs.retentionInDays))], [30]);
  });

  it("refuses a period CloudWatch Logs does not offer, with its path", () => {
    const list = issues(withChange("dev", (t) => { t.logs = { retentionDays: 42 }; }));
    assert.deepEqual(at(list, "logs.retentionDays"), [`must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_PERIODS.join(", ")}`]);
  });
});
