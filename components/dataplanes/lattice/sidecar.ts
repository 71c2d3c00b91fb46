/**
 * The lattice data plane puts no proxy in a meshed task: ECS registers the application's ports
 * in the service's VPC Lattice target groups, and VPC Lattice does the routing. With
 * `lattice.auth: iam`, a task that calls other services gets one Envoy, which signs those calls
 * (caller.ts), and its role may invoke exactly its backends' Lattice services.
 */
import * as pulumi from "@pulumi/pulumi";
import type { MeshModel, VirtualNodeModel } from "../../../model/types";
import type { LogTarget } from "../../service/containers";
import { taskPolicy } from "../../service/iam";
import type { Sidecar } from "../../service/sidecar";
import { callerProxy, latticeBackends, signsRequests } from "./caller";
import type { LatticePlan } from "./plan";

export interface LatticeArns {
  targetGroupArns: Record<string, pulumi.Input<string>>;
  /** The role ECS assumes to register tasks. */
  roleArn: pulumi.Input<string>;
  /** A Lattice service's ARN by plan key. */
  serviceArn: (key: string) => pulumi.Input<string>;
}

/** The task policy of a caller that signs: Invoke on its Lattice services, plus what the task needs besides. */
export function invokePolicy(serviceArns: pulumi.Input<string>[], opts: { ecsExec: boolean; xray: boolean }): pulumi.Output<string | undefined> {
  return pulumi.all(serviceArns).apply((arns) => {
    const p = taskPolicy({ ...opts, latticeInvoke: arns });
    return p ? JSON.stringify(p) : undefined;
  });
}

export function latticeSidecar(model: MeshModel, node: VirtualNodeModel, plan: LatticePlan, arns: LatticeArns, log: LogTarget): Sidecar {
  const signs = signsRequests(model, node.key);
  const targets = plan.targetGroups.filter((t) => t.node === node.key).map((t) => ({ port: t.port, targetGroupArn: arns.targetGroupArns[t.key], roleArn: arns.roleArn }));
  if (!signs) {
    const policy = taskPolicy({ ecsExec: node.task.ecsExec, xray: false });
    return {
      containers: [], images: [], latticeTargets: targets,
      ...(policy ? { taskPolicy: JSON.stringify(policy) } : {}),
      roleDescription: `Task of service ${node.key}: ${policy ? "ECS Exec only" : "no AWS permissions"}`,
    };
  }
  const backends = latticeBackends(plan, model, node.key);
  return {
    ...callerProxy(model, plan, node.key, log),
    latticeTargets: targets,
    taskPolicy: invokePolicy(backends.map((b) => arns.serviceArn(b.key)), { ecsExec: node.task.ecsExec, xray: false }).apply((p) => p!),
    roleDescription: `Task of service ${node.key}: invokes ${backends.map((b) => b.key).join(", ")} through VPC Lattice${node.task.ecsExec ? ", and ECS Exec" : ""}`,
  };
}
