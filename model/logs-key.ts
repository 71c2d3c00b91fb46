/**
 * A customer-managed KMS key for the mesh's CloudWatch Logs (`logs.kmsKey: create`), as plain
 * data. CloudWatch Logs encrypts a group with a key only if the key policy lets the regional
 * Logs service use it; the policy here lets it do so for exactly the mesh's own log groups (the
 * encryption context names the group), and leaves the key's administration to the account, as
 * AWS's default key policy does (without that statement nobody could manage or delete the key).
 */
import { flowLogNames, latticeAccessLogGroup, names } from "./names";
import type { MeshModel } from "./types";

/** Every log group the mesh creates, by name: each task's, the VPC flow logs', Lattice's access logs, ECS Exec sessions'. */
export function meshLogGroups(m: Pick<MeshModel, "nodes" | "gateway" | "network" | "dataPlane" | "mesh" | "clusterName">): string[] {
  return [
    ...m.nodes.map((n) => n.task.logGroupName),
    ...(m.gateway ? [m.gateway.task.logGroupName] : []),
    ...(m.network.kind === "new" ? [flowLogNames(m.mesh.name).logGroup] : []),
    ...(m.dataPlane === "lattice" ? [latticeAccessLogGroup(m.mesh.name)] : []),
    ...(m.nodes.some((n) => n.task.ecsExec) ? [names.execLogGroup(m.clusterName)] : []),
  ].sort();
}

export function logsKeyPolicy(account: string, region: string, groups: string[]) {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "LogsEncryptMeshGroups", Effect: "Allow", Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"], Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": groups.map((g) => `arn:aws:logs:${region}:${account}:log-group:${g}`) } },
      },
    ],
  };
}
