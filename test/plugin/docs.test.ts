// The complete YAML program of docs/languages.md is a valid description: its Mesh properties
// pass the loader (as Construct would validate them), so the sample cannot rot unnoticed.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { meshModelOf } from "../../plugin/input";

describe("plugin: docs/languages.md", () => {
  const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "languages.md"), "utf8");

  it("its YAML program's Mesh is a valid description, with the typed target form", () => {
    const block = /## YAML \(complete\)\n\n```yaml\n([\s\S]*?)```/.exec(doc);
    assert.ok(block, "a complete YAML program");
    const program = parse(block[1]);
    const mesh = program.resources.mesh;
    assert.equal(mesh.type, "fargate-mesh:index:Mesh");
    const model = meshModelOf(mesh.properties, { stack: "dev", region: undefined });
    assert.deepEqual(model.nodes.map((n) => n.key).sort(), ["green", "yellow"]);
    assert.ok(Object.values<any>(mesh.properties.topology.routers.colors.routes["color-route"].targets).every((t) => typeof t === "object"));
  });

  it("says plainly that SDK generation and pulumi up were not run here", () => {
    assert.match(doc, /Not run here/);
    assert.match(doc, /pulumi package add/);
  });
});
