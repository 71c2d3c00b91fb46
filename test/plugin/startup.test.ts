// The real start-up path: the plugin process started as Pulumi's Node language host starts a
// source plugin (node <@pulumi/pulumi>/cmd/run-plugin <plugin dir> <engine address>, in the
// plugin's folder), its port read from its first line, then GetSchema and Construct over gRPC,
// with the engine and the resource monitor faked in this process (the monitor answers with the
// project's mocks).
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { mocks } from "../../tools/mocks";
import { planOf } from "../components/plan-helpers";
import { input } from "../helpers";
import { MESH, PLUGIN_DIR } from "./plugin-helpers";

const grpc = require("@grpc/grpc-js");
const SDK = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const proto = (f: string) => require(path.join(SDK, "proto", f));
const provRpc = proto("provider_grpc_pb.js"), provPb = proto("provider_pb.js");
const resRpc = proto("resource_grpc_pb.js"), resPb = proto("resource_pb.js");
const engRpc = proto("engine_grpc_pb.js"), engPb = proto("engine_pb.js");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb");
const structPb = require("google-protobuf/google/protobuf/struct_pb");
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");

interface Registered { type: string; name: string; parent: string }

/** A fake engine (logs) and resource monitor (the project's mocks), on ports of their own. */
async function fakeEngine() {
  const server = new grpc.Server();
  const logs: string[] = [];
  const registered: Registered[] = [];
  const monitor = new MockMonitor(mocks);
  server.addService(engRpc.EngineService, {
    log: (call: any, cb: any) => { logs.push(call.request.getMessage()); cb(null, new emptyPb.Empty()); },
    getRootResource: (_: any, cb: any) => cb(null, new engPb.GetRootResourceResponse()),
    setRootResource: (_: any, cb: any) => cb(null, new engPb.SetRootResourceResponse()),
  });
  server.addService(resRpc.ResourceMonitorService, {
    supportsFeature: (call: any, cb: any) => {
      const r = new resPb.SupportsFeatureResponse();
      r.setHassupport(["secrets", "resourceReferences", "aliasSpecs", "deletedWith"].includes(call.request.getId()));
      cb(null, r);
    },
    registerResource: (call: any, cb: any) => {
      registered.push({ type: call.request.getType(), name: call.request.getName(), parent: call.request.getParent() });
      monitor.registerResource(call.request, cb);
    },
    registerResourceOutputs: (call: any, cb: any) => monitor.registerResourceOutputs(call.request, (e: unknown) => cb(e, e ? undefined : new emptyPb.Empty())),
    invoke: (call: any, cb: any) => monitor.invoke(call.request, cb),
  });
  const port: number = await new Promise((res, rej) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e: Error, p: number) => (e ? rej(e) : res(p))));
  return { address: `127.0.0.1:${port}`, logs, registered, stop: () => server.forceShutdown() };
}

/** Starts the plugin; resolves with its gRPC port and the milliseconds until it printed it. */
function startPlugin(engine: string): Promise<{ child: ChildProcess; port: number; ms: number; stderr: () => string }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [path.join(SDK, "cmd", "run-plugin"), PLUGIN_DIR, engine], { cwd: PLUGIN_DIR, stdio: ["ignore", "pipe", "pipe"] });
  let out = "", err = "";
  child.stderr!.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /^(\d+)\n/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), ms: Date.now() - t0, stderr: () => err });
    });
    child.on("exit", (code) => reject(new Error(`plugin exited (${code}) before serving: ${err}`)));
  });
}

const unary = (client: any, method: string, req: any): Promise<any> =>
  new Promise((res, rej) => client[method](req, (e: Error, r: any) => (e ? rej(e) : res(r))));

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
    plugin = await startPlugin(engine.address);
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
