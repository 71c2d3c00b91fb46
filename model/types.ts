/**
 * The backend-neutral mesh model. Plain data, no Pulumi and no App Mesh types: the App Mesh
 * renderer in `components/` consumes it today, and a renderer that configures Envoy itself can
 * consume the same model later. Every name AWS will see is already computed (see names.ts).
 */
import type { GatewayProtocol, HttpMethod, Protocol } from "./limits";

export interface Duration { value: number; unit: "s" | "ms" }

export interface HealthCheckModel {
  protocol: Protocol; path?: string; port?: number;
  intervalMillis: number; timeoutMillis: number; healthyThreshold: number; unhealthyThreshold: number;
  /** HTTP statuses that count as healthy, `end` exclusive (http and http2 checks; see defaults.ts). */
  healthyStatuses?: { start: number; end: number };
}
export interface OutlierDetectionModel {
  maxServerErrors: number; interval: Duration; baseEjectionDuration: Duration; maxEjectionPercent: number;
}
/** A certificate and key: files in the Envoy container, or secret ARNs ECS injects into Envoy. */
export interface KeyPairModel { file?: { certificateChain: string; privateKey: string }; secret?: { certificateChain: string; privateKey: string } }
/** A CA bundle: a file in the Envoy container, a secret ARN, or ACM Private CAs (App Mesh only). */
export interface TrustModel { file?: { certificateChain: string }; secret?: { certificateChain: string }; acm?: { certificateAuthorityArns: string[] } }
export interface ValidationModel { trust: TrustModel; subjectAlternativeNames?: string[] }
export interface TlsModel {
  mode: "STRICT" | "PERMISSIVE" | "DISABLED";
  certificate: KeyPairModel & { acm?: { certificateArn: string } };
  /** Mutual TLS: callers' certificates must chain to this trust. */
  validation?: ValidationModel;
}
/** How a service or the gateway calls its backends over TLS (App Mesh's backendDefaults.clientPolicy.tls). */
export interface ClientTlsModel { enforce: boolean; ports?: number[]; certificate?: KeyPairModel; validation: ValidationModel }
export interface ListenerModel {
  port: number; protocol: Protocol;
  healthCheck: HealthCheckModel;
  outlierDetection: OutlierDetectionModel;
  timeout?: { perRequest?: Duration; idle?: Duration };
  tls?: TlsModel;
}
export interface AccessLogModel { path: string; format?: { text?: string; json?: Record<string, string> } }

export interface ContainerModel {
  name: string; image: string; ports: number[];
  environment: Record<string, string>; secrets: Record<string, string>;
  command?: string[]; user?: string; essential: boolean; readonlyRootFilesystem: boolean;
  healthCheck?: { command: string[]; interval: number; timeout: number; retries: number; startPeriod: number };
  cpu?: number; memory?: number;
}

/** What runs a node or the gateway: a Fargate task definition and service. */
export interface TaskModel {
  cpu: number; memory: number; desiredCount: number; ecsExec: boolean;
  /** Seconds before a failing application health check counts (ECS container startPeriod). */
  startPeriod: number;
  /** ECS service name. */
  serviceName: string;
  /** Task definition family. */
  family: string;
  logGroupName: string;
  /** What the console shows (Name tags): the family, which carries the environment. */
  displayName: string;
  /** Name prefixes; the provider appends a unique suffix (names.ts: taskNames). */
  executionRoleNamePrefix: string;
  taskRoleNamePrefix: string;
  securityGroupNamePrefix: string;
}

export type DiscoveryModel =
  | { kind: "cloudMap"; namespace: string; service: string; attributes: Record<string, string> }
  | { kind: "dns"; hostname: string; responseType?: "LOADBALANCER" | "ENDPOINTS" };

