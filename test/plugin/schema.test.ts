// The schema the Node SDK's analyzer infers from plugin/: the one component, its inputs and
// outputs, and, type by type, the same keys as the loader's zod schema (so the SDKs of other
// languages can write every setting the stack files can, and nothing the loader refuses).
import { strict as assert } from "assert";
import { z } from "zod";
import { topology, DATA_PLANES } from "../../model/schema/topology";
import { ENUMS } from "../../model/limits";
import { inferredSchema, MESH } from "./plugin-helpers";
import { metaschemaProblems } from "./metaschema";

const TYPE = "#/types/fargate-mesh:index:";
const refName = (p: any): string | undefined => (typeof p?.$ref === "string" && p.$ref.startsWith(TYPE) ? p.$ref.slice(TYPE.length) : undefined);

/** The zod schema under optional/prefault/pipe wrappers. */
function unwrap(s: z.ZodType): z.ZodType {
  const def: any = (s as any)._zod.def;
  if (["optional", "prefault", "default", "nullable", "readonly"].includes(def.type)) return unwrap(def.innerType);
  if (def.type === "pipe") return unwrap(def.in);
  return s;
}

describe("plugin: the inferred schema", function () {
  this.timeout(60000);

  it("keeps the rules of Pulumi's package metaschema", async () => {
    assert.deepEqual(metaschemaProblems(await inferredSchema()), []);
  });

  it("the metaschema check refuses what the metaschema refuses", () => {
    const bad = {
      name: "9fm",
      types: { "fm:index:T": { type: "object", properties: { a: { type: "array" }, b: { type: "map" } }, required: ["c"] }, "fm::9x": { type: "string", enum: [{}] } },
      resources: { "fm:index:R": { isComponent: "yes", inputProperties: { x: { $ref: "#/types/fm:index:Missing" } }, requiredInputs: ["y"] } },
    };
    const problems = metaschemaProblems(bad);
    for (const expected of [/^name:/, /types\.fm:index:T\.properties\.a: must be exactly one/, /properties\.b: must be exactly one/, /required: names c/, /types\.fm::9x: not a token/, /enum\[0\]: needs a value/, /isComponent: must be a boolean/, /requiredInputs: names y/, /Missing: no such type/])
      assert.ok(problems.some((p) => expected.test(p)), `${expected} in ${JSON.stringify(problems, null, 1)}`);
  });

  it("has the one component Mesh, and no other resource", async () => {
    const s = await inferredSchema();
    assert.equal(s.name, "fargate-mesh");
    assert.deepEqual(Object.keys(s.resources), [MESH]);
    assert.equal(s.resources[MESH].isComponent, true);
  });

  it("takes the description plain: topology required, the rest optional", async () => {
    const r = (await inferredSchema()).resources[MESH];
    assert.deepEqual(r.requiredInputs, ["topology"]);
    assert.deepEqual(Object.keys(r.inputProperties).sort(), ["environment", "region", "remove", "sources", "stack", "topology"]);
    for (const [k, p] of Object.entries<any>(r.inputProperties)) assert.equal(p.plain, true, `${k} must be plain: the description decides which resources exist`);
    assert.equal(refName(r.inputProperties.topology), "MeshTopology");
    assert.equal(refName(r.inputProperties.environment), "MeshEnvironment");
    assert.deepEqual(r.inputProperties.remove.items, { type: "string", plain: true });
    assert.equal(r.inputProperties.region.type, "string");
  });

  it("gives what a user needs back: URL, NLB, cluster, namespace, services, VPC and subnets", async () => {
    const r = (await inferredSchema()).resources[MESH];
    const p = r.properties;
    for (const k of ["url", "nlbDnsName", "meshName", "clusterName", "clusterArn", "namespace", "namespaceId", "vpcId"]) assert.equal(p[k]?.type, "string", k);
    assert.deepEqual(p.serviceNames.additionalProperties, { type: "string" });
    for (const k of ["publicSubnetIds", "privateSubnetIds"]) assert.deepEqual(p[k].items, { type: "string" }, k);
    // Without a gateway there is no URL: those two are the only optional outputs.
    assert.deepEqual(Object.keys(p).filter((k) => !r.required.includes(k)).sort(), ["nlbDnsName", "url"]);
  });

  it("types names, weights, images and counts", async () => {
    const t = (await inferredSchema()).types;
    const T = (n: string) => t[`fargate-mesh:index:${n}`];
    assert.equal(refName(T("MeshTopology").properties.services.additionalProperties), "Service");
    assert.equal(refName(T("Service").properties.containers.additionalProperties), "Container");
    assert.equal(T("Container").properties.image.type, "string");
    assert.equal(T("Service").properties.desiredCount.type, "number");
    assert.equal(refName(T("Route").properties.targets.additionalProperties), "RouteTarget");
    assert.equal(T("RouteTarget").properties.weight.type, "number");
    assert.equal(T("MeshSettings").properties.name.type, "string");
    assert.deepEqual(T("MeshTopology").required, ["mesh", "namespace", "services"]);
    assert.deepEqual(T("MeshEnvironment").required, [], "an environment overrides what it names, nothing more");
  });

  it("enums hold the loader's values", async () => {
    const t = (await inferredSchema()).types;
    const values = (n: string) => t[`fargate-mesh:index:${n}`].enum.map((e: any) => e.value).sort();
    assert.deepEqual(values("DataPlane"), [...DATA_PLANES].sort());
    assert.deepEqual(values("Protocol"), [...ENUMS.protocol.values].sort());
  });

  it("has, type by type, exactly the keys of the loader's schema, and says where a value is free-form", async () => {
    const types = (await inferredSchema()).types;
    const seen = new Set<string>();
    const freeForm: string[] = [];
    // Walks a schema property and the zod schema at the same config path.
    const walk = (prop: any, zs: z.ZodType, at: string): void => {
      const zu = unwrap(zs);
      const def: any = (zu as any)._zod.def;
      if (prop.$ref === "pulumi.json#/Any") {
        assert.ok(/free-form/.test(prop.description ?? ""), `${at}: a free-form value says so in its description`);
        freeForm.push(at);
        return;
      }
      const name = refName(prop);
      if (name && types[`fargate-mesh:index:${name}`].enum) {
        assert.equal(def.type, "enum", `${at}: an enum where the loader has ${def.type}`);
        return;
      }
      if (name) {
        // A route target is a weight or { weight, port }: the schema carries the map form.
        const object = def.type === "union" ? def.options.map(unwrap).find((o: any) => o._zod.def.type === "object") : zu;
        assert.ok(object && object._zod.def.type === "object", `${at}: ${name} is an object where the loader has ${def.type}`);
        const shape = object._zod.def.shape;
        const props = types[`fargate-mesh:index:${name}`].properties;
        assert.deepEqual(Object.keys(props).sort(), Object.keys(shape).sort(), `${at} (${name}): keys differ from the loader's`);
        if (seen.has(`${name}@${at}`)) return;
        seen.add(`${name}@${at}`);
        for (const k of Object.keys(props)) walk(props[k], shape[k], `${at}.${k}`);
        return;
      }
      if (prop.type === "array") { assert.equal(def.type, "array", at); return walk(prop.items, def.element, `${at}[]`); }
      if (prop.type === "object") { assert.equal(def.type, "record", at); return walk(prop.additionalProperties, def.valueType, `${at}.*`); }
      const zodType = { string: "string", number: "number", boolean: "boolean" }[prop.type as string];
      assert.ok(zodType, `${at}: unexpected schema type ${JSON.stringify(prop)}`);
      // int() is a number with checks; enumOf a string enum the schema writes as a string.
      assert.ok(def.type === zodType || (prop.type === "string" && def.type === "enum"), `${at}: ${prop.type} where the loader has ${def.type}`);
    };
    walk({ $ref: `${TYPE}MeshTopology` }, topology, "topology");
    walk({ $ref: `${TYPE}MeshEnvironment` }, topology, "environment");
    assert.deepEqual([...new Set(freeForm.map((p) => p.replace(/^(topology|environment)/, "")))].sort(),
      [".gateway.clientTls", ".gateway.listeners[].tls", ".services.*.clientTls", ".services.*.discovery", ".services.*.listeners[].tls"]);
  });

  it("refers only to types it defines, and every property has a type", async () => {
    const s = await inferredSchema();
    const check = (p: any, at: string) => {
      if (p.$ref) {
        if (p.$ref === "pulumi.json#/Any") return;
        assert.ok(s.types[p.$ref.replace("#/types/", "")], `${at}: ${p.$ref} is not defined`);
      } else assert.ok(["string", "number", "integer", "boolean", "array", "object"].includes(p.type), `${at}: no type`);
      if (p.items) check(p.items, `${at}[]`);
      if (p.additionalProperties) check(p.additionalProperties, `${at}.*`);
    };
    for (const [tok, r] of Object.entries<any>(s.resources)) {
      for (const [k, p] of Object.entries<any>({ ...r.inputProperties, ...r.properties })) check(p, `${tok}.${k}`);
    }
    for (const [tok, t] of Object.entries<any>(s.types)) {
      assert.match(tok, /^fargate-mesh:index:[A-Z][A-Za-z]+$/);
      if (t.enum) { assert.ok(t.enum.every((e: any) => typeof e.value === t.type), tok); continue; }
      assert.equal(t.type, "object", tok);
      for (const [k, p] of Object.entries<any>(t.properties)) check(p, `${tok}.${k}`);
      for (const k of t.required) assert.ok(t.properties[k], `${tok}: required ${k} is not a property`);
    }
  });
});
