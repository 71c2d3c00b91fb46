import { strict as assert } from "assert";
import * as fs from "fs";
import { NAMES_FIXTURE } from "../../tools/resource-names";
import { planOf } from "./plan-helpers";

/** A known-good table: the Pulumi identities of every reference stack's resources. */
describe("resource identities stay stable", () => {
  const frozen = JSON.parse(fs.readFileSync(NAMES_FIXTURE, "utf8")) as Record<string, string[]>;
  for (const stack of Object.keys(frozen)) {
    it(`${stack}: the same types and names as the frozen table (npm run resource-names to change it on purpose)`, async () => {
      const plan = await planOf(stack);
      assert.deepEqual(plan.resources.map((r) => `${r.type} ${r.name}`), frozen[stack]);
    });
  }
});
