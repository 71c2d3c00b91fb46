/** Every policy of the pack, in the order the table of docs/policies.md lists them. */
import { ecsPolicies } from "./ecs";
import { envoyPolicies } from "./envoy";
import type { MeshPolicy } from "./helpers";
import { iamLogsPolicies } from "./iam-logs";
import { latticePolicies } from "./lattice";
import { meshPolicies } from "./mesh";
import { networkPolicies } from "./network";

export const policies: MeshPolicy[] = [...meshPolicies, ...envoyPolicies, ...latticePolicies, ...ecsPolicies, ...networkPolicies, ...iamLogsPolicies];
export type { MeshPolicy, PolicyInfo } from "./helpers";
