#!/usr/bin/env node
// Runs one command of tools/ (plan, check, envoy-config, bench, …) from the JavaScript that
// `npm ci` compiled into bin/ (the package's `prepare` script), which starts three times faster
// than ts-node. While you edit, the TypeScript may be newer than bin/: then it runs the sources
// through ts-node instead, so a command never runs stale code. `npm run build` refreshes bin/.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const [tool, ...args] = process.argv.slice(2);
const SOURCES = ["index.ts", "model", "components", "stacks", "tools", "policy", "tsconfig.json", "tsconfig.build.json"];

function newest(p) {
  const s = fs.statSync(p);
  if (!s.isDirectory()) return /\.(ts|json)$/.test(p) && !p.endsWith(".d.ts") ? s.mtimeMs : 0;
  return Math.max(0, ...fs.readdirSync(p).filter((f) => f !== "node_modules").map((f) => newest(path.join(p, f))));
}

// Written by `npm run build` after tsc: an incremental tsc leaves its own files untouched when nothing changed.
const stamp = path.join(root, "bin", ".built");
const built = path.join(root, "bin", "tools", `${tool}.js`);
const fresh = fs.existsSync(built) && fs.existsSync(stamp) &&
  Math.max(...SOURCES.map((s) => path.join(root, s)).filter(fs.existsSync).map(newest)) <= fs.statSync(stamp).mtimeMs;
const entry = fresh ? built : path.join(root, "tools", `${tool}.ts`);
if (!fresh) require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
// Run the tool as the main module, as `node <tool>` would (tools that check require.main see themselves).
process.argv = [process.argv[0], entry, ...args];
require("module").runMain();
