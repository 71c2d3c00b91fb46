/**
 * fargate-mesh as npm users get it: packed (which builds it), installed from the tarball into a
 * fresh Pulumi program, type-checked against the shipped .d.ts, and run under Pulumi's mocks.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../../stacks/files";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const sh = (cmd: string, args: string[], cwd: string) => {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

describe("the npm package", function () {
  this.timeout(180000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-pack-"));
  let files: string[] = [];
  let tarball = "";

  before(() => {
    // `npm pack` runs the package's `prepare` script: the build into bin/.
    const [packed] = JSON.parse(sh(NPM, ["pack", "--json", "--pack-destination", dir], PROJECT_DIR).replace(/^[^[]*/, ""));
    files = packed.files.map((f: { path: string }) => f.path);
    tarball = path.join(dir, packed.filename);
  });

  it("ships the compiled library and its type declarations, and nothing else", () => {
    for (const f of ["package.json", "README.md", "bin/index.js", "bin/index.d.ts", "bin/components/fargate-mesh.js", "bin/components/fargate-mesh.d.ts", "bin/model/load.js", "bin/components/dataplanes/envoy/bootstrap.js", "LICENSE", "schema/stack.schema.json", "schema/project.schema.json"])
      assert.ok(files.includes(f), `${f} is shipped`);
    const unexpected = files.filter((f) => !/^(bin\/(index|model\/|components\/)|schema\/)/.test(f) && !["package.json", "README.md", "LICENSE", "CHANGELOG.md"].includes(f));
    assert.deepEqual(unexpected, []);
    assert.ok(!files.some((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")), "no TypeScript sources");
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8"));
    assert.equal(pkg.engines.node, ">=20");
    assert.equal(pkg.scripts.prepare, "npm run build");
  });

  it("installs into a fresh Pulumi program, type-checks against the shipped .d.ts, and runs under mocks", () => {
    const app = path.join(dir, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, main: "out/index.js" }));
    // The Pulumi packages are the program's own (peer dependencies); link this project's copies.
    sh(NPM, ["install", tarball, "--prefer-offline", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock"], app);
    fs.mkdirSync(path.join(app, "node_modules", "@pulumi"), { recursive: true });
    for (const p of ["pulumi", "aws", "awsx"])
      fs.symlinkSync(path.join(PROJECT_DIR, "node_modules", "@pulumi", p), path.join(app, "node_modules", "@pulumi", p), "dir");
    fs.copyFileSync(path.join(PROJECT_DIR, "test", "package", "consumer-program.ts.txt"), path.join(app, "index.ts"));
    fs.writeFileSync(path.join(app, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true,
        outDir: "out", typeRoots: [path.join(PROJECT_DIR, "node_modules", "@types")], types: ["node"],
      },
      files: ["index.ts"],
    }));
    sh(process.execPath, [path.join(PROJECT_DIR, "node_modules", "typescript", "bin", "tsc"), "-p", "."], app);
    const out = JSON.parse(sh(process.execPath, ["out/index.js"], app).trim().split("\n").pop()!);
    assert.equal(out.meshName, "shop-dev");
    assert.equal(out.serviceName, "api");
    const types = out.registered.map((r: any) => r.type);
    assert.ok(types.includes("fargate-mesh:index:FargateMesh") && types.includes("aws:lb/loadBalancer:LoadBalancer"));
    assert.ok(!types.some((t: string) => t.startsWith("aws:appmesh")), "the Envoy data plane by default");
    assert.ok(out.registered.some((r: any) => r.type === "aws:ecs/taskDefinition:TaskDefinition" && r.name === "solo-api-task"));
    assert.deepEqual(out.bootstrapKeys, ["node", "admin", "overload_manager", "static_resources"]);
  });
});
