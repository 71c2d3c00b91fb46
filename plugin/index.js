// What Pulumi runs (package.json main): the compiled facade when `npm run build` made it, so that
// the plugin starts without compiling TypeScript; otherwise index.ts itself, through the ts-node
// that the Node SDK's plugin runner registers. The schema analyzer reads index.ts either way.
const fs = require("fs");
const path = require("path");
const compiled = path.join(__dirname, "..", "bin", "plugin", "index.js");
module.exports = fs.existsSync(compiled) ? require(compiled) : require("./index.ts");
