import { z } from "zod";
import { ENUMS, LIMITS } from "../limits";
import { bool, enumOf, keyed, tags, text } from "./common";
import { envoy } from "./envoy";
import { gateway } from "./gateway";
import { network } from "./network";
import { router } from "./router";
import { service } from "./service";

/** The whole mesh description: the shared topology merged with one environment's overrides. */
export const DATA_PLANES = ["envoy", "appmesh", "lattice"] as const;
export type DataPlane = (typeof DATA_PLANES)[number];

/** One excepted policy: why, and exactly which resources (as `npm run check` names them). */
const policyException = z.strictObject({
  /** What a reviewer reads: why the rule does not apply to these resources. */
  reason: z.string({ error: "must say why the rule does not apply" }).min(1, { error: "must say why the rule does not apply" }),
  /** Resource names as `npm run check` prints them (`mesh-gateway-nlb`), or `(stack)` for a finding on no resource. */
  resources: z.array(z.string().min(1, { error: "must be a resource name" }), { error: "must list the resources it covers" }).min(1, { error: "must list at least one resource" }),
}, { error: "must be { reason, resources: [...] }: name the resources the exception covers (npm run check prints them), so that nothing added later is waived too" });

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_PERIODS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const topology = z.strictObject({
  /**
   * What carries the mesh: `envoy`, Envoy sidecars and gateway configured by fargate-mesh from
   * this description (deployable today), `lattice`, Amazon VPC Lattice (managed, no sidecar), or
   * `appmesh`, the AWS App Mesh rendering (App Mesh was discontinued on 2026-09-30; kept to
   * compare and to read old stacks). @default envoy
   */
  dataPlane: enumOf(DATA_PLANES).optional(),
  /** Settings of the lattice data plane. */
  lattice: z.strictObject({
    /**
     * `none`: security groups decide who may call (the default); `iam`: the service network's
     * and each Lattice service's auth policy allow only the declared callers' task roles, and an
     * Envoy signs their requests with SigV4 (the gateway's, and in each caller's task an HTTP
     * proxy the applications reach through HTTP_PROXY). @default none
     */
    auth: enumOf(["none", "iam"] as const).optional(),
  }).optional(),
  /**
   * This stack serves production. Envoy may then not log at debug or trace (validation and the
   * policy pack refuse it), and images pulled by a mutable tag are flagged (advisory). Every
   * resource carries the tag `fargate-mesh:production: "true"`, which is how the policy pack
   * knows. Usually set in the production stack's file. @default false
   */
  production: bool.optional(),
  /** CloudWatch Logs of the mesh: every task's log group, VPC flow logs and Lattice access logs. */
  logs: z.strictObject({
    /**
     * Days each log group keeps its logs; one of CloudWatch Logs' retention periods. Set it per
     * environment where audits need more (365 in the reference prod). @default 30, to bound cost
     */
    retentionDays: z.number({ error: "must be a number of days" }).refine((d) => (LOG_RETENTION_PERIODS as readonly number[]).includes(d), {
      error: `must be one of CloudWatch Logs' retention periods: ${LOG_RETENTION_PERIODS.join(", ")}`,
    }).optional(),
    /**
     * Encrypt every log group with a customer-managed KMS key: `create` makes one for the stack
     * (rotated yearly; the key policy lets CloudWatch Logs use it for the mesh's groups only), or
     * name your own key's ARN (its policy must let logs.<region>.amazonaws.com use it).
     * @default none: CloudWatch Logs' own encryption
     */
    kmsKey: z.string({ error: "must be create or a KMS key ARN" }).refine((k) => k === "create" || /^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/.test(k), {
      error: "must be create, or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>; CloudWatch Logs takes no alias)",
    }).optional(),
  }).optional(),
  mesh: z.strictObject({
    /** Base name; the environment is appended (`colors` -> `colors-dev`). */
    name: text(LIMITS.resourceName).regex(/^[a-z0-9][a-z0-9-]*$/, { error: "must contain only lower-case letters, digits and '-'" }),
    /** @default DROP_ALL: Envoy only lets traffic out to backends in the mesh */
    egressFilter: enumOf(ENUMS.egressFilter.values).optional(),
    ipPreference: enumOf(ENUMS.ipPreference.values).optional(),
  }),
  /** The Cloud Map private DNS namespace, e.g. colors.local. */
  namespace: z.string().regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
    error: "must be a lower-case DNS name such as colors.local",
  }),
  tags: tags.optional(),
  network: network.optional(),
  /** Envoy settings; all optional on the envoy data plane (the tested release by default). */
  envoy: envoy.prefault({}),
  /** At least one: a mesh with nothing in it is a mistake, not a plan. */
  services: keyed(service).refine((s) => Object.keys(s).length > 0, { error: "must have at least one service" }),
  routers: keyed(router).optional(),
  gateway: gateway.optional(),
  /**
   * Advisory guardrails this description knowingly breaks, each scoped to the resources it covers
   * (policy name -> { reason, resources }). A finding on any other resource stays advisory, so a
   * resource added later is never waived by an old reason. Mandatory policies cannot be excepted.
   * @default none
   */
  exceptions: z.record(
    z.string().regex(/^[a-z0-9-]+$/, { error: "must be a policy name such as lb-internet-facing" }),
    policyException,
  ).optional(),
});
export type TopologyConfig = z.infer<typeof topology>;
