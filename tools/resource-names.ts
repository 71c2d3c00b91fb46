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
import { plan } from "./plan-core";

export const NAMES_FIXTURE = path.join(PROJECT_DIR, "test/fixtures/resource-names.json");
/** The project the table is of: the tests' own (test/helpers.ts FIXTURE). */
const FIXTURE_PROJECT = path.join(PROJECT_DIR, "test/fixtures/colors");

export async function resourceNames(stack: string): Promise<string[]> {
  const r = await plan({ stack, project: FIXTURE_PROJECT });
  if (!r.ok) throw new Error(`stack ${stack} is invalid`);
  return r.plan.resources.map((x) => `${x.type} ${x.name}`);
}

if (require.main === module) {
  (async () => {
    const out: Record<string, string[]> = {};
    for (const s of listStacks(FIXTURE_PROJECT)) out[s] = await resourceNames(s);
    fs.writeFileSync(NAMES_FIXTURE, JSON.stringify(out, null, 2) + "\n");
    process.stdout.write(`wrote ${NAMES_FIXTURE}\n`);
  })();
}
