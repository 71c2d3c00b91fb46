/** IAM documents of the lattice data plane, as plain data. */

/**
 * ECS assumes this role to register tasks in VPC Lattice target groups, for this account only.
 * No `aws:SourceArn` condition: AWS documents this trust policy without one and does not say that
 * ECS sets the key when it assumes the role; an ArnLike on an absent key denies, and ECS could then
 * register no target at all.
 */
export function ecsInfrastructureTrust(account: string) {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ecs.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": account } } }],
  };
}

/** AWS's managed policy for exactly that (register and deregister targets). */
export const LATTICE_INFRASTRUCTURE_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForVpcLattice";

/** A Lattice auth policy: only these principals may invoke this service; no caller, nobody. */
export function latticeAuthPolicy(serviceArn: string, principals: string[]) {
  return {
    Version: "2012-10-17",
    Statement: principals.length
      ? [{ Effect: "Allow", Principal: { AWS: principals }, Action: "vpc-lattice-svcs:Invoke", Resource: [`${serviceArn}/*`] }]
      : [{ Effect: "Deny", Principal: "*", Action: "vpc-lattice-svcs:Invoke", Resource: [`${serviceArn}/*`] }],
  };
}

/**
 * The service network's auth policy. With AWS_IAM on the network and no policy, AWS denies every
 * request; both the network's and the service's policy must allow one. The network admits the
 * mesh's callers, each on the services they call; each service's own policy (above) then names
 * its callers alone.
 */
export function serviceNetworkAuthPolicy(grants: { principal: string; serviceArns: string[] }[]) {
  const statements = grants.filter((g) => g.serviceArns.length).map((g) => ({
    Effect: "Allow", Principal: { AWS: [g.principal] }, Action: "vpc-lattice-svcs:Invoke", Resource: [...new Set(g.serviceArns)].sort().map((a) => `${a}/*`),
  }));
  return { Version: "2012-10-17", Statement: statements.length ? statements : [{ Effect: "Deny", Principal: "*", Action: "vpc-lattice-svcs:Invoke", Resource: "*" }] };
}
