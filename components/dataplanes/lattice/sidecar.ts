/**
 * The lattice data plane puts no proxy in a meshed task: ECS registers the application's ports
 * in the service's VPC Lattice target groups, and VPC Lattice does the routing.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { VirtualNodeModel } from "../../../model/types";
import { taskPolicy } from "../../service/iam";
import type { Sidecar } from "../../service/sidecar";
import type { LatticePlan } from "./plan";

export function latticeSidecar(node: VirtualNodeModel, plan: LatticePlan, targetGroupArns: Record<string, pulumi.Input<string>>, roleArn: pulumi.Input<string>): Sidecar {
  const policy = taskPolicy({ ecsExec: node.task.ecsExec, xray: false });
  return {
    containers: [],
    images: [],
    latticeTargets: plan.targetGroups.filter((t) => t.node === node.key).map((t) => ({ port: t.port, targetGroupArn: targetGroupArns[t.key], roleArn })),
    ...(policy ? { taskPolicy: JSON.stringify(policy) } : {}),
    roleDescription: `Task of service ${node.key}: ${policy ? "ECS Exec only" : "no AWS permissions"}`,
  };
}
