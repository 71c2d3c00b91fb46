/**
 * The command line of every tool: flags that take a value, flags alone, repeatable flags and
 * one positional argument, parsed one way. `--help` (or `-h`) prints the usage on stdout and
 * exits 0 before anything else runs, so asking for help never plans, writes or fails. Wrong
 * arguments print the problem and the usage on stderr, and exit 2.
 */
export type FlagKinds = Record<string, "value" | "flag" | "list">;

export interface Parsed {
  value: Record<string, string | undefined>;
  flag: Record<string, boolean>;
  list: Record<string, string[]>;
  positional?: string;
}

/** What `--help` prints: the forms of the command line, what it does, and a line per option. */
export interface Usage {
  /** The tool's name under both programs: `npm run <tool> --` and `fargate-mesh <tool>`. */
  tool: string;
  /** The forms of the command line, each after the program and tool name. */
  forms: string[];
  about: string;
  /** `["--stack <name>", "what it is"]`: every flag the parser accepts, as written on the line. */
  options: [string, string][];
}

export type Fail = ((problem: string) => never) & { usage?: Usage };

/** How the user started the tools: `npm run plan --` in this repository, `fargate-mesh plan` once installed. */
let program = (tool: string, args = true) => `npm run ${tool}${args ? " --" : ""}`;
export function setProgram(name: string): void {
  program = (tool) => `${name} ${tool}`;
}

const formsText = (u: Usage) => u.forms.map((f, i) => `${i ? "      " : "usage:"} ${program(u.tool, !!f)}${f ? ` ${f}` : ""}`).join("\n");

/** Words wrapped at `width` columns, each line after the first indented by `indent`. */
function wrap(text: string, width: number, indent = ""): string {
  const lines = [""];
  for (const w of text.split(" ")) {
    if (lines.at(-1)!.length && lines.at(-1)!.length + w.length + 1 > width) lines.push(indent);
    lines[lines.length - 1] += (lines.at(-1)!.trim() ? " " : "") + w;
  }
  return lines.join("\n");
}

export function usageText(u: Usage): string {
  const width = Math.max("-h, --help".length, ...u.options.map(([o]) => o.length));
  const option = ([o, text]: [string, string]) => `  ${o.padEnd(width)}  ${wrap(text, 100 - width - 4, " ".repeat(width + 4))}`;
  return [formsText(u), "", wrap(u.about, 100), "", "options:", ...[...u.options, ["-h, --help", "print this text and exit"] as [string, string]].map(option)].join("\n");
}

export function usageExit(usage: Usage): Fail {
  const fail: Fail = (problem) => {
    process.stderr.write(`${problem}\n${formsText(usage)}\n(${program(usage.tool)} --help lists every option)\n`);
    process.exit(2);
  };
  fail.usage = usage;
  return fail;
}

const isHelp = (a: string) => a === "--help" || a === "-h";

export function parseFlags(argv: string[], kinds: FlagKinds, fail: Fail, positional = false): Parsed {
  if (fail.usage && argv.some(isHelp)) {
    process.stdout.write(usageText(fail.usage) + "\n");
    process.exit(0);
  }
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

/** The options every command that plans shares: where the plans' config comes from. */
export const SOURCE_OPTIONS: Record<"stack" | "config" | "all", [string, string]> = {
  stack: ["--stack <name>", "a stack of the project: its Pulumi.<name>.yaml (in the folder Pulumi.yaml's stackConfigDir names) over Pulumi.yaml's config"],
  config: ["--config <file>", "any file in the stack-file format, over Pulumi.yaml's config"],
  all: ["--all-stacks", "every stack of the project"],
};

/** Where plans come from: exactly one of --stack, --config and (where allowed) --all-stacks. */
export function sourceFlags(p: Parsed, fail: (problem: string) => never, extra: string[] = []): { stack?: string; config?: string; all: boolean } {
  const given = [p.value["--stack"], p.value["--config"], p.flag["--all-stacks"] || undefined, ...extra.map((f) => p.value[f])].filter((x) => x !== undefined);
  const names = ["--stack <name>", "--config <file>", ...("--all-stacks" in p.flag ? ["--all-stacks"] : []), ...extra.map((f) => `${f} <file>`)];
  if (given.length !== 1) fail(`give exactly one of ${names.slice(0, -1).join(", ")}${names.length > 2 ? "," : ""} or ${names.at(-1)}`);
  return { stack: p.value["--stack"], config: p.value["--config"], all: p.flag["--all-stacks"] ?? false };
}
