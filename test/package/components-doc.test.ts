/**
 * docs/components.md as a user copies it: every TypeScript block type-checks against the
 * package's types, every YAML block with a modeline passes the schema it names, and the sample
 * description and error are what loadMesh says of them.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { validateMesh } from "../../model/load";
import { ConfigError } from "../../model/errors";
import { PROJECT_DIR } from "../../stacks/files";
import { SCHEMA_DIR } from "../../tools/json-schema/documents";
import { violations } from "../stacks/json-schema-check";

const DOC = path.join(PROJECT_DIR, "docs", "components.md");
const blocks = (lang: string) => [...fs.readFileSync(DOC, "utf8").matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
const MODELINE = /^# yaml-language-server: \$schema=\.\/node_modules\/fargate-mesh\/(schema\/[\w.]+\.json)$/m;

/** tsc over `files` (name -> text), with `fargate-mesh` resolved to this package's sources. */
function typeCheck(files: Record<string, string>): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-doc-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true, noEmit: true,
      baseUrl: PROJECT_DIR, paths: { "fargate-mesh": ["index.ts"], "*": ["node_modules/*", "node_modules/@types/*"] },
      typeRoots: [path.join(PROJECT_DIR, "node_modules", "@types")], types: ["node"],
    },
    files: Object.keys(files),
  }));
  const r = spawnSync(process.execPath, [path.join(PROJECT_DIR, "node_modules", "typescript", "bin", "tsc"), "-p", dir], { cwd: dir, encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe("docs/components.md", function () {
  this.timeout(120000);

  it("type-checks every TypeScript block against the package's types, which reject a misspelt key", () => {
    const snippets = blocks("ts");
    assert.ok(snippets.length >= 3, "the page shows programs");
    const files: Record<string, string> = Object.fromEntries(snippets.map((s, i) => [`snippet${i + 1}.ts`, s]));
    // The types must be real: `unknown` or `any` would accept this too.
    files["misspelt.ts"] = 'import type { Topology } from "fargate-mesh";\nexport const t: Topology = { mesh: { name: "a" }, namespace: "a.local", services: {}, gatway: {} };\n';
    const r = typeCheck(files);
    const errors = r.output.split("\n").filter((l) => /error TS\d+/.test(l));
    assert.deepEqual(errors.filter((l) => !l.startsWith("misspelt.ts")), [], r.output);
    assert.equal(errors.length, 1, r.output);
    assert.match(errors[0], /^misspelt\.ts\(2,\d+\): error TS(2353|2561): .*'gatway'/);
  });

  it("shows YAML that passes the schema its modeline names, and a description loadMesh accepts", () => {
    const yamls = blocks("yaml").filter((y) => MODELINE.test(y));
    assert.ok(yamls.length >= 2, "the page shows a project file and a stack file");
    for (const y of yamls) {
      const schema = JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, path.basename(MODELINE.exec(y)![1])), "utf8"));
      assert.deepEqual(violations(schema, parse(y)), [], y);
    }
    const { topology, environment } = sampleDescription();
    const r = validateMesh({ topology, environment, stack: "dev", region: "us-east-1" });
    assert.deepEqual(r.ok ? [] : r.issues, []);
  });

  it("names schema files the package holds in its modeline and settings", () => {
    const text = fs.readFileSync(DOC, "utf8");
    const named = [...text.matchAll(/node_modules\/fargate-mesh\/([\w./-]+\.json)/g)].map((m) => m[1]);
    assert.ok(named.length >= 4);
    for (const f of named) assert.ok(fs.existsSync(path.join(PROJECT_DIR, f)), `${f} exists`);
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
    assert.ok(pkg.files.includes("schema/*.json"), "schema/ is shipped");
  });

  it("prints the error loadMesh gives for the mistakes it describes", () => {
    const { topology, environment } = sampleDescription();
    topology.services.api.listeners[0].protocol = "htp";
    environment.services.api.desiredCount = -1;
    const r = validateMesh({ topology, environment, stack: "dev", region: "us-east-1", sources: { topology: "Pulumi.yaml", environment: "Pulumi.dev.yaml" } });
    assert.ok(!r.ok);
    const sample = blocks("text").find((b) => b.startsWith("mesh configuration is invalid"));
    assert.equal(sample, new ConfigError(r.issues).message + "\n");
  });
});

/** The topology of the page's Pulumi.yaml and the environment of its Pulumi.dev.yaml. */
function sampleDescription(): { topology: any; environment: any } {
  const files = blocks("yaml").map((y) => parse(y));
  const project = files.find((f) => f.runtime);
  const stack = files.find((f) => !f.runtime && f.config?.["fargate-mesh:environment"]);
  return { topology: project.config["fargate-mesh:topology"].value, environment: stack.config["fargate-mesh:environment"] };
}
