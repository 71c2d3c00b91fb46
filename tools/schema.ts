/**
 * Writes the JSON Schemas of the stack-file format (tools/json-schema/) to schema/, where the
 * package ships them for YAML editors. Run after changing model/schema:
 *   npm run schema              write schema/*.json
 *   npm run schema -- --check   exit 1 if the checked-in files differ from a fresh generation
 */
import * as fs from "fs";
import * as path from "path";
import { parseFlags, usageExit } from "./args";
import { schemaTexts, SCHEMA_DIR } from "./json-schema/documents";

export const FLAGS = { "--check": "flag" } as const;
const usage = usageExit({
  tool: "schema",
  forms: ["[--check]"],
  about: "Writes the JSON Schemas of the stack-file format, generated from model/schema, to schema/. Exit 1 with --check when they are out of date, 2 for wrong arguments.",
  options: [["--check", "compare schema/*.json with a fresh generation instead of writing them"]],
});

/** The files of schema/ that differ from a fresh generation (missing ones included). */
export function staleSchemas(dir = SCHEMA_DIR): string[] {
  return Object.entries(schemaTexts())
    .filter(([file, text]) => !fs.existsSync(path.join(dir, file)) || fs.readFileSync(path.join(dir, file), "utf8") !== text)
    .map(([file]) => file);
}

if (require.main === module) {
  const args = parseFlags(process.argv.slice(2), FLAGS, usage);
  if (args.flag["--check"]) {
    const stale = staleSchemas();
    if (stale.length) {
      process.stderr.write(`out of date with model/schema: ${stale.map((f) => `schema/${f}`).join(", ")}; run npm run schema\n`);
      process.exit(1);
    }
    process.stdout.write("schema/ is up to date\n");
  } else {
    fs.mkdirSync(SCHEMA_DIR, { recursive: true });
    for (const [file, text] of Object.entries(schemaTexts())) fs.writeFileSync(path.join(SCHEMA_DIR, file), text);
    process.stdout.write(`wrote ${Object.keys(schemaTexts()).map((f) => `schema/${f}`).join(", ")}\n`);
  }
}
