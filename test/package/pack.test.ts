/**
 * fargate-mesh as npm users get it: packed (which builds it), installed from the tarball into a
 * fresh Pulumi program, type-checked against the shipped .d.ts, and run under Pulumi's mocks; and
 * its fargate-mesh command run in a user's project of its own (test/package/consumer-project/).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../../stacks/files";
import { COMMANDS } from "../../tools/cli";

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
    const unexpected = files.filter((f) => !/^(bin\/(index|model\/|components\/|tools\/|stacks\/(files|program|yaml-errors)\.js$|policy\/)|schema\/)/.test(f) && !["package.json", "README.md", "LICENSE", "CHANGELOG.md"].includes(f));
    assert.deepEqual(unexpected, []);
    // Everything the fargate-mesh command loads, by its relative requires from bin/tools/cli.js.
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const [, spec] of fs.readFileSync(path.join(PROJECT_DIR, file), "utf8").matchAll(/require\("(\.[^"]+)"\)/g)) {
        const base = path.posix.join(path.posix.dirname(file), spec);
        visit([`${base}.js`, `${base}/index.js`].find((f) => fs.existsSync(path.join(PROJECT_DIR, f)))!);
      }
    };
    visit("bin/tools/cli.js");
    for (const c of Object.values(COMMANDS)) visit(`bin/tools/${c.tool}.js`);
    assert.deepEqual([...loaded].filter((f) => !files.includes(f)), [], "the command's modules are shipped");
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

  it("runs the fargate-mesh command in the user's own project: plan, diff, check, envoy-config, routes", function () {
    this.timeout(300000);
    const app = path.join(dir, "project");
    fs.cpSync(path.join(__dirname, "consumer-project"), app, { recursive: true });
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "shop", private: true }));
    sh(NPM, ["install", tarball, "--prefer-offline", "--legacy-peer-deps", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock"], app);
    fs.mkdirSync(path.join(app, "node_modules", "@pulumi"), { recursive: true });
    for (const p of ["pulumi", "aws", "awsx"])
      fs.symlinkSync(path.join(PROJECT_DIR, "node_modules", "@pulumi", p), path.join(app, "node_modules", "@pulumi", p), "dir");
    // Compiled JavaScript only: nothing the project can load offers ts-node.
    assert.throws(() => require.resolve("ts-node", { paths: [app] }));
    const git = (...args: string[]) => sh("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], app);
    git("init", "-q");
    fs.writeFileSync(path.join(app, ".gitignore"), "node_modules/\n");
    git("add", ".");
    git("commit", "-qm", "shop");
    // From a folder inside the project, as the Pulumi CLI finds its project: the nearest Pulumi.yaml above.
    const cwd = path.join(app, "src");
    fs.mkdirSync(cwd);
    // `--`: npx would take a --help after the command's name as its own.
    const NPX = process.platform === "win32" ? "npx.cmd" : "npx";
    // As a user's shell runs it: without the npm_* variables of the npm (or `npx -p node@22`) that
    // runs this suite, which would make npx look for that run's package instead.
    const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
    const fm = (...args: string[]) => spawnSync(NPX, ["--no", "--", "fargate-mesh", ...args], { cwd, encoding: "utf8", env: userEnv });
    const ok = (...args: string[]) => {
      const r = fm(...args);
      assert.equal(r.status, 0, `fargate-mesh ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    };
    const env = fs.readFileSync(path.join(app, "Pulumi.dev.yaml"), "utf8");
    const weights = (doc: any) => Object.fromEntries(doc.mesh.routers.find((r: any) => r.name === "api").routes[0].targets.map((t: any) => [t.node, t.weight]));

    // Their topology and their stack file, merged key by key as Pulumi merges them.
    const plan = JSON.parse(ok("plan", "--stack", "dev", "--json"));
    assert.equal(plan.stack, "dev");
    assert.equal(plan.mesh.region, "eu-west-1");
    assert.deepEqual(plan.mesh.services.map((s: any) => s.key).sort(), ["api-v1", "api-v2", "web"]);
    assert.deepEqual(weights(plan), { "api-v1": 3, "api-v2": 1 });
    // Any stack-format file: its stack name from the file name, over the project's config.
    fs.writeFileSync(path.join(cwd, "Pulumi.canary.yaml"), env.replace("api-v1: 3", "api-v1: 0"));
    const canary = JSON.parse(ok("plan", "--config", "Pulumi.canary.yaml", "--json"));
    assert.equal(canary.stack, "canary");
    assert.deepEqual(weights(canary), { "api-v1": 0, "api-v2": 1 });
    const unknown = fm("plan", "--stack", "prod");
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /no stack "prod" \(no Pulumi\.prod\.yaml\); known: dev/);

    // diff: the working tree against the last commit, planned with the installed package.
    assert.match(ok("diff", "--stack", "dev"), /Stack dev: no changes/);
    fs.writeFileSync(path.join(app, "Pulumi.dev.yaml"), env.replace("api-v1: 3", "api-v1: 1").replace("api-v2: 1", "api-v2: 3"));
    const diff = JSON.parse(ok("diff", "--stack", "dev", "--json"));
    assert.deepEqual(diff.routes.filter((r: any) => r.before !== r.after).map((r: any) => [r.target, r.before, r.after]), [["api-v1", 75, 25], ["api-v2", 25, 75]]);
    assert.ok(diff.changed.some((c: any) => c.resource.name.includes("web") && c.resource.type === "aws:ecs/taskDefinition:TaskDefinition"), "the caller's Envoy carries the weights");

    assert.match(ok("check", "--stack", "dev"), /^Stack dev: 0 mandatory violations/);
    assert.deepEqual(JSON.parse(ok("envoy-config", "--stack", "dev", "--service", "web")).node.cluster, "web");
    assert.match(ok("routes", "--stack", "dev", "--from", "web", "GET http://api.shop.local:8080/"), /api-v1.*25%/s);
    // The expectations beside the stack file still say 75/25: the edit above breaks them, and routes says so.
    const check = fm("routes", "--stack", "dev", "--check");
    assert.equal(check.status, 1, check.stdout + check.stderr);
    assert.match(check.stdout, /^Stack dev: 1 of 2 expectations hold \(.*routes\.dev\.yaml\)/);

    assert.match(ok("--help"), /^usage: fargate-mesh <command>/);
    assert.match(ok("plan", "--help"), /^usage: fargate-mesh plan /);
    // Outside any Pulumi project, a message, not this package's own stacks.
    const elsewhere = path.join(dir, "elsewhere");
    fs.mkdirSync(elsewhere);
    const outside = spawnSync(path.join(app, "node_modules", ".bin", "fargate-mesh"), ["plan", "--stack", "dev"], { cwd: elsewhere, encoding: "utf8" });
    assert.equal(outside.status, 1, outside.stdout + outside.stderr);
    assert.match(outside.stderr, /no Pulumi\.yaml in .* or any folder above it/);
  });
});
