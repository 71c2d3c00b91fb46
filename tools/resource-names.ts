/**
 * Writes the frozen table of Pulumi resource identities (type and name) of every stack of the
 * tests' own project (test/fixtures/colors, not the user's stacks/) to
 * test/fixtures/resource-names.json. A test compares fresh plans with it, so a refactor cannot
 * silently rename, and so replace, a resource. Regenerate only on purpose:
 *   npm run resource-names
 */
import * as fs from "fs";
import * as path from "path";
import { listStacks, PROJECT_DIR } from "../stacks/files";
import { parseFlags, usageExit } from "./args";
import { plan } from "./plan-core";
import { issuesText } from "./plan-format";

export const NAMES_FIXTURE = path.join(PROJECT_DIR, "test/fixtures/resource-names.json");
/** The project the table is of: the tests' own (test/helpers.ts FIXTURE). */
const FIXTURE_PROJECT = path.join(PROJECT_DIR, "test/fixtures/colors");

export const FLAGS = {} as const;
const usage = usageExit({
  tool: "resource-names",
  forms: [""],
  about: `Rewrites ${path.relative(PROJECT_DIR, NAMES_FIXTURE)}, the frozen type and name of every resource of every reference stack, from fresh plans. Run it only on purpose: a rename there replaces a resource in the cloud. It takes no options. Exit 1 for an invalid stack (the fixture is left as it was), 2 for wrong arguments.`,
  options: [],
});

export async function resourceNames(stack: string): Promise<string[]> {
  const r = await plan({ stack, project: FIXTURE_PROJECT });
  if (!r.ok) throw new Error(issuesText(r.stack, r.issues));
  return r.plan.resources.map((x) => `${x.type} ${x.name}`);
}

if (require.main === module) {
  parseFlags(process.argv.slice(2), FLAGS, usage);
  (async () => {
    const out: Record<string, string[]> = {};
    for (const s of listStacks(FIXTURE_PROJECT)) out[s] = await resourceNames(s);
    fs.writeFileSync(NAMES_FIXTURE, JSON.stringify(out, null, 2) + "\n");
    process.stdout.write(`wrote ${NAMES_FIXTURE}\n`);
  })().catch((e) => { process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`); process.exit(1); });
}
