/**
 * The doc comments of the zod schema (model/schema/*.ts), for the JSON Schema's `description`s,
 * so an editor's hover says what the TypeScript says. zod keeps no comments at runtime, so they
 * are read from the sources: each `z.strictObject({ … })` literal's properties and their
 * comments, keyed by the literal's set of property names, which is how the generated JSON
 * Schema's objects are matched back to them.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** Property name -> comment, by the object's sorted property names joined with ",". */
export type DocsByShape = Map<string, Record<string, string>>;

export const shapeKey = (names: string[]) => [...names].sort().join(",");

export function schemaDocs(dir: string): DocsByShape {
  const out: DocsByShape = new Map();
  const conflicting = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts")).sort()) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && /(^|\.)(strictObject|object)$/.test(node.expression.getText(source)) && node.arguments[0] && ts.isObjectLiteralExpression(node.arguments[0])) {
        const props = node.arguments[0].properties.filter(ts.isPropertyAssignment);
        // A spread hides names this literal gets elsewhere: its shape cannot be matched.
        if (props.length === node.arguments[0].properties.length) {
          const docs: Record<string, string> = {};
          for (const p of props) {
            const doc = comment(text, p);
            if (doc) docs[p.name.getText(source).replace(/^["']|["']$/g, "")] = doc;
          }
          const key = shapeKey(props.map((p) => p.name.getText(source).replace(/^["']|["']$/g, "")));
          // Two objects of one shape with different comments: neither is certain, so say nothing.
          if (out.has(key) && JSON.stringify(out.get(key)) !== JSON.stringify(docs)) conflicting.add(key);
          out.set(key, docs);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  for (const k of conflicting) out.delete(k);
  return out;
}

/** The `/** … *\/` comment right before a property, as one line of prose. */
function comment(text: string, node: ts.Node): string | undefined {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const doc = ranges.filter((r) => text.startsWith("/**", r.pos)).pop();
  if (!doc) return undefined;
  return text.slice(doc.pos + 3, doc.end - 2)
    .split("\n").map((l) => l.replace(/^\s*\*?\s?/, "").trim()).join(" ")
    .replace(/\s+/g, " ").trim();
}
