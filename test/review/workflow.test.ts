import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../../stacks/files";
import { COMMENT_MARKER } from "../../tools/diff-format";

const read = (f: string) => fs.readFileSync(path.join(PROJECT_DIR, f), "utf8");
const workflow = (f: string) => parse(read(`.github/workflows/${f}`), { uniqueKeys: true });
const steps = (wf: any) => Object.values(wf.jobs).flatMap((j: any) => j.steps);

describe("GitHub workflows", () => {
  const pr = workflow("pull-request.yml");
  const comment = workflow("plan-comment.yml");

  it("are GitHub Actions workflows with jobs that run on a runner and have steps", () => {
    for (const wf of [pr, comment]) {
      assert.equal(typeof wf.name, "string");
      assert.ok(wf.on);
      for (const [name, job] of Object.entries<any>(wf.jobs)) {
        assert.match(job["runs-on"], /^ubuntu-/, name);
        assert.ok(Array.isArray(job.steps) && job.steps.length, name);
        for (const s of job.steps) assert.ok(("uses" in s) !== ("run" in s), `${name}: a step either uses an action or runs a command`);
      }
    }
    assert.ok("pull_request" in pr.on);
    assert.deepEqual(comment.on.workflow_run.workflows, [pr.name]);
  });

  it("pins every action to an exact version", () => {
    for (const s of [...steps(pr), ...steps(comment)].filter((s: any) => s.uses))
      assert.match(s.uses, /@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/, s.uses);
  });

  it("runs the tests, then the offline plan diff the README documents, against the base branch", () => {
    assert.deepEqual(pr.jobs.test.steps.filter((s: any) => s.run).map((s: any) => s.run), ["npm ci", "npm run typecheck", "npm test"]);
    assert.deepEqual(pr.jobs["offline-plan"].needs, "test");
    const plan = pr.jobs["offline-plan"].steps.find((s: any) => s.name === "Offline plan diff of every stack");
    assert.equal(plan.env.BASE, "origin/${{ github.base_ref }}");
    assert.ok(read("README.md").includes(plan.run.replace('"$BASE"', "origin/main")), `README documents: ${plan.run}`);
    assert.equal(pr.jobs["offline-plan"].steps[0].with["fetch-depth"], 0);
  });

  it("posts one comment, found again by its marker, without running the pull request's code", () => {
    const script = comment.jobs.comment.steps.find((s: any) => s.uses?.startsWith("actions/github-script@")).with.script;
    assert.ok(script.includes(COMMENT_MARKER));
    assert.ok(script.includes("updateComment") && script.includes("createComment"));
    assert.ok(!steps(comment).some((s: any) => s.uses?.startsWith("actions/checkout@")));
  });

  it("runs the real pulumi preview only when the repository opted in, per stack, with the official action", () => {
    const job = pr.jobs.preview;
    assert.match(job.if, /vars\.PULUMI_PREVIEW == 'true'/);
    assert.match(job.if, /head\.repo\.full_name == github\.repository/);
    assert.deepEqual(job.strategy.matrix.stack, ["dev", "staging", "prod"]);
    const pulumi = job.steps.find((s: any) => s.uses?.startsWith("pulumi/actions@"));
    assert.equal(pulumi.with.command, "preview");
    assert.equal(pulumi.with["comment-on-pr"], true);
    assert.equal(pulumi.env.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
  });
});