export interface VirtualNodeModel {
  /** Name in the description (services.<key>). */
  key: string;
  /** Virtual node name. */
  name: string;
  listeners: ListenerModel[];
  discovery: DiscoveryModel;
  /** Cloud Map service the node's tasks register in, when its name lives in the namespace. */
  registration?: { cloudMapService: string };
  /** Virtual service names (FQDNs) the node may call. */
  backends: string[];
  /** Keys of the services and routers behind `backends`, for wiring security groups. */
  backendKeys: string[];
  /** TLS to backends: verify them, and present a certificate for mutual TLS. */
  clientTls?: ClientTlsModel;
  /** Destination ports the application reaches past Envoy (proxyConfiguration EgressIgnoredPorts). */
  egressIgnoredPorts: number[];
  accessLog?: AccessLogModel;
  containers: ContainerModel[];
  /** The customer KMS key the containers' secrets are encrypted with, if not AWS's own. */
  secretsKmsKeyArn?: string;
  task: TaskModel;
  tags: Record<string, string>;
}

export interface VirtualServiceModel {
  /** The service or router key that provides it. */
  key: string;
  /** The DNS name applications call, e.g. red.colors.local. */
  name: string;
  provider: { kind: "node"; node: string } | { kind: "router"; router: string };
}

export interface WeightedTargetModel {
  node: string; nodeName: string; weight: number; port?: number;
  /** Share of traffic in percent, rounded to one decimal, for people reading plans. */
  percent: number;
}

export interface RetryPolicyModel {
  maxRetries: number; perRetryTimeout: Duration;
  httpRetryEvents?: string[]; tcpRetryEvents?: string[]; grpcRetryEvents?: string[];
  /** POST and PATCH retried on every event too (envoy data plane; App Mesh always did). */
  retryNonIdempotent?: boolean;
}

export interface HeaderMatchModel {
  name: string; invert?: boolean;
  match: { exact?: string; prefix?: string; suffix?: string; regex?: string; range?: { start: number; end: number } };
}

export interface RouteModel {
  key: string; name: string; protocol: Protocol; priority?: number;
  match: { prefix?: string; method?: HttpMethod; port?: number; headers?: HeaderMatchModel[]; serviceName?: string; methodName?: string };
  targets: WeightedTargetModel[];
  /** Undefined only for tcp routes, which App Mesh cannot retry. */
  retryPolicy?: RetryPolicyModel;
  timeout?: { perRequest?: Duration; idle?: Duration };
}

export interface RouterModel {
  key: string; name: string;
  listeners: { port: number; protocol: Protocol }[];
  /** The virtual service name the router provides. */
  serviceName: string;
  /**
   * How that name resolves in the VPC. When a node already registers in the Cloud Map service of
   * that name, nothing more is needed; otherwise a Cloud Map service with one placeholder
   * instance is created: Envoy intercepts the connection, but the application's DNS lookup must
   * succeed first (seed 002, "Explaining FQDNs and Virtual Routers").
   */
  dns: { cloudMapService: string; placeholderIp?: string };
  routes: RouteModel[];
}

export interface GatewayRouteModel {
  key: string; name: string; protocol: GatewayProtocol; priority?: number;
  match: { prefix?: string; method?: HttpMethod; port?: number; hostname?: { exact?: string; suffix?: string }; headers?: HeaderMatchModel[]; serviceName?: string };
  target: { key: string; virtualService: string; port?: number };
  keepPrefix: boolean;
}

export interface NlbModel {
  internetFacing: boolean; port: number; targetPort: number; crossZone: boolean; deletionProtection: boolean;
  deregistrationDelay: number;
  healthCheck: {
    interval: number; healthyThreshold: number; unhealthyThreshold: number;
    /**
     * HTTP: the gateway's readiness listener on `port`, `path` (200 only while Envoy serves and is
     * not draining; envoy and lattice data planes). TCP: a connect to the traffic port (appmesh,
     * whose Envoy App Mesh configures).
     */
    protocol: "HTTP" | "TCP"; port?: number; path?: string;
  };
  /** Physical names, within ELB's 32 characters (names.ts: gatewayLbNames). */
  loadBalancerName: string;
  targetGroupName: string;
  securityGroupNamePrefix: string;
}

