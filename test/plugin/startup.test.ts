// The real start-up path: the plugin process started as Pulumi's Node language host starts a
// source plugin (node <@pulumi/pulumi>/cmd/run-plugin <plugin dir> <engine address>, in the
// plugin's folder), its port read from its first line, then GetSchema and Construct over gRPC,
// with the engine and the resource monitor faked in this process (the monitor answers with the
// project's mocks).
import { strict as assert } from "assert";
import * as path from "path";
import { planOf } from "../components/plan-helpers";
import { input } from "../helpers";
import { MESH, PLUGIN_DIR } from "./plugin-helpers";

import { fakeEngine, grpc, provPb, provRpc, startPlugin, unary } from "../../tools/plugin-host";
const structPb = require("google-protobuf/google/protobuf/struct_pb");

function constructRequest(monitor: string, inputs: Record<string, unknown>) {
  const req = new provPb.ConstructRequest();
  req.setProject("fargate-mesh"); req.setStack("dev"); req.setOrganization("organization");
  req.setType(MESH); req.setName("mesh"); req.setMonitorendpoint(monitor); req.setParallel(4); req.setDryrun(false);
  req.getConfigMap().set("aws:region", "us-east-1");
  req.setInputs(structPb.Struct.fromJavaScript(inputs));
  return req;
}

describe("plugin: started as Pulumi starts it, called over gRPC", function () {
  this.timeout(180000);
  let engine: Awaited<ReturnType<typeof fakeEngine>>;
  let plugin: Awaited<ReturnType<typeof startPlugin>>;
  let client: any;

  before(async () => {
    engine = await fakeEngine();
    plugin = await startPlugin(engine.address, PLUGIN_DIR);
    client = new provRpc.ResourceProviderClient(`127.0.0.1:${plugin.port}`, grpc.credentials.createInsecure());
  });
  after(() => { client?.close(); plugin?.child.kill(); engine?.stop(); });

  it("serves GetSchema: the Mesh component (and says how long that took)", async () => {
    const t0 = Date.now();
    const r = await unary(client, "getSchema", new provPb.GetSchemaRequest());
    const schema = JSON.parse(r.getSchema());
    const total = plugin.ms + Date.now() - t0;
    process.stderr.write(`      plugin start ${plugin.ms} ms, GetSchema served ${total} ms after spawn (${require("fs").existsSync(path.join(PLUGIN_DIR, "..", "bin", "plugin", "index.js")) ? "compiled JavaScript" : "TypeScript through ts-node"})\n`);
    assert.equal(schema.name, "fargate-mesh");
    assert.deepEqual(Object.keys(schema.resources), [MESH]);
  });

  it("refuses a bad description with the ConfigError's message, having registered nothing", async () => {
    const i = input("dev");
    const env = JSON.parse(JSON.stringify(i.environment));
    env.routers.colors.routes["color-route"].targets.purple = 5;
    await assert.rejects(unary(client, "construct", constructRequest(engine.address, { topology: i.topology, environment: env, sources: { environment: "Pulumi.dev.yaml" } })),
      (e: Error) => { assert.match(e.message, /mesh configuration is invalid[\s\S]*routers\.colors\.routes\.color-route\.targets\.purple/); return true; });
    assert.deepEqual(engine.registered, []);
  });

  it("constructs the dev description: the TypeScript program's resources, and the outputs", async () => {
    const plan = await planOf("dev");
    const i = input("dev");
    const r = await unary(client, "construct", constructRequest(engine.address, JSON.parse(JSON.stringify({ topology: i.topology, environment: i.environment }))));
    assert.match(r.getUrn(), /::fargate-mesh:index:Mesh::mesh$/);
    const state = r.getState().toJavaScript();
    assert.equal(state.meshName, plan.outputs.meshName);
    assert.deepEqual(Object.keys(state.serviceNames).sort(), Object.keys(plan.outputs.serviceNames as object).sort());
    const names = engine.registered.filter((x) => x.type !== MESH).map((x) => `${x.type}::${x.name}`).sort();
    assert.deepEqual(names, plan.resources.map((x) => `${x.type}::${x.name}`).sort());
  });
});

describe("npm run bench, the plugin part", function () {
  this.timeout(120000);
  it("starts plugin/ and a minimal component package alike, once each, and prints both with their ratio (times nothing)", async () => {
    const { pluginBench } = require("../../tools/bench-plugin");
    let out = "";
    await pluginBench(1, (s: string) => (out += s));
    assert.match(out, /minimal component package\s+\d+\s+\d+\n/);
    assert.match(out, /plugin\/ \(Mesh\)\s+\d+\s+\d+\n/);
    assert.match(out, /plugin\/ ÷ minimal\s+\d+\.\d\d\s+\d+\.\d\d\n/);
  });
});
