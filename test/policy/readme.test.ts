import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy/policies";
import { PROJECT_DIR } from "../../stacks/files";

describe("the README's policy table", () => {
  it("lists every policy with its upstream rule, level and check", () => {
    const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
    for (const p of policies)
      assert.ok(readme.includes(`| \`${p.name}\` | ${p.info.upstream} | ${p.info.enforcementLevel} | ${p.info.checks} |`), p.name);
  });
});
