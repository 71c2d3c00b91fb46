/**
 * A misspelt key must be an error, never a silent change: `fargate-mesh:enviroment` would drop the
 * whole environment file, and `services: { yelow: … }` would add a service while yellow's change
 * is lost. GIVEN the tests' own fixture WHEN one name is misspelt THEN its path says so, with the
 * file and, when a known name is close, the name that was meant.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { ConfigError } from "../../model/errors";
import { loadMesh, validateMesh } from "../../model/load";
import { editDistance } from "../../model/suggest";
import { fruit, fruitTopology } from "./fruit-fixture";

const issuesOf = (i: ReturnType<typeof fruit>) => { const r = validateMesh(i); return r.ok ? [] : r.issues; };
const env = "in Pulumi.test.yaml but not in the topology";
const image = { containers: { app: { image: "example.com/x:2.0" } } };

describe("misspelt config keys", () => {
  const keys = (...extra: string[]) => ["aws:region", "fargate-mesh:topology", ...extra];
  const files = { "fargate-mesh:enviroment": "Pulumi.staging.yaml" };

  it("a misspelt fargate-mesh key is an error naming the file and the key meant", () => {
    assert.deepEqual(issuesOf(fruit(undefined, { configKeys: keys("fargate-mesh:enviroment"), sources: { configKeys: files } })), [{
      path: "fargate-mesh:enviroment",
      message: "set in Pulumi.staging.yaml but not a setting of fargate-mesh, so its value would be ignored; did you mean fargate-mesh:environment?",
    }]);
  });

  it("a misspelt namespace is caught too, and other namespaces are left alone", () => {
    const found = issuesOf(fruit(undefined, { configKeys: keys("fargate_mesh:environment", "fargatemesh:topolgy", "aws:profile", "pulumi:tags", "colors:environment") }));
    assert.deepEqual(found.map((i) => [i.path, i.message.split("; ")[1]]), [
      ["fargate_mesh:environment", "did you mean fargate-mesh:environment?"],
      ["fargatemesh:topolgy", "did you mean fargate-mesh:topology?"],
    ]);
  });

  it("a key close to nothing gets no guess, but the keys that are read", () => {
    assert.deepEqual(issuesOf(fruit(undefined, { configKeys: keys("fargate-mesh:weights") })).map((i) => i.message), [
      "set but not a setting of fargate-mesh, so its value would be ignored; fargate-mesh reads only fargate-mesh:topology and fargate-mesh:environment",
    ]);
  });

  it("is reported with every other problem at once", () => {
    const found = issuesOf(fruit({ routers: { fruit: { routes: { split: { targets: { pear: 300 } } } } } }, { configKeys: keys("fargate-mesh:enviroment") }));
    assert.deepEqual(found.map((i) => i.path), ["fargate-mesh:enviroment", "routers.fruit.routes.split.targets.pear"]);
  });
});

describe("entries only an environment names", () => {
  type Case = [what: string, environment: unknown, path: string, message: string];
  const cases: Case[] = [
    ["a misspelt service", { services: { plun: image } }, "services.plun", `${env}; did you mean plum? Or add a service in this environment only by giving it environmentOnly: true`],
    ["a misspelt container", { services: { plum: { containers: { ap: { image: "x:1" } } } } }, "services.plum.containers.ap", `${env}; did you mean app? Or add a container in this environment only by giving it environmentOnly: true`],
    ["a misspelt router", { routers: { fruits: { routes: { split: { targets: { pear: 1 } } } } } }, "routers.fruits", `${env}; did you mean fruit? Or add a router in this environment only by giving it environmentOnly: true`],
    ["a misspelt route", { routers: { fruit: { routes: { spilt: { targets: { pear: 1, plum: 1 } } } } } }, "routers.fruit.routes.spilt", `${env}; did you mean split? Or add a route in this environment only by giving it environmentOnly: true`],
    ["a misspelt gateway route", { gateway: { routes: { "to-aple": { target: "apple" } } } }, "gateway.routes.to-aple", `${env}; did you mean to-apple? Or add a gateway route in this environment only by giving it environmentOnly: true`],
    ["a new service with a name close to none", { services: { kiwi: image } }, "services.kiwi", `${env}; add a service in this environment only by giving it environmentOnly: true`],
    ["removing a service the topology does not have", { services: { plun: null } }, "services.plun", "in Pulumi.test.yaml removes a service the topology does not have; did you mean plum?"],
    ["the marker on a service the topology has", { services: { plum: { environmentOnly: true } } }, "services.plum.environmentOnly", "set in Pulumi.test.yaml on a service the topology has; only what the topology lacks is environment-only: remove environmentOnly"],
    ["the marker set to false", { services: { kiwi: { ...image, environmentOnly: false } } }, "services.kiwi", `${env}; add a service in this environment only by giving it environmentOnly: true`],
  ];
  for (const [what, environment, path, message] of cases)
    it(`rejects ${what}`, () => assert.deepEqual(issuesOf(fruit(environment)).filter((i) => i.path === path).map((i) => i.message), [message]));

  it("reports the misspelling first, then what it causes", () => {
    // The misspelt target is no service, so the references check reports it too, after the cause.
    const found = issuesOf(fruit({ services: { plun: image }, routers: { fruit: { routes: { split: { targets: { plum: null, plun: 1 } } } } } }));
    assert.deepEqual(found.map((i) => i.path).slice(0, 1), ["services.plun"]);
  });

  it("rejects the marker in the topology, which every environment shares", () => {
    const input = fruit({});
    input.topology.services.plum.environmentOnly = true;
    assert.deepEqual(issuesOf(input), [{ path: "services.plum.environmentOnly", message: "marks entries that an environment file adds; the topology is shared by every environment, so remove it here" }]);
  });

  it("rejects a marker that is not true or false", () => {
    const found = issuesOf(fruit({ services: { kiwi: { ...image, environmentOnly: "yes" } } }));
    assert.deepEqual(found.find((i) => i.path === "services.kiwi.environmentOnly")?.message, "must be true or false, got \"yes\" (set in Pulumi.test.yaml)");
  });

  it("accepts marked entries, and plans them in that environment only", () => {
    const environment = {
      services: { kiwi: { containers: { app: { image: "example.com/kiwi:1.0", ports: [8080] } }, listeners: [{ port: 8080, protocol: "http" }], environmentOnly: true }, plum: { containers: { debug: { image: "busybox:1", environmentOnly: true } } } },
      routers: { fruit: { routes: { canary: { environmentOnly: true, match: { prefix: "/canary" }, targets: { kiwi: 1 } } } } },
      gateway: { routes: { "to-kiwi": { environmentOnly: true, match: { prefix: "/kiwi" }, target: "apple" } } },
    };
    const m = loadMesh(fruit(environment));
    assert.ok(m.nodes.some((n) => n.key === "kiwi"));
    assert.deepEqual(m.nodes.find((n) => n.key === "plum")!.containers.map((c) => c.name).sort(), ["app", "debug"]);
    assert.ok(m.routers[0].routes.some((r) => r.key === "canary"));
    assert.ok(m.gateway!.routes.some((r) => r.key === "to-kiwi"));
    assert.equal(loadMesh(fruit({})).nodes.some((n) => n.key === "kiwi"), false);
  });

  it("does not ask for the marker inside an entry that is itself environment-only", () => {
    const environment = { routers: { veg: { environmentOnly: true, listeners: [{ port: 8080, protocol: "http" }], routes: { all: { targets: { pear: 1 } } } } } };
    assert.deepEqual(issuesOf(fruit(environment)), []);
  });

  it("applies to a description passed straight to loadMesh, as a consumer's program does", () => {
    assert.throws(() => loadMesh({ topology: fruitTopology(), environment: { services: { plun: image } }, region: "us-east-1", stack: "test" }),
      (e: unknown) => e instanceof ConfigError &&
        e.message === "mesh configuration is invalid (1 problem):\n  - services.plun: in the environment but not in the topology; did you mean plum? Or add a service in this environment only by giving it environmentOnly: true");
  });

  it("any one-edit slip of a service, router, route or gateway route name is caught, with a name one edit away", () => {
    const t = fruitTopology();
    const named: [string[], string][] = [
      ...Object.keys(t.services).map((k): [string[], string] => [["services"], k]),
      ...Object.keys(t.routers).map((k): [string[], string] => [["routers"], k]),
      ...Object.keys(t.routers.fruit.routes).map((k): [string[], string] => [["routers", "fruit", "routes"], k]),
      ...Object.keys(t.gateway.routes).map((k): [string[], string] => [["gateway", "routes"], k]),
    ];
    const slip = fc.tuple(fc.constantFrom(...named), fc.nat(), fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz-"), fc.constantFrom("delete", "insert", "replace"))
      .map(([[at, name], i, c, how]) => {
        const p = i % name.length;
        const typo = how === "delete" ? name.slice(0, p) + name.slice(p + 1) : how === "insert" ? name.slice(0, p) + c + name.slice(p) : name.slice(0, p) + c + name.slice(p + 1);
        return { at, name, typo };
      })
      .filter(({ at, typo }) => typo.length > 0 && /^[a-z0-9]/.test(typo) && !Object.keys(at.reduce((o: any, k) => o[k], t)).includes(typo));
    fc.assert(fc.property(slip, ({ at, typo }) => {
      const environment: any = {};
      at.reduce((o: any, k) => (o[k] = {}), environment)[typo] = { environmentOnly: false };
      const found = issuesOf(fruit(environment)).filter((i) => i.path === [...at, typo].join(".") && i.message.includes("not in the topology"));
      assert.equal(found.length, 1, JSON.stringify({ typo, found }));
      const meant = /did you mean ([^?]+)\?/.exec(found[0].message)?.[1];
      assert.ok(meant !== undefined && editDistance(typo, meant) === 1, found[0].message);
    }), { numRuns: 200 });
  });
});
