import { PROJECT_DIR } from "../../stacks/files";
import { describeStackChecks } from "./checks";

/** The project's own Pulumi.yaml and stacks/: checked for properties only (checks.ts). */
describe("the project's stacks (stacks/)", function () {
  this.timeout(60000);
  describeStackChecks(PROJECT_DIR);
});
