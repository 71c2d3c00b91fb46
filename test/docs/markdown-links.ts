/**
 * Relative links in Markdown and the anchors GitHub gives headings, so that a test can say
 * which link of which document points nowhere.
 */
import * as fs from "fs";
import * as path from "path";

/** The text outside fenced code blocks, where a heading is a heading. */
function unfenced(text: string): string {
  return text.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1`*\s*$/gm, "");
}

/** The text outside fenced code blocks and inline code, where a link is a link. */
function prose(text: string): string {
  return unfenced(text).replace(/`[^`\n]*`/g, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of unfenced(text).replace(/`([^`\n]*)`/g, "$1").matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1].toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** Every relative link of `file` (relative to `root`) that names no existing file, or no heading of it. */
export function brokenLinks(root: string, file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const broken: string[] = [];
  for (const m of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1];
    if (/^[a-z]+:/i.test(target)) continue;
    const [rel, anchor] = target.split("#");
    const dest = rel ? path.join(path.dirname(path.join(root, file)), rel) : path.join(root, file);
    if (!fs.existsSync(dest)) { broken.push(`${file}: ${target}: no such file`); continue; }
    if (anchor !== undefined && !(fs.statSync(dest).isFile() && anchors(fs.readFileSync(dest, "utf8")).has(anchor)))
      broken.push(`${file}: ${target}: no heading #${anchor} in ${path.relative(root, dest) || file}`);
  }
  return broken;
}
