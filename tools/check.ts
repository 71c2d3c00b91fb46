/**
 * npm run check -- (--stack <name> | --config <file> | --all-stacks | --plan <saved plan.json>) [--verbose]
 * Runs the policy pack against offline plans (or a plan saved with `npm run plan -- --json`);
 * prints each stack's verdict, each violation, and each excepted policy once with its counts
 * (--verbose: every excepted resource);
 * mandatory violations, invalid config or an unusable file exit 1; wrong arguments exit 2.
 */
import { ConfigFileError } from "../stacks/files";
import { parseFlags, SOURCE_OPTIONS, sourceFlags, usageExit } from "./args";
import { documentsFromFile } from "./base-plan";
import { blocking, checkExceptions, checkPlan, checkResources, reportText } from "./check-core";
import { plan, planSources } from "./plan-core";
import { issuesText } from "./plan-format";

export const FLAGS = { "--stack": "value", "--config": "value", "--all-stacks": "flag", "--plan": "value", "--verbose": "flag" } as const;
const usage = usageExit({
  tool: "check",
  forms: ["(--stack <name> | --config <file> | --all-stacks | --plan <saved plan.json>) [--verbose]"],
  about: "Runs the policy pack against offline plans, or against a plan saved with plan --json. Exit 1 for a mandatory violation, invalid config or an unusable file, 2 for wrong arguments.",
  options: [SOURCE_OPTIONS.stack, SOURCE_OPTIONS.config, SOURCE_OPTIONS.all, ["--plan <file>", "a plan saved with plan --json, as a reviewer received it"],
    ["--verbose", "list every resource of an excepted advisory policy, not one line per policy"]],
});

function parseArgs(argv: string[]) {
  const p = parseFlags(argv, FLAGS, usage);
  return { ...sourceFlags(p, usage, ["--plan"]), plan: p.value["--plan"], verbose: p.flag["--verbose"] };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let failed = false;
  let folded = false;
  const finish = () => {
    if (folded && !args.verbose) process.stdout.write("(--verbose lists each excepted resource)\n");
    process.exit(failed ? 1 : 0);
  };
  if (args.plan) {
    // What a reviewer was sent: the saved plan's resources, with the exceptions it carries.
    for (const doc of documentsFromFile(args.plan)) {
      const exceptions = doc.exceptions ?? {};
      const issues = checkExceptions(exceptions);
      if (issues.length) { process.stderr.write(issuesText(doc.stack, issues) + "\n"); failed = true; continue; }
      const findings = await checkResources(doc.stack, doc.resources, exceptions);
      process.stdout.write(reportText(doc.stack, findings, { ...args, exceptions }) + "\n");
      failed ||= blocking(findings).length > 0;
      folded ||= findings.some((f) => f.exception);
    }
    finish();
  }
  for (const src of planSources(args)) {
    const r = await plan(src);
    if (!r.ok) { process.stderr.write(issuesText(r.stack, r.issues) + "\n"); failed = true; continue; }
    const { findings, issues } = await checkPlan(r.plan);
    if (issues.length) { process.stderr.write(issuesText(r.plan.stack, issues) + "\n"); failed = true; }
    process.stdout.write(reportText(r.plan.stack, findings, { ...args, exceptions: r.plan.model.exceptions }) + "\n");
    failed ||= blocking(findings).length > 0;
    folded ||= findings.some((f) => f.exception);
  }
  finish();
}

// A file that cannot be used prints its reason; anything unexpected keeps its stack.
if (require.main === module) main().catch((e) => { process.stderr.write(`${e instanceof ConfigFileError ? e.message : e instanceof Error ? e.stack : String(e)}\n`); process.exit(1); });
