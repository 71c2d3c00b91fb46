/**
 * npm run docs-samples [-- --check]
 * Regenerates every sample output block of README.md and docs/*.md from the real commands
 * (tools/docs/samples.ts says how a block is marked), and records in docs/samples.lock the
 * description files they were generated from. With --check it writes nothing and exits 1 when
 * a block differs from a fresh generation.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../stacks/files";
import { parseFlags, usageExit } from "./args";
import { findSamples, render, replaceBlocks, Sample } from "./docs/samples";
import { fingerprint, runAll } from "./docs/scratch";

export const LOCK = "docs/samples.lock";

export const FLAGS = { "--check": "flag" } as const;
const usage = usageExit({
  tool: "docs-samples",
  forms: ["[--check]"],
  about: `Regenerates every sample output block of README.md and docs/*.md from the real commands, and records in ${LOCK} the description files they were generated from. Exit 1 for a failed sample or, with --check, one that differs; 2 for wrong arguments.`,
  options: [["--check", "write nothing; exit 1 when a block differs from a fresh generation"]],
});

/** README.md and every docs/*.md, relative to the project. */
export function documents(root = PROJECT_DIR): string[] {
  const docs = fs.existsSync(path.join(root, "docs")) ? fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`) : [];
  return ["README.md", ...docs];
}

export interface Generated { file: string; before: string; after: string; samples: Sample[] }

/** Every document with its samples regenerated; throws one message listing every broken marker or failed command. */
export async function generate(root = PROJECT_DIR): Promise<Generated[]> {
  const found = documents(root).map((file) => ({ file, text: fs.readFileSync(path.join(root, file), "utf8") }))
    .map((d) => ({ ...d, ...findSamples(d.file, d.text) }));
  const problems = found.flatMap((d) => d.problems);
  const all = found.flatMap((d) => d.samples);
  const outcomes = problems.length ? [] : await runAll(root, all);
  all.forEach((s, i) => {
    const o = outcomes[i];
    if (o && o.status !== s.exit) problems.push(`${s.file}:${s.line}: sample "${s.spec}" exited ${o.status}, expected ${s.exit}:\n${o.output}`);
  });
  if (problems.length) throw new Error(`docs samples: ${problems.length} problem${problems.length > 1 ? "s" : ""}:\n  - ${problems.join("\n  - ")}`);
  let i = 0;
  return found.map((d) => {
    const blocks = d.samples.map((s) => render(s, outcomes[i++].output));
    return { file: d.file, before: d.text, after: replaceBlocks(d.text, d.samples, blocks), samples: d.samples };
  });
}

/** The samples whose block differs from a fresh generation, as `file:line: sample "…"`. */
export function stale(generated: Generated[]): string[] {
  return generated.flatMap((g) => {
    const fresh = findSamples(g.file, g.after).samples;
    return g.samples.filter((s, i) => s.current !== fresh[i].current).map((s) => `${s.file}:${s.line}: sample "${s.spec}"`);
  });
}

async function main() {
  const check = parseFlags(process.argv.slice(2), FLAGS, usage).flag["--check"];
  const generated = await generate();
  const count = generated.reduce((n, g) => n + g.samples.length, 0);
  if (check) {
    const out = stale(generated);
    process.stdout.write(out.length ? `${out.length} of ${count} samples differ from their commands' output (npm run docs-samples rewrites them):\n  ${out.join("\n  ")}\n` : `${count} samples match their commands' output.\n`);
    process.exit(out.length ? 1 : 0);
  }
  for (const g of generated) if (g.after !== g.before) fs.writeFileSync(path.join(PROJECT_DIR, g.file), g.after);
  fs.writeFileSync(path.join(PROJECT_DIR, LOCK), fingerprint(PROJECT_DIR));
  process.stdout.write(`${count} samples regenerated in ${generated.filter((g) => g.samples.length).length} files; ${LOCK} written.\n`);
}

if (require.main === module) main().catch((e) => { process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`); process.exit(1); });
