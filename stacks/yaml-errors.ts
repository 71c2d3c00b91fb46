/**
 * A YAML error as a user can act on it. The parser reports where it stopped, which is often
 * not where the mistake stands: an unclosed `[` or quote is reported at the next line, a key
 * indented one space short at column 1. Where the two differ, the message says both.
 */
import { isCollection, isMap, isScalar, isSeq, LineCounter, Node, parseDocument, YAMLParseError } from "yaml";

interface KeyAt { path: string[]; key: string; start: number; value: unknown }

export function yamlErrorText(file: string, text: string, e: YAMLParseError): string {
  const at = e.linePos?.[0];
  const what = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  if (!at) return `${file}: ${what}`;
  const lines = new LineCounter();
  // Parsed again without the duplicate-key rule, so a file with a duplicate still has its whole tree.
  const keys = keysOf(parseDocument(text, { uniqueKeys: false, lineCounter: lines }).contents, []);
  const offset = e.pos[0];
  const pos = (o: number) => { const p = lines.linePos(o); return `line ${p.line}, column ${p.col}`; };
  const where = `${file}:${at.line}:${at.col}: ${what}`;

  if (e.code === "DUPLICATE_KEY") {
    const dup = keys.find((k) => k.start === offset);
    return dup ? `${where} (${configPath(dup.path)} is written twice)` : where;
  }
  // A value cut short (an unclosed quote or flow list): the parser stops after it; name its key.
  const cut = keys.filter((k) => isValueCutAt(k.value, offset)).pop();
  if (cut) return `${where} (in the value of ${configPath(cut.path)}, whose key stands at ${pos(cut.start)})`;
  // A key misplaced on its line (indentation, a tab): the parser stops before it, at the line's start.
  const line = lines.linePos(offset).line;
  const next = keys.filter((k) => k.start > offset && lines.linePos(k.start).line === line).sort((a, b) => a.start - b.start)[0];
  // Its path is not given: after a misplaced key the parser's guess of where it belongs is not the user's.
  if (next) return `${where} (the key ${next.key} stands at ${pos(next.start)})`;
  return where;
}

function isValueCutAt(value: unknown, offset: number): boolean {
  const range = (value as Node | null)?.range;
  const flowOrScalar = isScalar(value) || (isCollection(value) && (value as any).flow === true);
  return !!range && flowOrScalar && range[0] < offset && offset <= range[1];
}

/** Every map key of a document with its path, in document order. */
function keysOf(node: unknown, at: string[]): KeyAt[] {
  if (isMap(node)) return node.items.flatMap((pair) => {
    const key = isScalar(pair.key) ? String(pair.key.value) : "?";
    const start = (pair.key as Node | null)?.range?.[0];
    const here = start === undefined ? [] : [{ path: [...at, key], key, start, value: pair.value }];
    return [...here, ...keysOf(pair.value, [...at, key])];
  });
  if (isSeq(node)) return node.items.flatMap((item, i) => keysOf(item, [...at, `[${i}]`]));
  return [];
}

/** `config.fargate-mesh:topology.services.red`, as the file spells it. */
function configPath(path: string[]): string {
  return path.join(".").replace(/\.\[/g, "[");
}
