/** Plan diffs for terminals and for pull-request comments (Markdown with a Mermaid topology). */
import type { PlanDiff, ResourceChange } from "./diff";
import { hasChanges, summaryLine } from "./diff";
import { actionText, FoldedChange, foldChanges, lineMark, unfoldedChanges } from "./diff-fold";
import { mermaid } from "./mermaid";
import type { PlanDocument } from "./plan-document";

/** `verbose`: every changed input by its full path, instead of folded into what it means. */
export interface DiffOptions { verbose?: boolean }

const changeLines = (c: ResourceChange, o: DiffOptions): FoldedChange[] => (o.verbose ? unfoldedChanges(c) : foldChanges(c));

export function diffText(d: PlanDiff, o: DiffOptions = {}): string {
  const lines = [summaryLine(d)];
  if (!hasChanges(d)) return lines.join("\n");
  for (const s of d.summary) lines.push(`  ${s}`);
  lines.push("");
  for (const r of d.added) lines.push(`  + ${r.type}  ${r.name}`);
  for (const r of d.removed) lines.push(`  - ${r.type}  ${r.name}`);
  for (const c of d.changed) {
    const changes = changeLines(c, o);
    lines.push(`  ${c.action === "replace" ? "±" : "~"} ${c.resource.type}  ${c.resource.name}: ${actionText(c, changes)}`);
    for (const l of changes) lines.push(`      ${lineMark(c, changes, l)}${l.text}`);
  }
  return lines.join("\n");
}

const md = (s: string) => s.replace(/\|/g, "\\|");

/** One section per stack: summary, reviewer lines, resource changes, weights before/after, topology. */
/** An expected routing (from the stack's expectations file) whose answer the change moves. */
export interface MovedExpectation { request: string; before: string; after: string }

export function diffMarkdown(d: PlanDiff, head: PlanDocument, moved: MovedExpectation[] = [], o: DiffOptions = {}): string {
  const out = [`### Stack \`${d.stack}\``, "", `**${summaryLine(d).replace(/^Stack \S+: /, "")}**`, ""];
  if (d.summary.length) out.push(...d.summary.map((s) => `- ${md(s)}`), "");
  if (hasChanges(d)) {
    out.push("<details><summary>Resource changes</summary>", "", "| | Resource | Type | What changes |", "|---|---|---|---|");
    for (const r of d.added) out.push(`| + | \`${r.name}\` | \`${r.type}\` | created |`);
    for (const r of d.removed) out.push(`| - | \`${r.name}\` | \`${r.type}\` | deleted |`);
    for (const c of d.changed) {
      const changes = changeLines(c, o);
      out.push(`| ${c.action === "replace" ? "±" : "~"} | \`${c.resource.name}\` | \`${c.resource.type}\` | ${md(actionText(c, changes))}:<br>${changes.map((l) => md(lineMark(c, changes, l) + l.text)).join("<br>")} |`);
    }
    out.push("", "</details>", "");
  }
  if (d.routes.length) {
    out.push("| Router | Route | Target | Before | After |", "|---|---|---|---|---|");
    for (const r of d.routes) out.push(`| ${r.router} | ${r.route} | ${r.target} | ${r.before ?? "–"}${r.before === undefined ? "" : "%"} | ${r.after ?? "–"}${r.after === undefined ? "" : "%"}${r.before !== r.after ? " ⬅" : ""} |`);
    out.push("");
  }
  if (moved.length) {
    out.push("Expected routings this change moves (update the expectations file if that is the intent):", "", "| Request | Before | After |", "|---|---|---|");
    for (const m of moved) out.push(`| \`${md(m.request)}\` | ${md(m.before)} | ${md(m.after)} |`);
    out.push("");
  }
  out.push("<details><summary>Topology</summary>", "", "```mermaid", mermaid(head.mesh), "```", "", "</details>", "");
  return out.join("\n");
}

export const COMMENT_MARKER = "<!-- fargate-mesh offline plan -->";

/** The report's header names the stacks it holds and the command that made it, as run. */
export function markdownReport(sections: string[], stacks: string[], command: string): string {
  const which = `${stacks.length === 1 ? "stack" : "stacks"} ${stacks.map((s) => `\`${s}\``).join(", ")}`;
  return [COMMENT_MARKER, "## Offline plan (fargate-mesh)", "", `Computed without cloud credentials for ${which}: \`${command}\`.`, "", ...sections].join("\n");
}
