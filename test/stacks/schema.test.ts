/**
 * The JSON Schemas of schema/ (tools/json-schema/): checked in equal to a fresh generation from
 * the zod schema, satisfied by every stack file the project holds, and strict where an editor
 * should underline: misspelt keys, wrong enums, values out of range.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { listStacks, stackFile, PROJECT_DIR } from "../../stacks/files";
import { SCHEMA_DIR, SCHEMA_FILES } from "../../tools/json-schema/documents";
import { schemaDocs, shapeKey } from "../../tools/json-schema/descriptions";
import { staleSchemas } from "../../tools/schema";
import { unknownKeywords, violations } from "./json-schema-check";

const load = (file: string) => JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, file), "utf8"));
const yamlOf = (file: string) => parse(fs.readFileSync(file, "utf8"));
const stackSchema = () => load(SCHEMA_FILES.stack);

/** A small stack file of the test's own, whole in one file (topology and environment). */
function ownStack(): any {
  return {
    config: {
      "aws:region": "eu-west-1",
      "fargate-mesh:topology": {
        mesh: { name: "shop" }, namespace: "shop.local",
        services: {
          web: { containers: { app: { image: "registry.example.com/web:1", ports: [8080] } }, listeners: [{ port: 8080, protocol: "http" }], backends: ["api"] },
          api: { containers: { app: { image: "registry.example.com/api:1", ports: [8080] } }, listeners: [{ port: 8080, protocol: "http" }] },
        },
        routers: { api: { listeners: [{ port: 8080, protocol: "http" }], routes: { all: { match: { prefix: "/" }, targets: { api: 100 } } } } },
      },
      "fargate-mesh:environment": { services: { api: { containers: { app: { image: "registry.example.com/api:2" } } } } },
    },
  };
}

describe("the JSON Schemas of the stack-file format", () => {
  it("are checked in equal to a fresh generation from the zod schema (run npm run schema)", () => {
    assert.deepEqual(staleSchemas(), []);
  });

  it("use only keywords the checker applies, so none passes unchecked", () => {
    for (const file of Object.values(SCHEMA_FILES)) assert.deepEqual(unknownKeywords(load(file)), [], file);
  });

  it("accept every reference stack, every stack-format example and the project file", () => {
    for (const stack of listStacks()) assert.deepEqual(violations(stackSchema(), yamlOf(stackFile(stack))), [], stack);
    const examples = fs.readdirSync(path.join(PROJECT_DIR, "examples")).filter((f) => f.endsWith(".yaml")).map((f) => path.join(PROJECT_DIR, "examples", f));
    const stackFormat = examples.filter((f) => yamlOf(f)?.config);
    assert.ok(stackFormat.length > 0, "examples hold stack-format files");
    for (const f of stackFormat) assert.deepEqual(violations(stackSchema(), yamlOf(f)), [], f);
    assert.deepEqual(violations(load(SCHEMA_FILES.project), yamlOf(path.join(PROJECT_DIR, "Pulumi.yaml"))), []);
  });

  it("accept a description of the test's own and a null that removes a key in the environment", () => {
    const doc = ownStack();
    assert.deepEqual(violations(stackSchema(), doc), []);
    doc.config["fargate-mesh:environment"].routers = { api: { routes: { all: null } } };
    assert.deepEqual(violations(stackSchema(), doc), []);
  });

  it("reject a misspelt config key, setting or enum, a missing required setting and a weight out of range, each at its path", () => {
    const doc = ownStack();
    doc.config["fargate-mesh:enviroment"] = {};
    const topo = doc.config["fargate-mesh:topology"];
    topo.services.web.containers.app.imgae = "x";
    topo.services.api.listeners[0].protocol = "htp";
    delete topo.namespace;
    topo.routers.api.routes.all.targets.api = 150;
    doc.config["fargate-mesh:environment"].services.api.desiredCount = -1;
    const found = violations(stackSchema(), doc);
    const at = (p: string) => found.filter((f) => f.startsWith(`${p}:`) || f.startsWith(`${p} `));
    assert.equal(at("config.fargate-mesh:enviroment").length, 1, found.join("\n"));
    assert.equal(at("config.fargate-mesh:topology.services.web.containers.app.imgae").length, 1, found.join("\n"));
    assert.match(at("config.fargate-mesh:topology.services.api.listeners[0].protocol").join(), /must be one of http, http2, grpc, tcp/);
    assert.match(at("config.fargate-mesh:topology").join(), /requires namespace/);
    assert.match(at("config.fargate-mesh:topology.routers.api.routes.all.targets.api").join(), /above 100/);
    assert.match(at("config.fargate-mesh:environment.services.api.desiredCount").join(), /below/);
    assert.equal(found.length, 6, found.join("\n"));
  });

  it("carry the zod schema's doc comments as descriptions, so editors explain each setting", () => {
    const shapes = new Map<string, Record<string, any>>();
    const walk = (s: any): void => {
      if (Array.isArray(s)) return s.forEach(walk);
      if (s === null || typeof s !== "object") return;
      if (s.properties && !Object.values(s.properties).some((p: any) => p?.anyOf?.some((b: any) => b.type === "null"))) shapes.set(shapeKey(Object.keys(s.properties)), s.properties);
      Object.values(s).forEach(walk);
    };
    walk(stackSchema().$defs.topology);
    const docs = schemaDocs(path.join(PROJECT_DIR, "model", "schema"));
    assert.ok(docs.size > 10);
    for (const [shape, comments] of docs) {
      const props = shapes.get(shape);
      if (!props) continue; // a literal that is not a description object (none today, see the next assertion)
      for (const [k, text] of Object.entries(comments)) assert.equal(props[k]?.description, text, `${shape}: ${k}`);
    }
    const described = [...docs.keys()].filter((k) => Object.keys(docs.get(k)!).length);
    assert.deepEqual(described.filter((k) => !shapes.has(k)), [], "every commented object of model/schema appears in the JSON Schema");
  });
});
