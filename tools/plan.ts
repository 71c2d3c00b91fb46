/**
 * npm run plan -- --stack <name> | --config <file> [--json]
 * Prints what the stack would create, offline. Invalid config: the errors, exit status 1.
 */
import { plan, PlanSource } from "./plan-core";
import { issuesText, planJson, planText } from "./plan-format";

function parseArgs(argv: string[]) {
  const out: { stack?: string; config?: string; json: boolean } = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--stack") out.stack = argv[++i];
    else if (a === "--config") out.config = argv[++i];
    else if (a === "--json") out.json = true;
    else usage(`unknown argument ${a}`);
  }
  if (!out.stack === !out.config) usage("give exactly one of --stack <name> or --config <file>");
  return out;
}

function usage(problem: string): never {
  process.stderr.write(`${problem}\nusage: npm run plan -- (--stack <name> | --config <file>) [--json]\n`);
  process.exit(2);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const src: PlanSource = args.stack ? { stack: args.stack } : { configFile: args.config! };
  const result = await plan(src);
  if (!result.ok) {
    process.stderr.write(issuesText(result.stack, result.issues) + "\n");
    process.exit(1);
  }
  process.stdout.write((args.json ? planJson(result.plan) : planText(result.plan)) + "\n");
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
