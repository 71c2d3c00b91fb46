/**
 * A small description of the tests' own (not a reference stack), so that a user's edit of
 * stacks/ never moves these tests: apple calls the router `fruit`, which splits between pear and
 * plum; the gateway sends /fruit to the router and / to apple.
 */
import type { MeshInput } from "../../model/load";

const service = (name: string, backends?: string[]) => ({
  containers: { app: { image: `example.com/${name}:1.0`, ports: [8080] } },
  listeners: [{ port: 8080, protocol: "http" }],
  ...(backends ? { backends } : {}),
});

export function fruitTopology(): any {
  return {
    mesh: { name: "fruit" },
    namespace: "fruit.local",
    services: { apple: service("apple", ["fruit"]), pear: service("pear"), plum: service("plum") },
    routers: {
      fruit: {
        listeners: [{ port: 8080, protocol: "http" }],
        routes: { split: { match: { prefix: "/" }, targets: { pear: 3, plum: 1 } } },
      },
    },
    gateway: {
      listeners: [{ port: 8080, protocol: "http" }],
      routes: {
        "to-fruit": { match: { prefix: "/fruit" }, target: "fruit" },
        "to-apple": { match: { prefix: "/" }, target: "apple" },
      },
    },
  };
}

/** The model input of the fixture with one environment's overrides. */
export function fruit(environment: any, extra: Pick<MeshInput, "configKeys" | "sources"> = {}): MeshInput & { topology: any } {
  return { topology: fruitTopology(), environment, region: "us-east-1", stack: "test", sources: { environment: "Pulumi.test.yaml" }, ...extra };
}
