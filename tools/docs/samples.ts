/**
 * Sample output blocks in README.md and docs/*.md, and how each is regenerated. A block is
 * written between two HTML comments (invisible on GitHub) that name the command it shows:
 *
 *   <!-- sample: plan --stack staging --diff HEAD | edit stacks/Pulumi.staging.yaml "green: 4" => "green: 3" | head 20 -->
 *   ```console
 *   $ npm run plan -- --stack staging --diff HEAD
 *   …the command's output…
 *   ```
 *   <!-- /sample -->
 *
 * The part before the first `|` is the command: a tool of tools/ and its arguments, run as
 * `npm run <tool> -- <arguments>` would (npm's own two-line banner left out). After it, rules:
 * - `edit <file> "<text>" => "<text>"`: made in the scratch copy before the command runs (the
 *   edit the prose asks the reader to make); the copy is restored afterwards;
 * - `head N`, `tail N`: keep the first N and/or last M lines, with `...` where lines were left out;
 * - `exit N`: the exit status the command is expected to end with (default 0);
 * - `raw`: the block holds the output alone, no `$` line (for output that is itself Markdown).
 * Quoted words are JSON strings. Nothing here runs anything: see scratch.ts.
 */

export interface Edit { file: string; from: string; to: string }
export interface Sample {
  /** Where the block is: file and the marker's line (1-based), for messages. */
  file: string;
  line: number;
  /** The marker as written after `sample:`, which names the block in messages. */
  spec: string;
  tool: string;
  args: string[];
  /** The arguments as written in the marker, for the `$` line. */
  argsText: string;
  edits: Edit[];
  head?: number;
  tail?: number;
  exit: number;
  raw: boolean;
  lang: string;
  /** The block as it stands in the file: everything between the two markers. */
  current: string;
  /** Offsets of `current` in the file's text. */
  start: number;
  end: number;
}

/** Splits on spaces, keeping "double quoted" words (JSON strings) whole. */
export function words(text: string): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|\S+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && m[1]) out.push(m[1].startsWith('"') ? JSON.parse(m[1]) : m[1]);
  return out;
}

/** A marker starts its line; an example of one in the prose is indented. */
const OPEN = /^<!-- sample: (.*?) -->\n/gm;
const CLOSE = "<!-- /sample -->";

/** Every sample block of one document, or the list of problems with its markers. */
export function findSamples(file: string, text: string): { samples: Sample[]; problems: string[] } {
  const samples: Sample[] = [];
  const problems: string[] = [];
  for (const m of text.matchAll(OPEN)) {
    const line = text.slice(0, m.index).split("\n").length;
    const where = `${file}:${line}`;
    const start = m.index! + m[0].length;
    const end = text.indexOf(CLOSE, start);
    if (end < 0) { problems.push(`${where}: sample "${m[1]}" has no closing ${CLOSE}`); continue; }
    const [command, ...rules] = m[1].split(" | ");
    const [tool, ...args] = words(command);
    const s: Sample = { file, line, spec: m[1], tool, args, argsText: command.slice(tool.length).trim(), edits: [], exit: 0, raw: false, lang: "console", current: text.slice(start, end), start, end };
    for (const rule of rules) {
      const [name, ...rest] = words(rule);
      if (name === "edit" && rest.length === 4 && rest[2] === "=>") s.edits.push({ file: rest[0], from: rest[1], to: rest[3] });
      else if ((name === "head" || name === "tail" || name === "exit") && rest.length === 1 && /^\d+$/.test(rest[0])) s[name] = Number(rest[0]);
      else if (name === "raw" && rest.length <= 1) { s.raw = true; s.lang = rest[0] ?? "text"; }
      else problems.push(`${where}: rule "${rule}" is none of: edit <file> "<text>" => "<text>", head N, tail N, exit N, raw [language]`);
    }
    samples.push(s);
  }
  return { samples, problems };
}

/** Keeps the first `head` and last `tail` lines, with `...` where lines were left out. */
export function abridge(lines: string[], head?: number, tail?: number): string[] {
  if (head === undefined && tail === undefined) return lines;
  const h = head ?? 0;
  const t = tail ?? 0;
  if (lines.length <= h + t) return lines;
  return [...lines.slice(0, h), "...", ...(t ? lines.slice(-t) : [])];
}

/** The block for a command's output: a fence longer than any run of backticks inside it. */
export function render(s: Sample, output: string): string {
  const lines = abridge(output.replace(/\s+$/, "").split("\n"), s.head, s.tail);
  const body = (s.raw ? [] : [`$ npm run ${s.tool} -- ${s.argsText}`]).concat(lines).join("\n");
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((r) => r[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${s.lang}\n${body}\n${fence}\n`;
}

/** The document with each sample's block replaced by its new text (same order as `samples`). */
export function replaceBlocks(text: string, samples: Sample[], blocks: string[]): string {
  let out = "";
  let at = 0;
  samples.forEach((s, i) => { out += text.slice(at, s.start) + blocks[i]; at = s.end; });
  return out + text.slice(at);
}
