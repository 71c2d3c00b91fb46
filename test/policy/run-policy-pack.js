// Starts policy/index.ts the way @pulumi/pulumi's cmd/run-policy-pack/run.js does: in the pack's
// folder, with that folder's tsconfig.json merged over the runner's defaults (module and
// moduleResolution "nodenext"), type checking on. After `npm ci` in policy/ there is no ts-node
// there, so the runner falls back to its vendored ts-node@7.0.1 with the pack's TypeScript.
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [root] }));
process.chdir(path.join(root, "policy"));
const tsutils = require(path.join(pulumiDir, "tsutils"));
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
require(path.join(pulumiDir, "vendor", "ts-node@7.0.1")).register({
  typeCheck: true,
  skipProject: !fs.existsSync("tsconfig.json"),
  compiler: require.resolve("typescript", { paths: [process.cwd()] }),
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});
require(path.join(process.cwd(), "index.ts"));
