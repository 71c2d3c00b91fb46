import { z } from "zod";
import { LIMITS } from "../limits";
import { accessLog, bool, image, int, key, keyed, port, show, tags, text } from "./common";
import { clientTls, listener } from "./listener";
import { secretArn } from "./secret-arn";

export { SECRET_NAME } from "../secrets";

/** A Cloud Map service name becomes a DNS label: lower case, at most 63 characters. */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** A container health check as ECS runs it (seconds, not milliseconds). */
export const containerHealthCheck = z.strictObject({
  command: z.array(z.string()).min(1, { error: "must have at least one element" }),
  interval: int(LIMITS.containerHealthInterval).optional(),
  timeout: int(LIMITS.containerHealthTimeout).optional(),
  retries: int(LIMITS.containerHealthRetries).optional(),
  startPeriod: int(LIMITS.containerHealthStartPeriod).optional(),
});

export const container = z.strictObject({
  /**
   * In an environment file, on a container the topology does not have: adds it in this environment
   * only (without it, such an entry is taken for a misspelling and refused). Not valid in the
   * topology, nor on a container the topology has. @default false
   */
  environmentOnly: bool.optional(),

  /** Image reference, by tag (`repo:1.4`) or by digest (`repo@sha256:<64 hex digits>`); the per-environment stack file usually pins its version. */
  image,
  /** Ports the container listens on. Every one must be a listener port of the service's node. */
  ports: z.array(int(LIMITS.port)).optional(),
  /** Plain environment variables. Names that look like secrets are rejected: use `secrets`. */
  environment: z.record(z.string(), z.string({ error: (i) => `must be a string, got ${show(i.input)}` })).optional(),
  /**
   * Secrets as name -> Secrets Manager or SSM parameter ARN, injected by ECS at start. A Secrets
   * Manager ARN is the full one, with the 6-character suffix (`…:secret:db-AbCdEf`, optionally
   * followed by `:<json-key>:<stage>:<version>`): the execution role is granted exactly that ARN.
   */
  secrets: z.record(z.string(), secretArn((input) => `must be a Secrets Manager secret or SSM parameter ARN (arn:aws:secretsmanager:…:secret:… or arn:aws:ssm:…:parameter/…), got ${show(input)}`)).optional(),
  command: z.array(z.string()).optional(),
  /** @default true */
  essential: bool.optional(),
  /**
   * The user the container runs as: a name or UID, optionally with a group (`1000`, `app:app`).
   * @default the image's own user (often root, which the ecs-non-root-user policy reports)
   */
  user: z.string().regex(/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/, { error: (i) => `must be a user or UID, optionally with a group (such as 1000 or app:app), got ${show(i.input)}` }).optional(),
  /** @default true: the root filesystem is read-only unless the container needs to write. */
  readonlyRootFilesystem: bool.optional(),
  healthCheck: containerHealthCheck.optional(),
  cpu: int({ min: 0 }).optional(),
  memory: int({ min: 6 }).optional(),
});
export type ContainerConfig = z.infer<typeof container>;

/** How a node is found: a Cloud Map service in the mesh's namespace, or a DNS hostname. */
export const discovery = z.strictObject({
  cloudMap: z.strictObject({
    /** @default the service's name, lower-cased */
    service: text(LIMITS.cloudMapName).regex(DNS_LABEL, {
      error: "must be a lower-case DNS label (letters, digits, '-'; at most 63 characters)",
    }).optional(),
    attributes: z.record(
      text(LIMITS.cloudMapAttributeKey).regex(/^[a-zA-Z0-9!-~]+$/, { error: "must match ^[a-zA-Z0-9!-~]+$" }),
      text(LIMITS.cloudMapAttributeValue),
    ).optional(),
  }).optional(),
  dns: z.strictObject({
    hostname: text({ min: 1, max: 253 }),
    responseType: z.enum(["LOADBALANCER", "ENDPOINTS"]).optional(),
  }).optional(),
}).refine((d) => !(d.cloudMap && d.dns), { error: "must set at most one of cloudMap or dns" });

export const service = z.strictObject({
  /**
   * In an environment file, on a service the topology does not have: adds it in this environment
   * only (without it, such an entry is taken for a misspelling and refused). Not valid in the
   * topology, nor on a service the topology has. @default false
   */
  environmentOnly: bool.optional(),

  /** Application containers by name; the Envoy sidecar is added by the package. */
  containers: keyed(container).refine((c) => Object.keys(c).length >= 1, { error: "must have at least one container" }),
  /** Ports the virtual node listens on; traffic to them goes through Envoy. @default none (client only) */
  listeners: z.array(listener).optional(),
  /** @default Cloud Map, service named after the service */
  discovery: discovery.optional(),
  /** Names of services or routers this service may call. Calls are asymmetric. @default none */
  backends: z.array(key).optional(),
  /**
   * Destination ports the application reaches directly, past Envoy (ECS proxyConfiguration
   * EgressIgnoredPorts; transparent interception). With egress DROP_ALL, Envoy refuses every
   * connection that is not to a backend, so an application that calls AWS APIs (or any HTTPS
   * service) itself needs `[443]` here; those connections are then limited only by the task's
   * security group (HTTPS egress). @default none: DROP_ALL holds for every port
   */
  egressIgnoredPorts: z.array(port).min(1, { error: "must list at least one port (leave it out for none)" }).optional(),
  /** TLS when it calls its backends: verify them (and present a certificate for mutual TLS). @default none */
  clientTls: clientTls.optional(),
  accessLog: accessLog.optional(),
  /**
   * Whether the service gets its own virtual service `<name>.<namespace>`.
   * @default true, unless the service is a target of a router (then the router's service fronts it)
   */
  virtualService: bool.optional(),
  /**
   * The customer-managed KMS key the secrets are encrypted with: the execution role may decrypt
   * with this key only, and only through Secrets Manager or SSM (`kms:ViaService`), whichever
   * holds the secrets. @default AWS's own key (no KMS permission needed)
   */
  secretsKmsKeyArn: z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, { error: "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)" }).optional(),
  /** @default 1 */
  desiredCount: int({ min: 0, max: 1000 }).optional(),
  /** Fargate task CPU units. @default 256 */
  cpu: int({ min: 256 }).optional(),
  /** Fargate task memory in MiB. @default 512 */
  memory: int({ min: 512 }).optional(),
  /**
   * Seconds the application may take to start before a failing health check counts against its
   * task (envoy data plane: the lifecycle container's health check; appmesh: the app-health
   * container's; lattice: the ECS service's grace period for VPC Lattice health checks). @default 60
   */
  startPeriod: int(LIMITS.containerHealthStartPeriod).optional(),
  /**
   * Enables ECS Exec: the SSM messages permissions on the task role, writable task volumes for
   * the exec agent in each application container (whose root filesystem stays read-only), and
   * session logging by the cluster to the log group `/ecs-exec/<cluster>`, which the task role
   * may write. @default false
   */
  ecsExec: bool.optional(),
  tags: tags.optional(),
});
export type ServiceConfig = z.infer<typeof service>;
