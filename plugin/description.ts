/**
 * The mesh description as Pulumi's schema can carry it to Python, Go, C# and YAML: the same keys
 * as the stack files (model/schema/ is the rule, and test/plugin/schema.test.ts checks that every
 * interface here has exactly the keys of its zod object), written in the shapes the schema
 * analyzer accepts: interfaces, arrays, string-keyed maps, `as const` enums, `any`.
 *
 * Nested settings are all optional here, even those the topology requires, because the
 * environment is the same shapes with every key optional; the loader reports a missing one with
 * its config path, as it does for a stack file. `any` marks the few parts the schema cannot type
 * (they say so in their description); they are still checked by the loader, key by key.
 */

/** What carries the mesh. */
export const DataPlane = {
  /** Envoy sidecars and gateway configured by fargate-mesh (the default; deployable today). */
  envoy: "envoy",
  /** AWS App Mesh (discontinued on 2026-09-30; kept to compare and to read old stacks). */
  appmesh: "appmesh",
  /** Amazon VPC Lattice (managed, no sidecar), with an Envoy gateway in front. */
  lattice: "lattice",
} as const;
export type DataPlane = (typeof DataPlane)[keyof typeof DataPlane];

/** A listener's protocol. */
export const Protocol = { http: "http", http2: "http2", grpc: "grpc", tcp: "tcp" } as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

/** The shared topology (`fargate-mesh:topology` of a stack file): every environment's mesh. */
export interface MeshTopology {
  /** What carries the mesh: envoy (the default), lattice, or appmesh. */
  dataPlane?: DataPlane;
  /** Settings of the lattice data plane. */
  lattice?: LatticeSettings;
  /** This stack serves production: Envoy may not log at debug or trace, mutable image tags are flagged. Default false. */
  production?: boolean;
  /** CloudWatch Logs of the mesh. */
  logs?: LogsSettings;
  /** The mesh's name and egress. Required in the topology. */
  mesh: MeshSettings;
  /** The Cloud Map private DNS namespace, such as colors.local. */
  namespace: string;
  /** Tags on every taggable resource (tag name to value). */
  tags?: { [tag: string]: string };
  /** A new VPC (the default) or an existing one, and optional VPC endpoints. */
  network?: NetworkSettings;
  /** Envoy settings; all optional on the envoy data plane. */
  envoy?: EnvoySettings;
  /** The services by name; at least one. */
  services: { [service: string]: Service };
  /** Routers (virtual services with weighted routes) by name. */
  routers?: { [router: string]: Router };
  /** The gateway and its Network Load Balancer, the mesh's entry point. */
  gateway?: Gateway;
  /** Advisory policies this description knowingly breaks, by policy name, each with a reason and the resources it covers. */
  exceptions?: { [policy: string]: PolicyException };
}

/**
 * One environment's overrides (`fargate-mesh:environment`): the topology's keys, all optional.
 * Maps merge key by key; lists and plain values replace the topology's whole. To remove a key
 * of the topology, list its path in `remove` (a `null` value does the same in TypeScript, but
 * the Python, Go and .NET SDKs drop nulls before they reach the provider).
 */
export interface MeshEnvironment {
  // Written out, not Partial<MeshTopology>: the analyzer turns the properties of a mapped type into Any.
  dataPlane?: DataPlane;
  lattice?: LatticeSettings;
  production?: boolean;
  logs?: LogsSettings;
  mesh?: MeshSettings;
  namespace?: string;
  tags?: { [tag: string]: string };
  network?: NetworkSettings;
  envoy?: EnvoySettings;
  services?: { [service: string]: Service };
  routers?: { [router: string]: Router };
  gateway?: Gateway;
  exceptions?: { [policy: string]: PolicyException };
}

export interface LatticeSettings {
  /** none (security groups decide who may call; the default) or iam (auth policies and SigV4 signing). */
  auth?: string;
}

export interface LogsSettings {
  /** Days each log group keeps its logs: one of CloudWatch Logs' retention periods. Default 30. */
  retentionDays?: number;
  /** create (a key of the stack's own) or a KMS key ARN; default CloudWatch Logs' own encryption. */
  kmsKey?: string;
}

export interface MeshSettings {
  /** Base name; the environment (stack) is appended: colors becomes colors-dev. */
  name?: string;
  /** DROP_ALL (the default: only backends in the mesh) or ALLOW_ALL. */
  egressFilter?: string;
  /** IPv6_PREFERRED, IPv4_PREFERRED, IPv4_ONLY or IPv6_ONLY. */
  ipPreference?: string;
}

export interface NetworkSettings {
  /** A new VPC: public subnets for the NLB, private subnets with NAT for the tasks. */
  new?: NewVpc;
  /** An existing VPC; DNS support and DNS hostnames must already be on. */
  existing?: ExistingVpc;
  /** Interface endpoints for the AWS services the tasks use. Default false. */
  vpcEndpoints?: boolean;
}

