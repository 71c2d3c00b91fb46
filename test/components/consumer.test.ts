import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { MeshedService, Namespace } from "../../components";
import { appMeshSidecar } from "../../components/dataplanes/appmesh/sidecar";
import { model } from "../helpers";
import { input } from "../helpers";
import { recordedResources, resetRecording, settle } from "../../tools/mocks";

/**
 * A consumer's program: an existing VPC, its own cluster and mesh, and two fargate-mesh
 * components used on their own (a namespace and one meshed service).
 */
describe("components used on their own by another program", () => {
  it("builds a namespace and a meshed service into an existing VPC", async () => {
    resetRecording("us-east-1");
    const red = model(input("dev")).nodes.find((n) => n.key === "red")!;
    const envoy = model(input("dev")).envoy;
    const ns = new Namespace("shop-ns", { name: "shop.local", vpcId: "vpc-0abc", services: ["red"] });
    const svc = new MeshedService("shop-red", {
      node: red, region: "us-east-1",
      sidecar: appMeshSidecar(red, envoy, "arn:aws:appmesh:us-east-1:111122223333:mesh/shop/virtualNode/red", { group: red.task.logGroupName, region: "us-east-1" }),
      clusterArn: "arn:aws:ecs:us-east-1:111122223333:cluster/shop",
      vpcId: "vpc-0abc", subnetIds: ["subnet-a", "subnet-b"],
      registryArn: ns.serviceArns.apply((a) => a.red),
    });
    const name = await new Promise((res) => svc.serviceName.apply(res));
    await settle();
    assert.equal(name, "red");
    const byName = new Map(recordedResources().map((r) => [r.name, r]));
    assert.equal(byName.get("shop-red")!.type, "fargate-mesh:index:MeshedService");
    assert.equal(byName.get("shop-red")!.parent, null);
    assert.deepEqual(byName.get("shop-red-task")!.parent, { type: "fargate-mesh:index:MeshedService", name: "shop-red" });
    const service = byName.get("shop-red-service")!.inputs as any;
    assert.deepEqual(service.networkConfiguration.subnets, ["subnet-a", "subnet-b"]);
    assert.equal(service.cluster, "arn:aws:ecs:us-east-1:111122223333:cluster/shop");
    assert.match(service.serviceRegistries.registryArn, /servicediscovery.*shop-ns-red/);
    const policy = JSON.parse(byName.get("shop-red-task-policy")!.inputs.policy as string);
    assert.deepEqual(policy.Statement[0].Resource, ["arn:aws:appmesh:us-east-1:111122223333:mesh/shop/virtualNode/red"]);
    assert.equal(byName.get("shop-ns-namespace")!.inputs.vpc, "vpc-0abc");
    assert.ok(pulumi.Output.isInstance(ns.namespaceId));
  });
});
