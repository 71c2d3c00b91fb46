/**
 * npm run check -- (--stack <name> | --config <file> | --all-stacks)
 * Runs the policy pack against offline plans; mandatory violations (or invalid config) exit 1.
 */
import { blocking, checkPlan, reportText } from "./check-core";
import { plan, planSources } from "./plan-core";
import { issuesText } from "./plan-format";

async function main() {
  const argv = process.argv.slice(2);
  const at = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
  const sources = planSources({ all: argv.includes("--all-stacks"), stack: at("--stack"), config: at("--config") });
  if (!sources.length || argv.some((a) => a.startsWith("--") && !["--all-stacks", "--stack", "--config"].includes(a))) {
    process.stderr.write("usage: npm run check -- (--stack <name> | --config <file> | --all-stacks)\n");
    process.exit(2);
  }
  let failed = false;
  for (const src of sources) {
    const r = await plan(src);
    if (!r.ok) { process.stderr.write(issuesText(r.stack, r.issues) + "\n"); failed = true; continue; }
    const { findings, issues } = await checkPlan(r.plan);
    if (issues.length) { process.stderr.write(issuesText(r.plan.stack, issues) + "\n"); failed = true; }
    process.stdout.write(reportText(r.plan.stack, findings) + "\n");
    failed ||= blocking(findings).length > 0;
  }
  process.exit(failed ? 1 : 0);
}

// Errors a user can act on (an unreadable YAML file, say) print as messages; anything else keeps its stack.
main().catch((e) => { process.stderr.write(`${e instanceof Error ? (e.name === "YamlFileError" ? e.message : e.stack) : String(e)}\n`); process.exit(1); });