export interface NewVpc {
  /** Default 10.0.0.0/16. */
  cidr?: string;
  /** Availability zones, 1 to 6. Default 2. */
  azCount?: number;
  /** Single (the default) or OnePerAz. */
  natGateways?: string;
}

export interface ExistingVpc {
  vpcId?: string;
  vpcCidr?: string;
  publicSubnetIds?: string[];
  privateSubnetIds?: string[];
}

export interface EnvoySettings {
  /** Upstream Envoy release such as v1.40.0; default the release fargate-mesh is tested with. */
  version?: string;
  /** App Mesh Envoy build (appmesh data plane), such as v1.29.12.1. */
  appMeshVersion?: string;
  /** A full image reference; overrides the version. */
  image?: string;
  /** transparent (the default) or proxy. */
  interception?: string;
  /** trace, debug, info (the default), warning, warn, error, critical or off. */
  logLevel?: string;
  /** Adds the X-Ray daemon sidecar and Envoy's X-Ray tracing. Default false. */
  xray?: boolean;
  xrayImage?: string;
  /** Emit DogStatsD metrics to 127.0.0.1 on this port. */
  dogStatsd?: DogStatsd;
  /** Tag Envoy stats with the mesh and node names. Default false. */
  statsTags?: boolean;
  /** Seconds Envoy drains its listeners on stop. Default 20. */
  drainSeconds?: number;
  /** Envoy container stopTimeout in seconds. Default 30. */
  stopTimeout?: number;
  /** restart (the default: routes in each bootstrap) or live (route tables from AWS AppConfig, reloaded without restarts). */
  routeUpdates?: string;
  /** The AppConfig Agent image of routeUpdates live. */
  appConfigAgentImage?: string;
}

export interface DogStatsd {
  port?: number;
}

export interface PolicyException {
  /** Why the rule does not apply to these resources. */
  reason?: string;
  /** Resource names as `npm run check` prints them (mesh-gateway-nlb). */
  resources?: string[];
}

/** A service: its containers (an Envoy sidecar is added), listeners, backends, size. */
export interface Service {
  /** In an environment, on a service the topology does not have: adds it in this environment only. */
  environmentOnly?: boolean;
  /** Application containers by name; at least one. */
  containers?: { [container: string]: Container };
  /** Ports the service listens on; traffic to them goes through Envoy. */
  listeners?: Listener[];
  /**
   * How the service is found: { cloudMap: { service, attributes } } (the default, named after the
   * service) or { dns: { hostname, responseType } }. A free-form map here; the loader checks it.
   */
  discovery?: any;
  /** Names of services or routers this service may call. */
  backends?: string[];
  /** Destination ports the application reaches directly, past Envoy. */
  egressIgnoredPorts?: number[];
  /**
   * TLS when calling backends: { enforce, ports, certificate: { file | secret }, validation: { trust:
   * { acm | file | secret }, subjectAlternativeNames } }. A free-form map here (its exactly-one-of
   * choices have no schema type); the loader checks it.
   */
  clientTls?: any;
  accessLog?: AccessLog;
  /** Whether the service gets its own virtual service; default true unless a router targets it. */
  virtualService?: boolean;
  /** The customer-managed KMS key of the secrets. */
  secretsKmsKeyArn?: string;
  /** Tasks; default 1. */
  desiredCount?: number;
  /** Fargate task CPU units; default 256. */
  cpu?: number;
  /** Fargate task memory in MiB; default 512. */
  memory?: number;
  /** Seconds the application may take to start; default 60. */
  startPeriod?: number;
  /** Enables ECS Exec. Default false. */
  ecsExec?: boolean;
  tags?: { [tag: string]: string };
}

export interface Container {
  /** In an environment, on a container the topology does not have: adds it in this environment only. */
  environmentOnly?: boolean;
  /** Image reference, by tag (repo:1.4) or by digest (repo@sha256:…). */
  image?: string;
  /** Ports the container listens on; each must be a listener port of its service. */
  ports?: number[];
  /** Plain environment variables (names that look like secrets are refused: use secrets). */
  environment?: { [name: string]: string };
  /** Secrets as name to Secrets Manager or SSM parameter ARN. */
  secrets?: { [name: string]: string };
  command?: string[];
  /** Default true. */
  essential?: boolean;
  /** A user or UID, optionally with a group (1000, app:app). */
  user?: string;
  /** Default true. */
  readonlyRootFilesystem?: boolean;
  healthCheck?: ContainerHealthCheck;
  cpu?: number;
  memory?: number;
}

export interface ContainerHealthCheck {
  command?: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  startPeriod?: number;
}

