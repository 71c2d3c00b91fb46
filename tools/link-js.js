#!/usr/bin/env node
// Part of `npm run build`: the tools' plain JavaScript helpers that are run by path (the
// rehearsal's stand-in application and load generator, the bench's) sit next to the TypeScript
// that names them with `__dirname`. tsc compiles only the TypeScript into bin/, so each helper is
// linked into bin/tools/ at the same place: a symbolic link, so that bin/ never runs a stale copy.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const SELF = ["run.js", "link-js.js"];

function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const src = path.join(dir, e.name);
    if (e.isDirectory()) { walk(src); continue; }
    if (!e.name.endsWith(".js") || SELF.includes(path.relative(path.join(root, "tools"), src))) continue;
    const dest = path.join(root, "bin", path.relative(root, src));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.rmSync(dest, { force: true });
    fs.symlinkSync(path.relative(path.dirname(dest), src), dest);
  }
}

walk(path.join(root, "tools"));