export interface GatewayModel {
  name: string;
  listeners: { port: number; protocol: GatewayProtocol; healthCheck: HealthCheckModel; tls?: TlsModel }[];
  /** TLS to the services it sends to. */
  clientTls?: ClientTlsModel;
  accessLog?: AccessLogModel;
  routes: GatewayRouteModel[];
  task: TaskModel;
  nlb: NlbModel;
  /**
   * Target tracking of the service's average CPU; task.desiredCount lies within min and max.
   * Absent when the gateway runs no task (desiredCount 0).
   */
  autoscaling?: { min: number; max: number; cpuTarget: number; scaleOutCooldown: number; scaleInCooldown: number };
  /** Keys of services and routers the gateway sends traffic to, for security groups. */
  targetKeys: string[];
}

export interface EnvoyModel {
  /** The image of the selected data plane: upstream Envoy (or its mirror), or App Mesh's build. */
  image: string;
  /** How application traffic reaches the sidecar (envoy data plane). */
  interception: "transparent" | "proxy";
  logLevel: string; xray: boolean; xrayImage: string;
  dogStatsd?: { port: number }; statsTags: boolean;
  drainSeconds: number; stopTimeout: number;
  /** The UID Envoy runs as; proxyConfiguration's IgnoredUID must equal it. */
  uid: number;
  /** How route changes reach Envoy: new task definitions (`restart`) or AppConfig and a file reload (`live`). */
  routeUpdates: "restart" | "live";
  /** The AppConfig Agent sidecar's image (`routeUpdates: live`). */
  appConfigAgentImage: string;
}

export type NetworkModel =
  | { kind: "new"; cidr: string; azCount: number; natGateways: "Single" | "OnePerAz" }
  | { kind: "existing"; vpcId: string; vpcCidr: string; publicSubnetIds: string[]; privateSubnetIds: string[] };

export type DataPlaneKind = "envoy" | "appmesh" | "lattice";

export interface TaskEgressModel { worldHttps: boolean; path: string; reason: string }

/** VPC endpoints (network.vpcEndpoints) and each task's HTTPS egress to the internet (vpc-endpoints.ts). */
export interface VpcEndpointsModel {
  /** Interface endpoints, as the suffix of `com.amazonaws.<region>.<suffix>`. */
  interfaces: string[];
  /** Gateway endpoints (S3, for ECR's image layers). */
  gateways: string[];
  /** By service key: whether its security group keeps 443 to 0.0.0.0/0, the setting that decides and why. */
  services: Record<string, TaskEgressModel>;
  /** The same for the gateway's tasks. */
  gateway?: TaskEgressModel;
}

export interface MeshModel {
  /** Which renderer carries the mesh (components/dataplanes/). */
  dataPlane: DataPlaneKind;
  /** Settings of the lattice data plane (ignored by the others). */
  lattice: { auth: "none" | "iam" };
  environment: string;
  region: string;
  mesh: { name: string; egressFilter: "DROP_ALL" | "ALLOW_ALL"; ipPreference?: string };
  namespace: string;
  clusterName: string;
  tags: Record<string, string>;
  network: NetworkModel;
  envoy: EnvoyModel;
  nodes: VirtualNodeModel[];
  virtualServices: VirtualServiceModel[];
  routers: RouterModel[];
  gateway?: GatewayModel;
  /** CloudWatch Logs settings shared by every log group the mesh creates. */
  logs: {
    retentionDays: number;
    /** `create`, or the ARN of the customer-managed key that encrypts every log group. @default none */
    kmsKey?: string;
  };
  /** Endpoints for the AWS services the tasks use. @default none: tasks reach AWS through the NAT */
  vpcEndpoints?: VpcEndpointsModel;
  /** Advisory guardrails knowingly broken: policy name -> why, and on exactly which resources. */
  exceptions: Record<string, PolicyException>;
  /** Settings written for the other data plane, which this one leaves aside (shown in plans). */
  unused: { path: string; reason: string }[];
  /** Valid settings the plan cannot vouch for, such as an Envoy release the tests do not run (shown in plans). */
  notes: { path: string; reason: string }[];
}

/** An advisory policy a description excepts, scoped to named resources. */
export interface PolicyException {
  /** Why the rule does not apply, as reviewers read it. */
  reason: string;
  /** Resource names as `npm run check` prints them; `(stack)` for a stack-wide finding. */
  resources: string[];
}
