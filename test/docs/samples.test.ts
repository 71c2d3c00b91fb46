import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../../stacks/files";
import { generate, LOCK, stale } from "../../tools/docs-samples";
import { abridge, findSamples, render, replaceBlocks } from "../../tools/docs/samples";
import { fingerprint } from "../../tools/docs/scratch";

const MARKED = [
  "Text.",
  '<!-- sample: routes --stack dev --from gateway "GET /router" -H "x-beta-user: true" | edit stacks/Pulumi.dev.yaml "a:\\n  b" => "c" | head 3 | tail 1 | exit 1 -->',
  "```console\nold\n```",
  "<!-- /sample -->",
  "<!-- sample: plan --stack prod --format markdown | raw markdown -->",
  "<!-- /sample -->",
  "",
].join("\n");

describe("sample blocks in the documents", () => {
  it("name their command, its edits and the rules that abridge it", () => {
    const { samples, problems } = findSamples("doc.md", MARKED);
    assert.deepEqual(problems, []);
    const [a, b] = samples;
    assert.deepEqual([a.line, a.tool, a.args, a.argsText], [2, "routes", ["--stack", "dev", "--from", "gateway", "GET /router", "-H", "x-beta-user: true"], '--stack dev --from gateway "GET /router" -H "x-beta-user: true"']);
    assert.deepEqual(a.edits, [{ file: "stacks/Pulumi.dev.yaml", from: "a:\n  b", to: "c" }]);
    assert.deepEqual([a.head, a.tail, a.exit, a.raw, a.current], [3, 1, 1, false, "```console\nold\n```\n"]);
    assert.deepEqual([b.tool, b.raw, b.lang, b.exit, b.current], ["plan", true, "markdown", 0, ""]);
  });

  it("report a marker without its end and a rule they do not know, with file and line", () => {
    const { problems } = findSamples("doc.md", "a\n<!-- sample: plan --stack dev | first 3 -->\n<!-- /sample -->\n<!-- sample: check --stack dev -->\n");
    assert.equal(problems.length, 2);
    assert.match(problems[0], /^doc\.md:2: rule "first 3" is none of: edit/);
    assert.match(problems[1], /^doc\.md:4: sample "check --stack dev" has no closing <!-- \/sample -->/);
  });

  it("keep the first and last lines they declare, with ... where lines were left out", () => {
    const lines = ["1", "2", "3", "4", "5", "6"];
    assert.deepEqual(abridge(lines, 2, 1), ["1", "2", "...", "6"]);
    assert.deepEqual(abridge(lines, 2), ["1", "2", "..."]);
    assert.deepEqual(abridge(lines, undefined, 2), ["...", "5", "6"]);
    assert.deepEqual(abridge(lines, 3, 3), lines);
    assert.deepEqual(abridge(lines), lines);
  });

  it("show the command as typed, in a fence longer than any backticks of the output", () => {
    const [a, b] = findSamples("doc.md", MARKED).samples;
    assert.equal(render(a, "l1\nl2\nl3\nl4\nl5\n\n"), '```console\n$ npm run routes -- --stack dev --from gateway "GET /router" -H "x-beta-user: true"\nl1\nl2\nl3\n...\nl5\n```\n');
    assert.equal(render(b, "## Plan\n```mermaid\nx\n```"), "````markdown\n## Plan\n```mermaid\nx\n```\n````\n");
  });

  it("are stale when a block differs from its command's output, and only then", () => {
    const { samples } = findSamples("doc.md", MARKED);
    const same = { file: "doc.md", before: MARKED, after: MARKED, samples };
    assert.deepEqual(stale([same]), []);
    const after = replaceBlocks(MARKED, samples, ["```console\nnew\n```\n", ""]);
    assert.deepEqual(stale([{ ...same, after }]), [`doc.md:2: sample "${samples[0].spec}"`]);
    assert.ok(after.includes("Text.\n<!-- sample: routes") && after.endsWith("<!-- /sample -->\n"));
  });

  it("match a fresh run of their commands, without touching the project's files", async function () {
    // Several offline plans, two at a time: about half a minute on an idle machine, minutes on a loaded one.
    this.timeout(900000);
    const lock = fs.readFileSync(path.join(PROJECT_DIR, LOCK), "utf8");
    const now = fingerprint(PROJECT_DIR);
    if (now !== lock) {
      // The samples show the shipped reference stacks; a user's own edit of them is not drift.
      const changed = now.split("\n").filter((l) => l && !lock.split("\n").includes(l)).map((l) => l.split("  ")[1]);
      process.stderr.write(`docs samples: not compared, the description files differ from ${LOCK} (${changed.join(", ")}); npm run docs-samples regenerates them\n`);
      this.skip();
    }
    const generated = await generate();
    assert.ok(generated.some((g) => g.samples.length > 0));
    assert.deepEqual(stale(generated), [], "run npm run docs-samples");
    assert.equal(fingerprint(PROJECT_DIR), now, "the samples' edits stay in their scratch copies");
  });
});
