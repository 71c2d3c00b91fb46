/**
 * Hostile input (issue 20, finding 13): each is refused with its config path, or for YAML-level
 * attacks with the file's name, and never with a stack trace; through validation and through the
 * stack-file loading path the tools use (plan-core's plan with --config).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { re2Problem } from "../../model/re2";
import { imageProblem } from "../../model/schema/common";
import { ConfigFileError, PROJECT_DIR, stackConfig } from "../../stacks/files";
import { plan } from "../../tools/plan-core";
import { at, FIXTURE, fixtureFile, issues, withChange } from "../helpers";

type Case = [title: string, change: (t: any, e: any) => void, path: string, message: string | RegExp];

const tRoute = (t: any) => t.routers.colors.routes["color-route"];
const red = (t: any) => t.services.red;
const DIGEST = "a".repeat(64);
const CONTROL_HEADER = "must not contain control characters (CR, LF, NUL, tab…): a header value cannot hold them";
const TAG_CHARS = "may hold only letters, digits, spaces and _ . : / = + - @ (AWS's tag pattern; no control characters)";

const cases: Case[] = [
  // headers
  ["a header name with CR LF", (t) => (tRoute(t).match.headers = [{ name: "x-a\r\nx-b", exact: "1" }]), "routers.colors.routes.color-route.match.headers[0].name", /^must be a header name/],
  ["a header name with a space", (t) => (tRoute(t).match.headers = [{ name: "x a", exact: "1" }]), "routers.colors.routes.color-route.match.headers[0].name", /^must be a header name/],
  ["a header value with LF", (t) => (tRoute(t).match.headers = [{ name: "x-a", exact: "1\nx-evil: 1" }]), "routers.colors.routes.color-route.match.headers[0].exact", CONTROL_HEADER],
  ["a header prefix with NUL", (t) => (tRoute(t).match.headers = [{ name: "x-a", prefix: "a\u0000" }]), "routers.colors.routes.color-route.match.headers[0].prefix", CONTROL_HEADER],
  ["a gateway header suffix with CR", (t) => (t.gateway.routes["to-blue"].match.headers = [{ name: "x-a", suffix: "a\r" }]), "gateway.routes.to-blue.match.headers[0].suffix", CONTROL_HEADER],
  ["a gateway hostname with CR LF", (t) => (t.gateway.routes["to-blue"].match.hostname = { exact: "a.example.com\r\nx: y" }), "gateway.routes.to-blue.match.hostname.exact", /^must be a host name/],
  ["a route prefix with LF", (t) => (tRoute(t).match.prefix = "/a\nb"), "routers.colors.routes.color-route.match.prefix", /^must not contain spaces or control characters/],
  ["a health check path with CR LF", (t) => (red(t).listeners[0].healthCheck = { path: "/health\r\nHost: evil" }), "services.red.listeners[0].healthCheck.path", "must not contain spaces or control characters (CR, LF, NUL, tab…)"],
  // regular expressions
  ["a lookahead", (t) => (tRoute(t).match.headers = [{ name: "x-a", regex: "a(?=b)" }]), "routers.colors.routes.color-route.match.headers[0].regex", /^is not a regular expression Envoy accepts \(RE2 syntax\): lookarounds/],
  ["a backreference", (t) => (t.gateway.routes["to-blue"].match.headers = [{ name: "x-a", regex: "(a)\\1" }]), "gateway.routes.to-blue.match.headers[0].regex", /^is not a regular expression Envoy accepts \(RE2 syntax\): backreferences/],
  ["a pattern too large for Envoy", (t) => (tRoute(t).match.headers = [{ name: "x-a", regex: "a{200}" }]), "routers.colors.routes.color-route.match.headers[0].regex", /^is too large for Envoy/],
  // tags
  ["a tag key starting aws:", (t) => (t.tags = { "aws:owner": "me" }), "tags.aws:owner", "must not start with aws: (AWS reserves that prefix for its own tags, in any case)"],
  ["a tag key starting AWS: in capitals", (t) => (red(t).tags = { "AWS:Owner": "me" }), "services.red.tags.AWS:Owner", "must not start with aws: (AWS reserves that prefix for its own tags, in any case)"],
  ["a tag key with LF", (t) => (t.tags = { "a\nb": "v" }), "tags[\"a\\nb\"]", `${TAG_CHARS}, got "a\\nb"`],
  ["a tag value with a control character", (t) => (t.tags = { owner: "a\u0007" }), "tags.owner", `${TAG_CHARS}, got "a\\u0007"`],
  // images
  ["an image with a newline", (t) => (red(t).containers.app.image = "nginx:1.27\nevil"), "services.red.containers.app.image", "must not contain spaces, newlines or control characters"],
  ["an image with a space", (t) => (red(t).containers.app.image = "nginx :1.27"), "services.red.containers.app.image", "must not contain spaces, newlines or control characters"],
  ["a digest that is not sha256", (t) => (red(t).containers.app.image = `nginx@sha512:${DIGEST}`), "services.red.containers.app.image", `has a malformed digest "sha512:${DIGEST}": ECS takes sha256: followed by exactly 64 hex digits`],
  ["a digest one digit short", (t) => (red(t).containers.app.image = `nginx@sha256:${DIGEST.slice(1)}`), "services.red.containers.app.image", /^has a malformed digest/],
  ["an Envoy image with a tab", (t) => (t.envoy.image = "envoyproxy/envoy:v1.40.0\t"), "envoy.image", "must not contain spaces, newlines or control characters"],
  // TLS files
  ["a relative certificate path", (t) => (red(t).listeners[0].tls = { mode: "STRICT", certificate: { file: { certificateChain: "certs/c.pem", privateKey: "/certs/k.pem" } } }),
    "services.red.listeners[0].tls.certificate.file.certificateChain", "must be an absolute path (starting with /) in the Envoy container, got \"certs/c.pem\""],
  ["a relative key path", (t) => (red(t).listeners[0].tls = { mode: "STRICT", certificate: { file: { certificateChain: "/certs/c.pem", privateKey: "./k.pem" } } }),
    "services.red.listeners[0].tls.certificate.file.privateKey", "must be an absolute path (starting with /) in the Envoy container, got \"./k.pem\""],
  ["a relative CA path", (t) => (t.services.blue.clientTls = { validation: { trust: { file: { certificateChain: "ca.pem" } } } }),
    "services.blue.clientTls.validation.trust.file.certificateChain", "must be an absolute path (starting with /) in the Envoy container, got \"ca.pem\""],
];

describe("hostile input is refused with its path", () => {
  for (const [title, change, p, message] of cases)
    it(title, () => {
      const list = issues(withChange("dev", change));
      const found = at(list, p);
      assert.equal(found.length, 1, `${p} in ${JSON.stringify(list)}`);
      if (typeof message === "string") assert.equal(found[0], message);
      else assert.match(found[0], message);
    });

  it("images by digest, and ordinary references, are accepted", () => {
    for (const ref of [`forsakenidol/colorapp@sha256:${DIGEST}`, `123456789012.dkr.ecr.us-east-1.amazonaws.com/colors/app:1.4@sha256:${DIGEST.toUpperCase()}`, "nginx", "localhost:5000/a/b:v1.2_3", "public.ecr.aws/xray/aws-xray-daemon:3.3.14"])
      assert.equal(imageProblem(ref), undefined, ref);
    assert.deepEqual(issues(withChange("dev", (t) => { red(t).containers.app.image = `forsakenidol/colorapp@sha256:${DIGEST}`; })), []);
  });

  it("header names and values people use are accepted", () => {
    const list = issues(withChange("dev", (t) => {
      tRoute(t).match.headers = [{ name: "x-canary", exact: "always" }, { name: ":authority", suffix: ".example.com" }, { name: "User-Agent", regex: "(?i)^Mozilla/5\\.0 .*" }, { name: "x-b", prefix: "a b\"c" }];
    }));
    assert.deepEqual(list, []);
  });

  it("tags AWS accepts are accepted, Unicode letters and spaces included", () => {
    assert.deepEqual(issues(withChange("dev", (t) => { t.tags = { "cost center": "Zürich 1", "team/owner": "a@b.c", awsome: "x" }; })), []);
  });

  it("regular expressions: a pure check that knows RE2's syntax", () => {
    for (const ok of ["^canary-[0-9]+$", "(?i)beta", "(?P<n>x)y", "[[:alpha:]]+", "\\pL+", "\\Qa.b\\E", "[\\d-z]", "a{96}"]) assert.equal(re2Problem(ok), undefined, ok);
    for (const bad of ["a(?=b)", "(?<!x)y", "(a)\\1", "\\k<n>", "(?>a)", "a*+", "a**", "[z-a]", "(abc", "abc)", "\\Z", "a{1001}", "a{97}"]) assert.ok(re2Problem(bad), bad);
  });

  it("nesting that would overflow the stack is refused at its path", () => {
    let deep: any = "x";
    for (let i = 0; i < 100000; i++) deep = { a: deep };
    const list = issues(withChange("dev", (t) => { red(t).containers.app.environment = { X: "x" }; red(t).tags = deep; }));
    assert.deepEqual(list.map((i) => i.path), ["services.red.tags.a.a.a"]);
    assert.match(list[0].message, /^nests maps and lists more than 32 levels deep \(in the topology, at services\.red\.tags\.a\.a\.a\.a\.a…\)/);
  });
});

describe("hostile stack files are refused with the file's name, never a stack trace", function () {
  this.timeout(120000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-hostile-"));
  const base = fs.readFileSync(fixtureFile("dev", dir), "utf8");
  const write = (name: string, text: string) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };
  const planFile = (file: string) => plan({ configFile: file, project: FIXTURE });
  const run = (file: string) => spawnSync(process.execPath, ["tools/run.js", "plan", "--config", file], { cwd: PROJECT_DIR, encoding: "utf8" });

  it("an alias bomb names the file and says what it is", async () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]`);
    const file = write("Pulumi.bomb.yaml", `bomb:\n${lines.map((l) => `  ${l}`).join("\n")}\n${base}`);
    const message = `${file}: its aliases (*name) expand into too many copies of their anchors (&name), as a YAML alias bomb ("billion laughs") does; write the values out, or use fewer aliases`;
    assert.throws(() => stackConfig(file, FIXTURE), { name: "ConfigFileError", message });
    await assert.rejects(planFile(file), { name: "ConfigFileError", message });
    const r = run(file);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `${message}\n`);
  });

  it("a few aliases are still read", () => {
    const file = write("Pulumi.alias.yaml", `${base.replace("config:\n", "x-tags: &tags\n  team: colors\nconfig:\n")}`);
    assert.ok(stackConfig(file, FIXTURE));
  });

  it("flow nesting deep enough to overflow the parser names the file", async () => {
    const file = write("Pulumi.deep.yaml", `${base}  fargate-mesh:deep: ${"[".repeat(20000)}${"]".repeat(20000)}\n`);
    const message = `${file}: nests maps and lists too deeply to read (no setting is deeper than 36 levels)`;
    await assert.rejects(planFile(file), { name: "ConfigFileError", message });
    const r = run(file);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `${message}\n`);
  });

  it("nesting the parser reads but nothing should walk names the file and where", async () => {
    let nest = "x";
    for (let i = 0; i < 500; i++) nest = `{a: ${nest}}`;
    const file = write("Pulumi.nest.yaml", base.replace("config:\n", `config:\n  fargate-mesh:nest: ${nest}\n`));
    await assert.rejects(planFile(file), (e: Error) => e instanceof ConfigFileError && e.message.startsWith(`${file}: nests maps and lists more than 36 levels deep, at config.fargate-mesh:nest.a.a.a.a.a.a…`));
  });

  it("a 5 MiB environment value is reported against the value, through the stack file", async () => {
    const doc = parse(base);
    doc.config["fargate-mesh:topology"].services.red.containers.app.environment.BANNER = "x".repeat(5 * 1024 * 1024);
    const r = await planFile(write("Pulumi.big.yaml", stringify(doc)));
    assert.ok(!r.ok);
    assert.deepEqual(r.issues.map((i) => i.path), ["services.red.containers.app.environment.BANNER"]);
  });

  it("a header with CR LF in a stack file is reported at its path", async () => {
    const doc = parse(base);
    doc.config["fargate-mesh:topology"].routers.colors.routes["color-route"].match = { prefix: "/", headers: [{ name: "x-canary", exact: "1\r\nx-evil: 1" }] };
    const r = await planFile(write("Pulumi.crlf.yaml", stringify(doc)));
    assert.ok(!r.ok);
    assert.deepEqual(r.issues.map((i) => [i.path, i.message]), [["routers.colors.routes.color-route.match.headers[0].exact", CONTROL_HEADER]]);
  });
});
