import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../../stacks/files";
import { documents } from "../../tools/docs-samples";
import { anchors, brokenLinks } from "./markdown-links";

const read = (f: string) => fs.readFileSync(path.join(PROJECT_DIR, f), "utf8");

describe("the README", () => {
  it("stays a short guide: at most 260 lines", () => {
    const lines = read("README.md").split("\n").length;
    assert.ok(lines <= 260, `README.md has ${lines} lines; move detail to docs/`);
  });

  it("links to every topic of docs/", () => {
    const topics = ["description", "data-planes", "reviewing-changes", "policies", "components", "deploying", "development"];
    for (const t of topics) assert.ok(read("README.md").includes(`](docs/${t}.md)`), `README.md links to docs/${t}.md`);
    assert.ok(read("README.md").includes("](docs/data-planes.md#where-the-data-planes-behave-differently)"));
  });

  it("gives the two commands that .ci/run runs on a clean clone", () => {
    const section = read("README.md").split("## Two commands")[1].split("\n## ")[0];
    const block = section.match(/```sh\n([\s\S]*?)```/)![1];
    const commands = block.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean).flatMap((l) => l.split("&&").map((c) => c.trim()));
    assert.deepEqual(commands.slice(0, 1), ["npm ci"]);
    assert.ok(commands.includes("npm test"), "one command runs the tests");
    const ci = read(".ci/run").split("\n").map((l) => l.trim());
    for (const c of commands) assert.ok(ci.some((l) => l === c || l.startsWith(`${c} `)), `.ci/run runs ${c}`);
  });
});

describe("links in README.md and docs/", () => {
  it("name an existing file, and an existing heading where they name one", () => {
    assert.deepEqual(documents().flatMap((f) => brokenLinks(PROJECT_DIR, f)), []);
  });

  it("are told apart from broken ones: a missing file, a missing heading, a link inside code", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-links-"));
    try {
      fs.mkdirSync(path.join(dir, "docs"));
      fs.writeFileSync(path.join(dir, "docs", "a.md"), "# A title\n\n## Where `x` differs (here)\n\n## Where `x` differs (here)\n");
      fs.writeFileSync(path.join(dir, "README.md"), [
        "[ok](docs/a.md) [ok](docs/a.md#where-x-differs-here) [ok](docs/a.md#where-x-differs-here-1) [web](https://example.com/x.md)",
        "[gone](docs/b.md) [no heading](docs/a.md#nowhere) `[in code](docs/c.md)`",
        "```md\n[in a fence](docs/d.md)\n```",
      ].join("\n"));
      assert.deepEqual(brokenLinks(dir, "README.md"), ["README.md: docs/b.md: no such file", "README.md: docs/a.md#nowhere: no heading #nowhere in docs/a.md"]);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it("use GitHub's anchors for headings", () => {
    assert.deepEqual([...anchors("# Data planes: Envoy, VPC Lattice and App Mesh\n## The offline plan: `npm run plan`\n## Checked against Pulumi's own launch paths\n")],
      ["data-planes-envoy-vpc-lattice-and-app-mesh", "the-offline-plan-npm-run-plan", "checked-against-pulumis-own-launch-paths"]);
  });
});
