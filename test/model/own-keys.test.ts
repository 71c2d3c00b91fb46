/** Names from the description are own keys only: nothing a user wrote is dropped or misread. */
import { strict as assert } from "assert";
import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderingIssues } from "../../components/dataplanes";
import { stackConfig } from "../../stacks/files";
import { at, issues, model, withChange } from "../helpers";

const RESERVED = "is a name every JavaScript object already has (constructor, toString, …); choose another name";
/** A JSON object with `__proto__` as an own key, as YAML and JSON parsers produce it. */
const withProto = (value: unknown) => JSON.parse(`{"__proto__": ${JSON.stringify(value)}}`);

describe("names are looked up as own keys", () => {
  it("rejects services, routers, routes and gateway routes named like Object.prototype's members", () => {
    const found = issues(withChange("dev", (t) => {
      t.services.constructor = JSON.parse(JSON.stringify(t.services.red));
      t.services.constructor.discovery = { cloudMap: { service: "ctor" } };
      t.routers.toString = { ...JSON.parse(JSON.stringify(t.routers.colors)), dnsName: "tostring" };
      t.routers.colors.routes.hasOwnProperty = { match: { prefix: "/x", port: 80 }, targets: { green: 1 } };
      t.gateway.routes.valueOf = { match: { prefix: "/v" }, target: "blue" };
    }));
    for (const p of ["services.constructor", "routers.toString", "routers.colors.routes.hasOwnProperty", "gateway.routes.valueOf"])
      assert.deepEqual(at(found, p), [RESERVED], p);
  });

  it("rejects __proto__ wherever it is a key, instead of losing it", () => {
    const found = issues(withChange("dev", (t) => {
      t.services = { ...t.services, ...withProto(t.services.red) };
      t.services.red.containers.app.environment = { ...withProto("x"), COLOR: "red" };
    }));
    const msg = "is not accepted as a name: a JavaScript map cannot hold __proto__, so it would be dropped";
    assert.deepEqual(at(found, "services.__proto__"), [msg]);
    assert.deepEqual(at(found, "services.red.containers.app.environment.__proto__"), [msg]);
  });

  it("treats a reference to hasOwnProperty, toString or constructor as unknown, like any other name", () => {
    const found = issues(withChange("dev", (t) => {
      t.services.blue.backends = ["red", "hasOwnProperty", "toString"];
      t.gateway.routes["to-blue"].target = "constructor";
      t.routers.colors.routes["color-route"].targets = { green: 50, valueOf: 10 };
    }));
    const known = "known: red, blue, green, yellow, colors";
    assert.deepEqual(at(found, "services.blue.backends[1]"), [`unknown service or router "hasOwnProperty"; ${known}`]);
    assert.deepEqual(at(found, "services.blue.backends[2]"), [`unknown service or router "toString"; ${known}`]);
    assert.deepEqual(at(found, "gateway.routes.to-blue.target"), [`unknown service or router "constructor"; ${known}`]);
    assert.ok(at(found, "routers.colors.routes.color-route.targets.valueOf").some((m) => m.startsWith('unknown service "valueOf"')));
  });

  it("rejects a description without services", () => {
    assert.deepEqual(at(issues(withChange("dev", (t, e) => { t.services = {}; delete e.services; })), "services"), ["must have at least one service"]);
  });

  it("keeps every key a valid description writes, JavaScript's own names included", () => {
    const names = fc.constantFrom("constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "__defineGetter__", "PATH", "x-y", "ÄÖ");
    fc.assert(fc.property(fc.uniqueArray(names, { minLength: 1, maxLength: 5 }), fc.uniqueArray(names, { minLength: 1, maxLength: 4 }), (envKeys, tagKeys) => {
      const m = model(withChange("dev", (t) => {
        t.services.red.containers.app.environment = Object.fromEntries(envKeys.map((k) => [k, `v-${k}`]));
        t.services.red.tags = Object.fromEntries(tagKeys.map((k) => [k, `t-${k}`]));
        t.services.blue.accessLog.format.json = Object.fromEntries(envKeys.map((k) => [k, "%START_TIME%"]));
      }));
      const red = m.nodes.find((n) => n.key === "red")!;
      assert.deepEqual(Object.keys(red.containers[0].environment).sort(), [...envKeys].sort());
      for (const k of envKeys) assert.equal(Object.getOwnPropertyDescriptor(red.containers[0].environment, k)?.value, `v-${k}`);
      for (const k of tagKeys) assert.equal(Object.getOwnPropertyDescriptor(red.tags, k)?.value, `t-${k}`);
      assert.deepEqual(Object.keys(m.nodes.find((n) => n.key === "blue")!.accessLog!.format!.json!).sort(), [...envKeys].sort());
    }), { numRuns: 40 });
  });
});

describe("what ECS would refuse", () => {
  for (const plane of ["envoy", "appmesh"])
    it(`rejects a task definition over 64 KiB with the service's path (${plane} data plane)`, () => {
      const m = model(withChange("dev", (t, e) => { e.dataPlane = plane; t.services.green.containers.app.environment.BLOB = "x".repeat(63 * 1024); }));
      const found = renderingIssues(m);
      assert.deepEqual(found.map((i) => i.path), ["services.green"]);
      assert.match(found[0].message, /^service green's task definition would be \d+\.\d KiB.*; ECS accepts at most 64 KiB/);
    });
});

describe("YAML files", () => {
  const write = (text: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fm-yaml-")), "Pulumi.bad.yaml");
    fs.writeFileSync(file, text);
    return file;
  };

  it("a syntax error names the file, line and column", () => {
    const file = write("config:\n  aws:region: [us-east-1\n  x: 1\n");
    assert.throws(() => stackConfig(file), (e: Error) => e.message.startsWith(`${file}:3:3: Flow sequence in block collection must be sufficiently indented`));
  });

  it("a duplicate key names the file, line, column and the config path written twice", () => {
    const file = write("config:\n  fargate-mesh:environment:\n    services:\n      red:\n        desiredCount: 1\n      red:\n        desiredCount: 2\n");
    assert.throws(() => stackConfig(file), { message: `${file}:6:7: Map keys must be unique (config.fargate-mesh:environment.services.red is written twice)` });
  });

  it("a key indented one space short names the parser's column and the key's", () => {
    const file = write("config:\n  fargate-mesh:environment:\n    services:\n      red:\n        desiredCount: 1\n       cpu: 512\n");
    assert.throws(() => stackConfig(file), { message: `${file}:6:1: All mapping items must start at the same column (the key cpu stands at line 6, column 8)` });
  });

  it("a tab before a key names the parser's column and the key's", () => {
    const file = write("config:\n  fargate-mesh:environment:\n\tservices: {}\n");
    assert.throws(() => stackConfig(file), { message: `${file}:3:1: Tabs are not allowed as indentation (the key services stands at line 3, column 2)` });
  });

  it("an unclosed quote, reported where the parser ran out, names the key whose value it opened", () => {
    const file = write("config:\n  fargate-mesh:environment:\n    services:\n      red:\n        containers:\n          app:\n            image: \"colorapp:1.4\n");
    assert.throws(() => stackConfig(file), { message: `${file}:8:1: Missing closing "quote (in the value of config.fargate-mesh:environment.services.red.containers.app.image, whose key stands at line 7, column 13)` });
  });

  it("an unclosed list names the key whose value it is", () => {
    const file = write("config:\n  aws:region: [us-east-1\n  x: 1\n");
    assert.throws(() => stackConfig(file), (e: Error) => e.message.endsWith("(in the value of config.aws:region, whose key stands at line 2, column 3)"));
  });

  it("says one position when the parser stopped where the key stands", () => {
    const file = write("config:\n  aws:region: us-east-1\n  fargate-mesh\n");
    assert.throws(() => stackConfig(file), { message: `${file}:3:3: Implicit map keys need to be followed by map values` });
  });
});
