/**
 * `sources` name the files a consumer's program read the description from, so that each
 * problem says where it was written: the environment's file when it overrides the value, the
 * topology's file otherwise, and no file for what neither holds.
 */
import { strict as assert } from "assert";
import { validateMesh, MeshInput } from "../../model/load";
import type { Topology } from "../../model/description";

const topology = (): Topology => ({
  mesh: { name: "shop" }, namespace: "shop.local",
  services: {
    web: { containers: { app: { image: "registry.example.com/web:1", ports: [8080] } }, listeners: [{ port: 8080, protocol: "http" }], backends: ["api"] },
    api: { containers: { app: { image: "registry.example.com/api:1", ports: [8080] } }, listeners: [{ port: 8080, protocol: "http" }] },
  },
});

const messages = (input: MeshInput) => {
  const r = validateMesh(input);
  return r.ok ? {} : Object.fromEntries(r.issues.map((i) => [i.path, i.message]));
};

describe("sources in messages", () => {
  // GIVEN a wrong value in the topology, one in the environment, and a reference to nothing
  const t = topology();
  t.services.web.listeners![0].port = 0;
  t.services.web.backends = ["nowhere"];
  const input: MeshInput = {
    topology: t, stack: "dev", region: "us-east-1",
    environment: { services: { api: { desiredCount: -1 } } },
  };

  it("name the topology's file for what only the topology holds, and the environment's for what it overrides", () => {
    const found = messages({ ...input, sources: { topology: "Pulumi.yaml", environment: "Pulumi.dev.yaml" } });
    assert.match(found["services.web.listeners[0].port"], / \(set in Pulumi\.yaml\)$/);
    assert.match(found["services.api.desiredCount"], / \(set in Pulumi\.dev\.yaml\)$/);
    assert.match(found["services.web.backends[0]"], / \(set in Pulumi\.yaml\)$/);
  });

  it("name no file when none is given", () => {
    const found = messages(input);
    assert.ok(Object.keys(found).length >= 3, JSON.stringify(found));
    for (const m of Object.values(found)) assert.doesNotMatch(m, /\(.*set in /);
  });
});
