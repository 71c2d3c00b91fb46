import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
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

  it("the comment it posts is headed by the stacks planned and the command the workflow ran", function () {
    this.timeout(300000); // every stack planned twice, each a process
    const step = pr.jobs["offline-plan"].steps.find((s: any) => s.name === "Offline plan diff of every stack");
    const args = /^npm run --silent plan -- (.*) > plan\.md$/.exec(step.run)![1].split(" ");
    const saved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fm-workflow-")), "base.json");
    const plan = (argv: string[]) => spawnSync(process.execPath, ["tools/run.js", "plan", ...argv], { cwd: PROJECT_DIR, encoding: "utf8" });
    fs.writeFileSync(saved, plan(["--all-stacks", "--json"]).stdout);
    const stacks = JSON.parse(fs.readFileSync(saved, "utf8")).stacks.map((d: any) => d.stack);
    // The workflow's own arguments, with a saved plan standing in for the base branch.
    const asRun = args.map((a) => (a === '"$BASE"' ? saved : a));
    const report = plan(asRun);
    assert.equal(report.status, 0, report.stderr);
    assert.ok(report.stdout.includes(`for stacks ${stacks.map((s: string) => `\`${s}\``).join(", ")}: \`npm run plan -- ${asRun.join(" ")}\`.`), report.stdout.slice(0, 500));
  });

  it("posts one comment, found again by its marker, without running the pull request's code", () => {
    const script = comment.jobs.comment.steps.find((s: any) => s.uses?.startsWith("actions/github-script@")).with.script;
    assert.ok(script.includes(COMMENT_MARKER));
    assert.ok(!steps(comment).some((s: any) => s.uses?.startsWith("actions/checkout@")));
    assert.ok(!read(".github/workflows/pull-request.yml").includes("pr-number"), "the artifact carries no pull request number");
  });

  describe("the comment script, run against a fake GitHub API", () => {
    const script = comment.jobs.comment.steps.find((s: any) => s.uses?.startsWith("actions/github-script@")).with.script;
    const SHA = "a".repeat(40);
    const BOT = { login: "github-actions[bot]", type: "Bot" };

    /** Runs the script as actions/github-script does, in a folder holding the artifact's files. */
    async function runScript(opts: { comments: any[]; artifact: Record<string, string>; pulls?: any[] }) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-comment-"));
      for (const [f, text] of Object.entries(opts.artifact)) fs.writeFileSync(path.join(dir, f), text);
      const calls: { method: string; args: any }[] = [];
      const api = (method: string, result: (args: any) => any) => async (args: any) => { calls.push({ method, args }); return { data: result(args) }; };
      const pulls = opts.pulls ?? [{ number: 42, head: { sha: SHA }, base: { repo: { full_name: "acme/mesh" } } }];
      const github = {
        rest: {
          pulls: { list: api("pulls.list", () => pulls) },
          issues: {
            listComments: api("issues.listComments", () => opts.comments),
            updateComment: api("issues.updateComment", () => ({})),
            createComment: api("issues.createComment", () => ({})),
          },
        },
        paginate: async (fn: any, args: any) => (await fn(args)).data,
      };
      const context = {
        repo: { owner: "acme", repo: "mesh" },
        payload: { workflow_run: { head_sha: SHA, head_branch: "feature", head_repository: { owner: { login: "forker" } }, pull_requests: [] } },
      };
      const core = { info: () => undefined };
      const fakeRequire = (m: string) => (m === "fs" ? { ...fs, readFileSync: (f: string, e: any) => fs.readFileSync(path.join(dir, f), e) } : require(m));
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
      await new AsyncFunction("github", "context", "core", "require", script)(github, context, core, fakeRequire);
      return calls;
    }

    it("finds the pull request from the run's head commit, whatever number a fork writes into the artifact", async () => {
      const calls = await runScript({ comments: [], artifact: { "plan.md": `${COMMENT_MARKER}\nplan`, "pr-number.txt": "1" } });
      assert.deepEqual(calls.find((c) => c.method === "pulls.list")!.args, { owner: "acme", repo: "mesh", state: "open", head: "forker:feature" });
      const created = calls.filter((c) => c.method === "issues.createComment");
      assert.deepEqual(created.map((c) => c.args.issue_number), [42]);
      assert.ok(!calls.some((c) => c.args.issue_number === 1));
    });

    it("posts nothing when no open pull request has the run's head commit", async () => {
      const calls = await runScript({ comments: [], artifact: { "plan.md": "plan" }, pulls: [{ number: 7, head: { sha: "b".repeat(40) }, base: { repo: { full_name: "acme/mesh" } } }] });
      assert.deepEqual(calls.map((c) => c.method), ["pulls.list"]);
    });

    it("updates only the comment its own bot wrote, never a user's comment that copies the marker", async () => {
      const comments = [
        { id: 1, user: { login: "mallory", type: "User" }, body: `${COMMENT_MARKER} mine now` },
        { id: 2, user: BOT, body: `${COMMENT_MARKER}\nold plan` },
      ];
      const calls = await runScript({ comments, artifact: { "plan.md": `${COMMENT_MARKER}\nnew plan` } });
      assert.deepEqual(calls.filter((c) => c.method === "issues.updateComment").map((c) => c.args.comment_id), [2]);
      const onlyUser = await runScript({ comments: [comments[0]], artifact: { "plan.md": `${COMMENT_MARKER}\nnew plan` } });
      assert.deepEqual(onlyUser.filter((c) => c.method.startsWith("issues.") && c.method !== "issues.listComments").map((c) => c.method), ["issues.createComment"]);
    });
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
