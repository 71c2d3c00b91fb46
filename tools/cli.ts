#!/usr/bin/env node
/**
 * `fargate-mesh <command> [options]`: the offline tools as the installed package's command, run
 * in the user's own Pulumi project (the nearest folder at or above the current one that holds a
 * Pulumi.yaml), on their stack files. The package ships these commands compiled; the repository's
 * other tools (rehearse, bench, api-limits, resource-names) need root, test fixtures or files
 * outside the package, and stay `npm run` scripts of the repository.
 */
import * as path from "path";
import { findProject, useProject } from "../stacks/files";
import { setProgram } from "./args";

const PROGRAM = "fargate-mesh";

/** Each command, the tool file that runs it, and what it does in a line. */
export const COMMANDS: Record<string, { tool: string; about: string }> = {
  plan: { tool: "plan", about: "plan stacks offline: what `pulumi up` would create, with no account" },
  diff: { tool: "plan-diff", about: "what a change does: the plan against the last commit (or any revision or saved plan)" },
  check: { tool: "check", about: "run the policy pack against offline plans" },
  "envoy-config": { tool: "envoy-config", about: "print one Envoy's bootstrap as its task definition carries it" },
  routes: { tool: "routes", about: "say where a request goes, or check the stack's expected routings" },
};

export function cliUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    `usage: ${PROGRAM} <command> [options]`,
    "",
    "The offline tools of fargate-mesh, run in your Pulumi project: the nearest folder at or above this one with a Pulumi.yaml, and the stack files in its stackConfigDir.",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([c, { about }]) => `  ${c.padEnd(width)}  ${about}`),
    "",
    `${PROGRAM} <command> --help lists the command's options.`,
  ].join("\n");
}

function main(argv: string[]): void {
  const [command, ...args] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(cliUsage() + "\n");
    process.exit(0);
  }
  const entry = COMMANDS[command];
  if (!entry) {
    process.stderr.write(`unknown command ${command}\n${cliUsage()}\n`);
    process.exit(2);
  }
  // Help needs no project; everything else reads the user's, never this package's.
  const project = findProject(process.cwd());
  if (!project && !args.some((a) => a === "--help" || a === "-h")) {
    process.stderr.write(`${PROGRAM} ${command}: no Pulumi.yaml in ${process.cwd()} or any folder above it; run it inside your Pulumi project\n`);
    process.exit(1);
  }
  if (project) useProject(project);
  setProgram(PROGRAM);
  // Run the tool as the main module, as `node <tool>` would (tools run only when they are main).
  // Compiled, this file is .js and so are the tools beside it; under ts-node both are .ts.
  process.argv = [process.argv[0], path.join(__dirname, entry.tool + path.extname(__filename)), ...args];
  require("module").runMain();
}

if (require.main === module) main(process.argv.slice(2));
