/**
 * What package.json promises about the package: the license it names is the text in LICENSE,
 * and every dependency install script npm would run has been decided on (allowScripts), so a
 * fresh `npm ci` prints no list of unreviewed scripts.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../../stacks/files";

const json = (f: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, f), "utf8"));

describe("the package's metadata", () => {
  it("LICENSE holds the license package.json names", () => {
    const pkg = json("package.json");
    assert.equal(pkg.license, "Apache-2.0");
    const text = fs.readFileSync(path.join(PROJECT_DIR, "LICENSE"), "utf8");
    assert.match(text, /^\s*Apache License\s+Version 2\.0, January 2004\s+http:\/\/www\.apache\.org\/licenses\//);
    assert.match(text, /END OF TERMS AND CONDITIONS/);
  });

  it("allowScripts decides on every install script of the lockfile, and on nothing else", () => {
    const pkg = json("package.json");
    const lock = json("package-lock.json");
    // An aliased package (docker-classic -> @pulumi/docker) is judged by its real name, as npm does.
    const scripted = new Set(Object.entries(lock.packages as Record<string, any>)
      .filter(([where, p]) => where !== "" && p.hasInstallScript)
      .map(([where, p]) => p.name ?? where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length)));
    const decided = Object.keys(pkg.allowScripts ?? {}).map((k) => k.replace(/(.)@[^@]*$/, "$1"));
    assert.deepEqual([...scripted].filter((n) => !decided.includes(n)).sort(), [], "install scripts not yet covered by allowScripts");
    assert.deepEqual(decided.filter((n) => !scripted.has(n)).sort(), [], "allowScripts entries for packages without install scripts");
    for (const v of Object.values(pkg.allowScripts)) assert.equal(typeof v, "boolean");
  });
});
