/**
 * npm run plan -- (--stack <name> | --config <file> | --all-stacks)
 *                 [--format text|json|markdown|mermaid] [--json] [--diff <git revision | plan.json>] [--verbose]
 * Plans stacks offline; with --diff, compares them with a base (--verbose: each changed input by
 * its full path, not folded into what it means). Invalid config: the errors, exit 1.
 */
import * as fs from "fs";
import { ConfigFileError } from "../stacks/files";
import { parseFlags, SOURCE_OPTIONS, sourceFlags, usageExit } from "./args";
import { documentsAtRevision, documentsFromFile, isRevision } from "./base-plan";
import { diffPlans, hasChanges, PlanDiff } from "./diff";
import { diffMarkdown, diffText, markdownReport, MovedExpectation } from "./diff-format";
import { answers, expectationsFile, readExpectations } from "./routing/expectations";
import { mermaid } from "./mermaid";
import { plan, PlanSource, planSources } from "./plan-core";
import { PlanDocument, toDocument } from "./plan-document";
import { issuesText, planText } from "./plan-format";

const FORMATS = ["text", "json", "markdown", "mermaid"] as const;
type Format = (typeof FORMATS)[number];

export const FLAGS = { "--stack": "value", "--config": "value", "--all-stacks": "flag", "--json": "flag", "--format": "value", "--diff": "value", "--verbose": "flag" } as const;
const usage = usageExit({
  tool: "plan",
  forms: ["(--stack <name> | --config <file> | --all-stacks) [--format text|json|markdown|mermaid] [--json] [--diff <git revision | plan.json> [--verbose]]"],
  about: "Plans stacks offline: what `pulumi up` would create, under Pulumi's mocks, with no account. Exit 1 for invalid config or a base that cannot be planned, 2 for wrong arguments.",
  options: [
    SOURCE_OPTIONS.stack, SOURCE_OPTIONS.config, SOURCE_OPTIONS.all,
    ["--format <format>", "text (the default), json (the plan document), markdown or mermaid (the topology diagram)"],
    ["--json", "the same as --format json"],
    ["--diff <base>", "compare with a base: a git revision (its config, and in this repository its code too) or a plan saved with --json"],
    ["--verbose", "with --diff, each changed input by its full path too"],
  ],
});

function parseArgs(argv: string[]) {
  const p = parseFlags(argv, FLAGS, usage);
  const format = (p.flag["--json"] ? "json" : p.value["--format"] ?? "text") as Format;
  if (!FORMATS.includes(format)) usage(`--format must be one of ${FORMATS.join(", ")}`);
  return { ...sourceFlags(p, usage), format, diff: p.value["--diff"], verbose: p.flag["--verbose"] };
}

export async function main(args: ReturnType<typeof parseArgs> = parseArgs(process.argv.slice(2))) {
  const sources = planSources(args);
  const docs: PlanDocument[] = [];
  const texts: string[] = [];
  let invalid = false;
  for (const src of sources) {
    const r = await plan(src);
    if (!r.ok) { process.stderr.write(issuesText(r.stack, r.issues) + "\n"); invalid = true; continue; }
    docs.push(toDocument(r.plan));
    texts.push(planText(r.plan));
  }
  if (invalid) process.exit(1);

  if (args.diff === undefined) {
    const body = args.format === "json" ? JSON.stringify(args.all ? { stacks: docs } : docs[0], null, 2)
      : args.format === "mermaid" ? docs.map((d) => mermaid(d.mesh)).join("\n\n")
      : args.format === "markdown" ? docs.map((d) => `### Stack \`${d.stack}\`\n\n\`\`\`mermaid\n${mermaid(d.mesh)}\n\`\`\``).join("\n\n")
      : texts.join("\n\n");
    process.stdout.write(body + "\n");
    return;
  }

  const bases = await loadBases(args.diff, sources, docs);
  const diffs = docs.map((d, i) => diffPlans(bases[i], d));
  const body = args.format === "json" ? JSON.stringify(args.all ? { stacks: diffs } : diffs[0], null, 2)
    : args.format === "markdown" ? markdownReport(diffs.map((d, i) => diffMarkdown(d, docs[i], movedExpectations(sources[i], bases[i], docs[i], d), args)), docs.map((d) => d.stack), commandLine())
    : diffs.map((d) => diffText(d, args)).join("\n\n");
  process.stdout.write(body + "\n");
  if (!diffs.some(hasChanges) && args.format === "text") process.stdout.write("No changes.\n");
}

/** This command as it was run, for the report's header. */
function commandLine(): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`);
  return ["npm run plan --", ...process.argv.slice(2).map(quote)].join(" ");
}

/** For a change that moves route weights: the stack's expected routings whose answers differ. */
function movedExpectations(src: PlanSource, base: PlanDocument | undefined, head: PlanDocument, d: PlanDiff): MovedExpectation[] {
  const file = expectationsFile(src);
  if (!base || !d.routes.some((r) => r.before !== r.after) || !fs.existsSync(file)) return [];
  const expectations = readExpectations(file);
  const [before, after] = [answers(base, expectations), answers(head, expectations)];
  return after.map((a, i) => ({ request: a.request, before: before[i].answer, after: a.answer })).filter((m) => m.before !== m.after);
}

async function loadBases(base: string, sources: PlanSource[], docs: PlanDocument[]): Promise<(PlanDocument | undefined)[]> {
  if (base.endsWith(".json") && fs.existsSync(base)) {
    const saved = documentsFromFile(base);
    // A saved plan of other stacks is a mistake, not "everything is new".
    const missing = docs.filter((d) => !saved.some((s) => s.stack === d.stack)).map((d) => d.stack);
    if (missing.length) throw new ConfigFileError(`${base}: has no plan of stack ${missing.join(", ")} (it holds ${saved.map((s) => s.stack).join(", ")})`);
    return docs.map((d) => saved.find((s) => s.stack === d.stack));
  }
  // A base that cannot be read is a failed base (exit 1), as the README says; not a usage error.
  if (!isRevision(base)) throw new ConfigFileError(`--diff ${base}: neither a saved plan (an existing .json file) nor a git revision`);
  return documentsAtRevision(base, sources);
}

export function exitOnError(e: unknown): never {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}

if (require.main === module) main().catch(exitOnError);
