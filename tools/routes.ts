/**
 * npm run routes -- (--stack <name> | --config <file>) --from <service|gateway> "<METHOD> <url or path>" [-H "name: value"]...
 * npm run routes -- (--stack <name> | --config <file> | --all-stacks) --check
 * Says where a request goes, from the planned configuration of the stack's data plane; --check
 * verifies the stack's expectations file. Exit 1 for a failed expectation or invalid config.
 */
import * as fs from "fs";
import { parseFlags, SOURCE_OPTIONS, sourceFlags, usageExit } from "./args";
import { plan, planSources } from "./plan-core";
import { toDocument } from "./plan-document";
import { issuesText } from "./plan-format";
import { routeRequest } from "./routing";
import { checkExpectations, expectationsFile, readExpectations } from "./routing/expectations";
import { parseRequest } from "./routing/request";

export const FLAGS = { "--stack": "value", "--config": "value", "--all-stacks": "flag", "--from": "value", "-H": "list", "--header": "list", "--check": "flag" } as const;
const usage = usageExit({
  tool: "routes",
  forms: ['(--stack <name> | --config <file>) --from <service|gateway> "<METHOD> <url or path>" [-H "name: value"]...', "(--stack <name> | --config <file> | --all-stacks) --check"],
  about: "Says where a request goes, from the planned configuration of the stack's data plane; --check verifies the stack's expectations file (routes.<stack>.yaml beside its stack file). Exit 1 for a failed expectation or invalid config, 2 for wrong arguments.",
  options: [
    SOURCE_OPTIONS.stack, SOURCE_OPTIONS.config, [SOURCE_OPTIONS.all[0], "every stack of the project (with --check)"],
    ["--from <caller>", "the service that sends the request, or gateway for a request from outside"],
    ["-H, --header <name: value>", "a request header; repeat for more"],
    ["--check", "check every expectation of the stack's expectations file"],
  ],
});

function parseArgs(argv: string[]) {
  const p = parseFlags(argv, FLAGS, usage, true);
  const out = { ...sourceFlags(p, usage), from: p.value["--from"], request: p.positional, headers: [...p.list["-H"], ...p.list["--header"]], check: p.flag["--check"] };
  if (out.check === (out.request !== undefined)) usage("give either --check or a request");
  if (!out.check && (out.all || !out.from)) usage("a request needs one stack and --from <service|gateway>");
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let failed = false;
  for (const src of planSources(args)) {
    const r = await plan(src);
    if (!r.ok) { process.stderr.write(issuesText(r.stack, r.issues) + "\n"); failed = true; continue; }
    const doc = toDocument(r.plan);
    if (!args.check) {
      const answer = routeRequest(doc, args.from!, parseRequest(args.request!, args.headers));
      process.stdout.write(`${args.request} from ${args.from} (stack ${r.plan.stack}, ${r.plan.model.dataPlane} data plane)\n${answer.steps.map((s) => `  ${s}`).join("\n")}\n`);
      continue;
    }
    const file = expectationsFile(src);
    if (!fs.existsSync(file)) { process.stdout.write(`Stack ${r.plan.stack}: no expectations (${file})\n`); continue; }
    const results = checkExpectations(doc, readExpectations(file));
    const bad = results.filter((x) => !x.ok).length;
    process.stdout.write(`Stack ${r.plan.stack}: ${results.length - bad} of ${results.length} expectations hold (${file})\n${results.map((x) => `  ${x.message}`).join("\n")}\n`);
    failed ||= bad > 0;
  }
  process.exit(failed ? 1 : 0);
}

if (require.main === module) main().catch((e) => { process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`); process.exit(1); });
