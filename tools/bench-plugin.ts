/**
 * The component package's start-up, as Pulumi starts it (tools/plugin-host.ts): from spawn until
 * it listens, and until GetSchema is served, for plugin/ and, side by side in the same run, for a
 * minimal component package (one component with one string input, in a scratch folder beside
 * this repository's node_modules): the floor the Node SDK's host and analyzer set. Alternating,
 * median of several starts; read the ratio. plugin/ runs compiled JavaScript when `npm run build`
 * made it (the plugin's own entry point decides), TypeScript otherwise.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../stacks/files";
import { fakeEngine, grpc, provPb, provRpc, startPlugin, unary } from "./plugin-host";

const PLUGIN_DIR = path.join(PROJECT_DIR, "plugin");

/** A component package with one component that does nothing, beside the project's node_modules. */
function minimalPackage(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-min-plugin-"));
  fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "minimal", version: "0.0.1", main: "index.js" }));
  fs.writeFileSync(path.join(dir, "PulumiPlugin.yaml"), "runtime: nodejs\n");
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, types: [], lib: ["es2020"], module: "commonjs" }, files: ["index.ts"] }));
  const source = `import { ComponentResource, type ComponentResourceOptions } from "@pulumi/pulumi/resource";
import type { Output } from "@pulumi/pulumi/output";
export interface MinimalArgs { /** A name. */ name: string }
export class Minimal extends ComponentResource {
  readonly name!: Output<string>;
  constructor(name: string, args: MinimalArgs, opts?: ComponentResourceOptions) { super("minimal:index:Minimal", name, {}, opts); }
}
`;
  fs.writeFileSync(path.join(dir, "index.ts"), source);
  // The same class, as the compiled JavaScript a package would ship.
  fs.writeFileSync(path.join(dir, "index.js"), `"use strict";
const { ComponentResource } = require("@pulumi/pulumi/resource");
class Minimal extends ComponentResource { constructor(name, args, opts) { super("minimal:index:Minimal", name, {}, opts); } }
exports.Minimal = Minimal;
`);
  return dir;
}

async function once(dir: string, engine: string): Promise<{ listen: number; schema: number }> {
  const t0 = Date.now();
  const p = await startPlugin(engine, dir);
  const client = new provRpc.ResourceProviderClient(`127.0.0.1:${p.port}`, grpc.credentials.createInsecure());
  try {
    await unary(client, "getSchema", new provPb.GetSchemaRequest());
    return { listen: p.ms, schema: Date.now() - t0 };
  } finally { client.close(); p.child.kill(); }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function pluginBench(rounds: number, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<void> {
  const engine = await fakeEngine();
  const minimal = minimalPackage();
  const ours: { listen: number; schema: number }[] = [];
  const floor: { listen: number; schema: number }[] = [];
  try {
    for (let i = 0; i < rounds; i++) { floor.push(await once(minimal, engine.address)); ours.push(await once(PLUGIN_DIR, engine.address)); }
  } finally { engine.stop(); fs.rmSync(minimal, { recursive: true, force: true }); }
  const compiled = fs.existsSync(path.join(PROJECT_DIR, "bin", "plugin", "index.js"));
  const row = (label: string, runs: typeof ours) => `${label.padEnd(34)}${String(median(runs.map((r) => r.listen))).padStart(10)}${String(median(runs.map((r) => r.schema))).padStart(14)}\n`;
  write(`\nComponent package start-up (plugin/ as ${compiled ? "compiled JavaScript" : "TypeScript; npm run build for the compiled path"}), median of ${rounds}; goal: GetSchema under 2000 ms\n`);
  write(`${"".padEnd(34)}listen ms  GetSchema ms\n`);
  write(row("minimal component package", floor));
  write(row("plugin/ (Mesh)", ours));
  write(`${"plugin/ ÷ minimal".padEnd(34)}${(median(ours.map((r) => r.listen)) / median(floor.map((r) => r.listen))).toFixed(2).padStart(10)}${(median(ours.map((r) => r.schema)) / median(floor.map((r) => r.schema))).toFixed(2).padStart(14)}\n`);
}
