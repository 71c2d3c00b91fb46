/**
 * The command line of every tool: flags that take a value, flags alone, repeatable flags and
 * one positional argument, parsed one way. Wrong arguments print the problem and the usage, and
 * exit 2.
 */
export type FlagKinds = Record<string, "value" | "flag" | "list">;

export interface Parsed {
  value: Record<string, string | undefined>;
  flag: Record<string, boolean>;
  list: Record<string, string[]>;
  positional?: string;
}

export function usageExit(usage: string): (problem: string) => never {
  return (problem) => {
    process.stderr.write(`${problem}\n${usage}\n`);
    process.exit(2);
  };
}

export function parseFlags(argv: string[], kinds: FlagKinds, fail: (problem: string) => never, positional = false): Parsed {
  const out: Parsed = { value: {}, flag: {}, list: {} };
  for (const [name, kind] of Object.entries(kinds)) if (kind === "flag") out.flag[name] = false; else if (kind === "list") out.list[name] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const kind = Object.prototype.hasOwnProperty.call(kinds, a) ? kinds[a] : undefined;
    if (kind === "flag") out.flag[a] = true;
    else if (kind) {
      const v = argv[++i] ?? fail(`${a} needs a value`);
      if (kind === "list") out.list[a].push(v); else out.value[a] = v;
    } else if (positional && !a.startsWith("-") && out.positional === undefined) out.positional = a;
    else fail(`unknown argument ${a}`);
  }
  return out;
}

/** Where plans come from: exactly one of --stack, --config and (where allowed) --all-stacks. */
export function sourceFlags(p: Parsed, fail: (problem: string) => never, extra: string[] = []): { stack?: string; config?: string; all: boolean } {
  const given = [p.value["--stack"], p.value["--config"], p.flag["--all-stacks"] || undefined, ...extra.map((f) => p.value[f])].filter((x) => x !== undefined);
  const names = ["--stack <name>", "--config <file>", ...("--all-stacks" in p.flag ? ["--all-stacks"] : []), ...extra.map((f) => `${f} <file>`)];
  if (given.length !== 1) fail(`give exactly one of ${names.slice(0, -1).join(", ")}${names.length > 2 ? "," : ""} or ${names.at(-1)}`);
  return { stack: p.value["--stack"], config: p.value["--config"], all: p.flag["--all-stacks"] ?? false };
}
