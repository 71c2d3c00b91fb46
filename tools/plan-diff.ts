/**
 * npm run diff -- (--stack <name> | --config <file> | --all-stacks) [--base <git revision | plan.json>] [--format text|json|markdown]
 * The plan diff on its own: what a change of the description does, against the last commit
 * unless told otherwise. The same as `plan --diff <base>`, named for what a reviewer asks.
 */
import { parseFlags, SOURCE_OPTIONS, sourceFlags, usageExit } from "./args";
import { exitOnError, main as plan } from "./plan";

export const FLAGS = { "--stack": "value", "--config": "value", "--all-stacks": "flag", "--base": "value", "--format": "value", "--json": "flag", "--verbose": "flag" } as const;
const FORMATS = ["text", "json", "markdown"] as const;
const usage = usageExit({
  tool: "diff",
  forms: ["(--stack <name> | --config <file> | --all-stacks) [--base <git revision | plan.json>] [--format text|json|markdown] [--json] [--verbose]"],
  about: "Plans stacks offline and compares each with its base: resources added, removed and changed, and the change in a reviewer's words. Exit 0 with or without changes; 1 for invalid config or a base that cannot be planned, 2 for wrong arguments.",
  options: [
    SOURCE_OPTIONS.stack, SOURCE_OPTIONS.config, SOURCE_OPTIONS.all,
    ["--base <base>", "a git revision (HEAD, the default; its config, and in this repository its code too) or a plan saved with plan --json"],
    ["--format <format>", "text (the default), json or markdown (for a pull request)"],
    ["--json", "the same as --format json"],
    ["--verbose", "each changed input by its full path too"],
  ],
});

function parseArgs(argv: string[]) {
  const p = parseFlags(argv, FLAGS, usage);
  const format = p.flag["--json"] ? "json" : p.value["--format"] ?? "text";
  if (!(FORMATS as readonly string[]).includes(format)) usage(`--format must be one of ${FORMATS.join(", ")}`);
  return { ...sourceFlags(p, usage), format: format as (typeof FORMATS)[number], diff: p.value["--base"] ?? "HEAD", verbose: p.flag["--verbose"] };
}

if (require.main === module) plan(parseArgs(process.argv.slice(2))).catch(exitOnError);
