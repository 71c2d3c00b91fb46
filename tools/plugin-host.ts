/**
 * Starting the component package as Pulumi's Node language host starts a source plugin (node
 * <@pulumi/pulumi>/cmd/run-plugin <plugin dir> <engine address>, in the plugin's folder), with the
 * engine and the resource monitor faked in this process (the monitor answers with the project's
 * mocks): shared by the plugin's start-up test and `npm run bench`.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { mocks } from "./mocks";

export const grpc = require("@grpc/grpc-js");
const SDK = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const proto = (f: string) => require(path.join(SDK, "proto", f));
export const provRpc = proto("provider_grpc_pb.js"), provPb = proto("provider_pb.js");
const resRpc = proto("resource_grpc_pb.js"), resPb = proto("resource_pb.js");
const engRpc = proto("engine_grpc_pb.js"), engPb = proto("engine_pb.js");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb");
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");

export interface Registered { type: string; name: string; parent: string }

/** A fake engine (logs) and resource monitor (the project's mocks), on ports of their own. */
export async function fakeEngine() {
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
export function startPlugin(engine: string, dir: string): Promise<{ child: ChildProcess; port: number; ms: number; stderr: () => string }> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [path.join(SDK, "cmd", "run-plugin"), dir, engine], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
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

export const unary = (client: any, method: string, req: any): Promise<any> =>
  new Promise((res, rej) => client[method](req, (e: Error, r: any) => (e ? rej(e) : res(r))));

