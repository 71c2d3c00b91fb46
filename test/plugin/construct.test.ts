// Construct through the Node SDK's component provider, in-process under the project's mocks: the
// dev stack's description registers what the TypeScript program registers; a bad one fails with
// the stack files' ConfigError and registers nothing.
import { strict as assert } from "assert";
import { ConfigError } from "../../model/errors";
import { validateMesh, type MeshInput } from "../../model/load";
import { meshModelOf } from "../../plugin/input";
import { installMocks, recordedResources, resetRecording, settle } from "../../tools/mocks";
import { planOf } from "../components/plan-helpers";
import { input } from "../helpers";
import { MESH, provider } from "./plugin-helpers";

/** Mesh's inputs for a stack's description, as a program in another language would pass them. */
function argsOf(i: MeshInput): Record<string, unknown> {
  return JSON.parse(JSON.stringify({ topology: i.topology, environment: i.environment, region: i.region, sources: { environment: i.sources?.environment } }));
}

async function construct(inputs: Record<string, unknown>, stack = "dev") {
  installMocks(stack);
  resetRecording("us-east-1");
  try {
    const r = await provider().construct("mesh", MESH, inputs, {});
    const state: Record<string, unknown> = {};
    for (const [k, v] of Object.entries<any>(r.state)) state[k] = await v.promise();
    await settle();
    return { state, resources: recordedResources() };
  } finally {
    await settle();
  }
}

const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

describe("plugin: Construct in-process", function () {
  this.timeout(120000);

  it("the dev description registers the TypeScript program's resources, with the same inputs", async () => {
    const plan = await planOf("dev");
    const { state, resources } = await construct(argsOf(input("dev")));
    const built = resources.filter((r) => r.type !== MESH);
    assert.deepEqual(built.map(key).sort(), plan.resources.map(key).sort());
    const planned = new Map(plan.resources.map((r) => [key(r), r]));
    for (const r of built) {
      assert.deepEqual(r.inputs, planned.get(key(r))!.inputs, `${key(r)}: inputs differ`);
      // The one difference: FargateMesh is the Mesh's child instead of the stack's.
      const parent = r.type === "fargate-mesh:index:FargateMesh" ? { type: MESH, name: "mesh" } : planned.get(key(r))!.parent;
      assert.deepEqual(r.parent, parent, `${key(r)}: parent`);
    }
    assert.equal(resources.filter((r) => r.type === MESH).length, 1);
    for (const k of ["url", "nlbDnsName", "meshName", "clusterName", "serviceNames"]) assert.deepEqual(state[k], plan.outputs[k], k);
    assert.equal(state.namespace, plan.model.namespace);
    assert.deepEqual(Object.keys(state.serviceNames as object).sort(), plan.model.nodes.map((n) => n.key).sort());
    for (const k of ["clusterArn", "namespaceId", "vpcId"]) assert.equal(typeof state[k], "string", k);
    assert.ok((state.privateSubnetIds as unknown[]).length > 0);
  });

  it("a bad description fails with the stack files' ConfigError, paths and sources, and registers nothing", async () => {
    const bad = input("dev");
    const env = JSON.parse(JSON.stringify(bad.environment));
    env.routers.colors.routes["color-route"].targets.purple = 5;
    env.services.green.containers.app.image = "no spaces allowed";
    const viaStackFiles = validateMesh({ ...bad, environment: env });
    assert.ok(!viaStackFiles.ok);
    const expected = new ConfigError(viaStackFiles.issues).message;
    assert.match(expected, /routers\.colors\.routes\.color-route\.targets\.purple/);
    assert.match(expected, /\(set in Pulumi\.dev\.yaml\)/);

    await assert.rejects(construct({ ...argsOf(bad), environment: env }), (e: Error) => {
      assert.ok(e instanceof ConfigError, `${e}`);
      assert.equal(e.message, expected);
      return true;
    });
    assert.deepEqual(recordedResources(), [], "not even the Mesh component is registered");
  });
});

describe("plugin: remove, for the SDKs that drop null", () => {
  const dev = input("dev");
  const defaults = { stack: "dev", region: dev.region };

  it("removes a key as a null in the environment does", () => {
    const env = JSON.parse(JSON.stringify(dev.environment));
    env.routers.colors.routes["color-route"].targets = { green: 100 };
    const withNull = JSON.parse(JSON.stringify(env));
    withNull.routers.colors.routes["color-route"].targets.yellow = null;
    withNull.services.yellow = null;
    const viaNull = validateMesh({ ...dev, environment: withNull });
    assert.ok(viaNull.ok, JSON.stringify(!viaNull.ok && viaNull.issues));
    const viaRemove = meshModelOf({ topology: dev.topology as any, environment: env, region: dev.region, remove: ["services.yellow", "routers.colors.routes.color-route.targets.yellow"] }, defaults);
    assert.deepEqual(viaRemove, viaNull.model);
    assert.ok(!viaRemove.nodes.some((n) => n.key === "yellow"));
    // The caller's environment is not changed.
    assert.equal(env.services.yellow.containers.app.image, dev.environment!.services!.yellow!.containers!.app!.image);
  });

  it("refuses a path that names a list item, or goes through a plain value, at remove[i]", () => {
    assert.throws(() => meshModelOf({ topology: dev.topology as any, environment: dev.environment as any, remove: ["services.red.listeners[0]", "gateway.nlb.deletionProtection.x"] }, defaults), (e: ConfigError) => {
      assert.deepEqual(e.issues.map((i) => i.path), ["remove[0]", "remove[1]"]);
      assert.match(e.issues[0].message, /lists are replaced whole/);
      assert.match(e.issues[1].message, /gateway\.nlb\.deletionProtection/);
      return true;
    });
  });
});
