/**
 * GIVEN a copy of the project in which every stack's weights and one of its images are changed,
 * as a user changes them, and its expectations moved to the new split, THEN the checks the
 * suite applies to stacks/ pass on the copy: none of them depends on a value a user edits.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { validateMesh } from "../../model/load";
import { meshInput, PROJECT_DIR, stackConfig, stackFile } from "../../stacks/files";
import { describeStackChecks } from "./checks";
import { editedCopy } from "./edited-copy";

describe("an edited copy of the project's stacks (new weights and image, expectations moved)", function () {
  this.timeout(60000);
  const { dir, edits } = editedCopy(PROJECT_DIR);
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("differs from stacks/ in the weights and images it changed", () => {
    const modelOf = (project: string, stack: string) => {
      const r = validateMesh(meshInput(stackConfig(stackFile(stack, project), project), stack));
      assert.ok(r.ok, `${project}: stack ${stack} is invalid`);
      return r.model;
    };
    assert.ok(edits.some((e) => e.route) && edits.some((e) => e.image), `no stack had weights and an image to change: ${JSON.stringify(edits)}`);
    for (const e of edits) {
      const [before, after] = [modelOf(PROJECT_DIR, e.stack), modelOf(dir, e.stack)];
      if (e.route) {
        const shares = (m: typeof before) => Object.fromEntries(m.routers.find((r) => r.key === e.route!.router)!.routes.find((r) => r.key === e.route!.route)!.targets.map((t) => [t.node, t.percent]));
        assert.notDeepEqual(shares(before), shares(after), `${e.stack}: the split moved`);
        for (const [node, share] of Object.entries(e.route.shares)) assert.ok(Math.abs(shares(after)[node] - share) <= 0.05, `${e.stack} ${node}: ${shares(after)[node]}% planned, ${share}% written`);
      }
      if (e.image) {
        const image = (m: typeof before) => m.nodes.find((n) => n.key === e.image!.service)!.containers[0].image;
        assert.deepEqual([image(before), image(after)], [e.image.before, e.image.after], e.stack);
        assert.notEqual(e.image.before, e.image.after);
      }
    }
  });

  describeStackChecks(dir);
});
