/** Every policy of the pack, in the order the table of docs/policies.md lists them. */
import { ecsPolicies } from "./ecs";
import { envoyPolicies } from "./envoy";
import type { MeshPolicy } from "./helpers";
import { iamPolicies } from "./iam";
import { iamLogsPolicies } from "./iam-logs";
import { latticePolicies } from "./lattice";
import { latticeIamPolicies } from "./lattice-iam";
import { meshPolicies } from "./mesh";
import { networkPolicies } from "./network";
import { networkLbPolicies } from "./network-lb";
import { networkRangePolicies } from "./network-ranges";
import { operationsPolicies } from "./operations";
import { tlsPolicies } from "./tls";

export const policies: MeshPolicy[] = [...meshPolicies, ...envoyPolicies, ...latticePolicies, ...latticeIamPolicies, ...ecsPolicies, ...networkPolicies, ...networkRangePolicies, ...networkLbPolicies, ...tlsPolicies, ...iamPolicies, ...iamLogsPolicies, ...operationsPolicies];
export type { MeshPolicy, PolicyInfo } from "./helpers";
