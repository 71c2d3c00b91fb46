import { AWS_NAME_LIMITS } from "../../model/names";

/** Each physical-name input of a resource type and the most AWS accepts there. */
export const NAME_INPUTS: Record<string, Record<string, number>> = {
  "aws:iam/role:Role": { namePrefix: AWS_NAME_LIMITS.iamRoleNamePrefix },
  "aws:iam/rolePolicy:RolePolicy": { name: AWS_NAME_LIMITS.iamRolePolicy },
  "aws:ec2/securityGroup:SecurityGroup": { namePrefix: AWS_NAME_LIMITS.securityGroupNamePrefix },
  "aws:lb/loadBalancer:LoadBalancer": { name: AWS_NAME_LIMITS.loadBalancer },
  "aws:lb/targetGroup:TargetGroup": { name: AWS_NAME_LIMITS.targetGroup },
  "aws:cloudwatch/logGroup:LogGroup": { name: AWS_NAME_LIMITS.logGroup },
  "aws:ecs/taskDefinition:TaskDefinition": { family: AWS_NAME_LIMITS.taskFamily },
  "aws:ecs/service:Service": { name: AWS_NAME_LIMITS.ecsService },
  "aws:ecs/cluster:Cluster": { name: AWS_NAME_LIMITS.cluster },
  "aws:servicediscovery/instance:Instance": { instanceId: AWS_NAME_LIMITS.cloudMapInstanceId },
};

/** `resource: input value` for every physical name over its limit, and how many were checked. */
export function namesOverLimit(resources: { type: string; name: string; inputs: Record<string, unknown> }[]): { over: string[]; missing: string[]; checked: number } {
  const out = { over: [] as string[], missing: [] as string[], checked: 0 };
  for (const r of resources) {
    for (const [input, limit] of Object.entries(NAME_INPUTS[r.type] ?? {})) {
      const value = r.inputs[input];
      if (typeof value !== "string") { out.missing.push(`${r.name}: ${input}`); continue; }
      if (value.length > limit) out.over.push(`${r.name}: ${input} ${value} is over ${limit}`);
      out.checked++;
    }
  }
  return out;
}
