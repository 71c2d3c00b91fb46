/**
 * Which file `pulumi up` runs. Pulumi splits Pulumi.yaml's `main` into a working directory and
 * an entry (a folder becomes that folder plus "."), and its Node launcher
 * (@pulumi/pulumi cmd/run/run.js) replaces the entry "." with package.json's `exports` or `main`
 * when that file exists. Our package.json's main is the library (bin/index.js), which registers
 * nothing: a folder main would make `pulumi up` plan to delete every resource once bin/ is built.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../../stacks/files";

/** The launcher's steps, in its order, for a project folder. */
export function pulumiEntryPoint(projectDir: string): string {
  const main: string = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")).main ?? ".";
  const mainPath = path.join(projectDir, main);
  const isDir = fs.statSync(mainPath).isDirectory();
  const pwd = isDir ? mainPath : path.dirname(mainPath);
  const entry = isDir ? "." : path.basename(mainPath);
  let program = path.join(pwd, entry);
  if (entry !== ".") return program;
  // searchupPackageManifest: the nearest package.json at or above the program folder.
  let root = pwd;
  while (!fs.existsSync(path.join(root, "package.json")) && path.dirname(root) !== root) root = path.dirname(root);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const declared = typeof pkg.exports === "string" ? pkg.exports
    : pkg.exports?.["."] ? (typeof pkg.exports["."] === "string" ? pkg.exports["."] : pkg.exports["."].default ?? pkg.exports["."].require)
    : pkg.main;
  if (declared && fs.existsSync(path.join(root, declared))) program = path.join(root, declared);
  // Node then resolves a folder through its index file.
  if (fs.existsSync(program) && fs.statSync(program).isDirectory())
    program = [".ts", ".js"].map((e) => path.join(program, `index${e}`)).find((f) => fs.existsSync(f)) ?? program;
  return program;
}

/** A copy of the project's launch-relevant files, with or without a built library in bin/. */
function projectCopy(opts: { withBin: boolean; main?: string }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-entry-"));
  let yaml = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8");
  if (opts.main) yaml = yaml.replace(/^main: .*$/m, `main: ${opts.main}`);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yaml);
  fs.copyFileSync(path.join(PROJECT_DIR, "package.json"), path.join(dir, "package.json"));
  fs.mkdirSync(path.join(dir, "stacks"));
  fs.copyFileSync(path.join(PROJECT_DIR, "stacks", "index.ts"), path.join(dir, "stacks", "index.ts"));
  if (opts.withBin) {
    fs.mkdirSync(path.join(dir, "bin"));
    fs.writeFileSync(path.join(dir, "bin", "index.js"), "// the library: registers nothing\n");
  }
  return dir;
}

describe("the entry point pulumi up runs", () => {
  const program = path.join("stacks", "index.ts");

  it("is the stack program when the library is not built", () => {
    const dir = projectCopy({ withBin: false });
    assert.equal(path.relative(dir, pulumiEntryPoint(dir)), program);
  });

  it("is still the stack program once bin/ holds the built library", () => {
    const dir = projectCopy({ withBin: true });
    assert.equal(path.relative(dir, pulumiEntryPoint(dir)), program);
  });

  it("would be the library with a folder main (the defect this guards against)", () => {
    const dir = projectCopy({ withBin: true, main: "stacks/" });
    assert.equal(path.relative(dir, pulumiEntryPoint(dir)), path.join("bin", "index.js"));
  });

  it("is the file that exports the stack outputs", () => {
    const src = fs.readFileSync(pulumiEntryPoint(PROJECT_DIR), "utf8");
    for (const out of ["nlbDnsName", "url", "meshName", "clusterName", "serviceNames"]) assert.match(src, new RegExp(`export const ${out}\\b`));
  });
});
