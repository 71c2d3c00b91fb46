import * as path from "path";

export const PLUGIN_DIR = path.resolve(__dirname, "..", "..", "plugin");
export const MESH = "fargate-mesh:index:Mesh";

/** The Node SDK's component provider for the plugin, as its host builds it (cmd/run-plugin/run.js). */
export function provider(): any {
  const { ComponentProvider } = require("@pulumi/pulumi/provider/experimental/provider");
  // The source, not plugin/index.js, which prefers a compiled bin/ that may be older than the source.
  const { Mesh } = require("../../plugin/index.ts");
  return new ComponentProvider({ name: "fargate-mesh", dirname: PLUGIN_DIR, components: [Mesh] });
}

let schema: Promise<any> | undefined;
/** The inferred schema (the analyzer takes a second or two: shared by the tests). */
export function inferredSchema(): Promise<any> {
  return (schema ??= provider().getSchema().then((s: string) => JSON.parse(s)));
}