export interface Listener {
  port?: number;
  protocol?: Protocol;
  healthCheck?: HealthCheck;
  outlierDetection?: OutlierDetection;
  timeout?: Timeout;
  /**
   * TLS on this listener: { mode, certificate: { acm | file | secret }, validation }. A free-form
   * map here (its exactly-one-of choices have no schema type); the loader checks it.
   */
  tls?: any;
}

export interface HealthCheck {
  protocol?: Protocol;
  path?: string;
  port?: number;
  intervalMillis?: number;
  timeoutMillis?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
}

export interface OutlierDetection {
  maxServerErrors?: number;
  /** A duration such as 10s. */
  interval?: string;
  baseEjectionDuration?: string;
  maxEjectionPercent?: number;
}

export interface Timeout {
  /** A duration such as 15s or 500ms. */
  perRequest?: string;
  idle?: string;
}

export interface AccessLog {
  /** Usually /dev/stdout. */
  path?: string;
  format?: AccessLogFormat;
}

export interface AccessLogFormat {
  /** Exactly one of text or json. */
  text?: string;
  json?: { [field: string]: string };
}

/** A router: a virtual service whose routes split traffic between services by weight. */
export interface Router {
  environmentOnly?: boolean;
  listeners?: RouterListener[];
  /** The router's Cloud Map name; default the router's name. */
  dnsName?: string;
  routes?: { [route: string]: Route };
}

export interface RouterListener {
  port?: number;
  protocol?: Protocol;
}

export interface Route {
  environmentOnly?: boolean;
  protocol?: Protocol;
  /** 0 is matched first. */
  priority?: number;
  match?: RouteMatch;
  /**
   * Services and their weights. A stack file may write a bare number (green: 4); the schema
   * cannot type "a number or a map", so here a target is always { weight, port }.
   */
  targets?: { [service: string]: RouteTarget };
  retryPolicy?: RetryPolicy;
  timeout?: Timeout;
}

export interface RouteTarget {
  /** Relative weight, 0 to 100. */
  weight?: number;
  /** The target's listener port, when it has several. */
  port?: number;
}

export interface RouteMatch {
  /** Default "/" for http and http2 routes. */
  prefix?: string;
  method?: string;
  port?: number;
  headers?: HeaderMatch[];
  /** gRPC routes: the fully qualified service name. */
  serviceName?: string;
  methodName?: string;
}

/** One header condition: exactly one of exact, prefix, suffix, regex or range. */
export interface HeaderMatch {
  name?: string;
  invert?: boolean;
  exact?: string;
  prefix?: string;
  suffix?: string;
  regex?: string;
  range?: HeaderRange;
}

export interface HeaderRange {
  start?: number;
  end?: number;
}

export interface RetryPolicy {
  maxRetries?: number;
  /** A duration such as 15s. */
  perRetryTimeout?: string;
  httpRetryEvents?: string[];
  tcpRetryEvents?: string[];
  grpcRetryEvents?: string[];
  retryNonIdempotent?: boolean;
}

/** The gateway: Envoy tasks behind a Network Load Balancer, routing by prefix to services and routers. */
export interface Gateway {
  /** Default <mesh>-gateway. */
  name?: string;
  listeners?: GatewayListener[];
  /** TLS when the gateway calls the services it routes to; free-form, as a service's clientTls. */
  clientTls?: any;
  accessLog?: AccessLog;
  routes?: { [route: string]: GatewayRoute };
  /** Tasks at the first deployment; default 2. */
  desiredCount?: number;
  autoscaling?: Autoscaling;
  cpu?: number;
  memory?: number;
  nlb?: Nlb;
}

export interface GatewayListener {
  port?: number;
  protocol?: Protocol;
  healthCheck?: HealthCheck;
  /** TLS terminated by the gateway's Envoy; free-form, as a service listener's tls. */
  tls?: any;
}

export interface GatewayRoute {
  environmentOnly?: boolean;
  protocol?: Protocol;
  priority?: number;
  match?: GatewayRouteMatch;
  /** The service or router that receives the traffic. */
  target?: string;
  targetPort?: number;
  /** Keep the matched prefix instead of rewriting it to "/". Default false. */
  keepPrefix?: boolean;
}

export interface GatewayRouteMatch {
  prefix?: string;
  method?: string;
  port?: number;
  hostname?: HostnameMatch;
  headers?: HeaderMatch[];
  serviceName?: string;
}

export interface HostnameMatch {
  exact?: string;
  suffix?: string;
}

export interface Autoscaling {
  min?: number;
  max?: number;
  /** Average CPU percent the autoscaler keeps. Default 60. */
  cpuTarget?: number;
}

export interface Nlb {
  /** Default true. */
  internetFacing?: boolean;
  /** Default the gateway's first listener port. */
  port?: number;
  crossZone?: boolean;
  /** Default true. */
  deletionProtection?: boolean;
  deregistrationDelay?: number;
  healthCheck?: NlbHealthCheck;
}

export interface NlbHealthCheck {
  interval?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
}
