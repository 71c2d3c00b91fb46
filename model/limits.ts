/**
 * Limits of the App Mesh and ECS APIs that the description is validated against. Each entry
 * names the shape of the official API model (`shared/reference/aws-models`) it comes from, so a
 * test can prove that these numbers agree with AWS's own model.
 */
export interface Limit { min?: number; max?: number; shape: string; model: "appmesh" | "ecs" | "doc" }

export const LIMITS = {
  resourceName: { min: 1, max: 255, shape: "ResourceName", model: "appmesh" },
  weight: { min: 0, max: 100, shape: "PercentInt", model: "appmesh" },
  weightedTargets: { min: 1, max: 10, shape: "WeightedTargets", model: "appmesh" },
  port: { min: 1, max: 65535, shape: "PortNumber", model: "appmesh" },
  priority: { min: 0, max: 1000, shape: "RoutePriority", model: "appmesh" },
  healthCheckIntervalMillis: { min: 5000, max: 300000, shape: "HealthCheckIntervalMillis", model: "appmesh" },
  healthCheckTimeoutMillis: { min: 2000, max: 60000, shape: "HealthCheckTimeoutMillis", model: "appmesh" },
  healthCheckThreshold: { min: 2, max: 10, shape: "HealthCheckThreshold", model: "appmesh" },
  maxRetries: { min: 0, shape: "MaxRetries", model: "appmesh" },
  httpRetryEvents: { min: 1, max: 25, shape: "HttpRetryPolicyEvents", model: "appmesh" },
  tcpRetryEvents: { min: 1, max: 1, shape: "TcpRetryPolicyEvents", model: "appmesh" },
  grpcRetryEvents: { min: 1, max: 5, shape: "GrpcRetryPolicyEvents", model: "appmesh" },
  headerName: { min: 1, max: 50, shape: "HeaderName", model: "appmesh" },
  headerMatches: { min: 1, max: 10, shape: "HttpRouteHeaders", model: "appmesh" },
  headerMatchValue: { min: 1, max: 255, shape: "HeaderMatch", model: "appmesh" },
  gatewayPrefix: { min: 1, max: 255, shape: "HttpGatewayRoutePrefix", model: "appmesh" },
  maxServerErrors: { min: 1, shape: "OutlierDetectionMaxServerErrors", model: "appmesh" },
  maxEjectionPercent: { min: 0, max: 100, shape: "OutlierDetectionMaxEjectionPercent", model: "appmesh" },
  durationValue: { min: 0, shape: "DurationValue", model: "appmesh" },
  accessLogText: { min: 1, max: 1000, shape: "TextFormat", model: "appmesh" },
  accessLogJsonKey: { min: 1, max: 100, shape: "JsonKey", model: "appmesh" },
  accessLogJsonValue: { min: 1, max: 100, shape: "JsonValue", model: "appmesh" },
  filePath: { min: 1, max: 255, shape: "FilePath", model: "appmesh" },
  subjectAlternativeName: { min: 1, max: 254, shape: "SubjectAlternativeName", model: "appmesh" },
  certificateAuthorityArns: { min: 1, max: 3, shape: "CertificateAuthorityArns", model: "appmesh" },
  cloudMapName: { min: 1, max: 1024, shape: "AwsCloudMapName", model: "appmesh" },
  cloudMapAttributeKey: { min: 1, max: 255, shape: "AwsCloudMapInstanceAttributeKey", model: "appmesh" },
  cloudMapAttributeValue: { min: 1, max: 1024, shape: "AwsCloudMapInstanceAttributeValue", model: "appmesh" },
  tags: { min: 0, max: 50, shape: "TagList", model: "appmesh" },
  tagKey: { min: 1, max: 128, shape: "TagKey", model: "appmesh" },
  tagValue: { min: 0, max: 256, shape: "TagValue", model: "appmesh" },
  // ECS limits below are documented (ECS developer guide, constraints.md), not modelled as min/max.
  containerHealthInterval: { min: 5, max: 300, shape: "HealthCheck.interval", model: "doc" },
  containerHealthTimeout: { min: 2, max: 60, shape: "HealthCheck.timeout", model: "doc" },
  containerHealthRetries: { min: 1, max: 10, shape: "HealthCheck.retries", model: "doc" },
  containerHealthStartPeriod: { min: 0, max: 300, shape: "HealthCheck.startPeriod", model: "doc" },
  containersPerTask: { min: 1, max: 10, shape: "ContainerDefinitions", model: "doc" },
  envoyDrainSeconds: { min: 5, max: 110, shape: "LISTENER_DRAIN_WAIT_TIME_S", model: "doc" },
  stopTimeout: { min: 2, max: 120, shape: "ContainerDefinition.stopTimeout", model: "doc" },
  /** A whole task definition, in bytes (constraints.md): one environment value cannot be larger. */
  taskDefinitionBytes: { max: 64 * 1024, shape: "RegisterTaskDefinition request size", model: "doc" },
  /**
   * ECS models KeyValuePair.name as a bare String and documents no length; 255 is fargate-mesh's
   * own bound (the longest name any AWS container API documents, GameLift's), far above any real
   * variable name and far below the 64 KiB task definition.
   */
  environmentName: { min: 1, max: 255, shape: "KeyValuePair.name", model: "doc" },
  /** Image references: 255 characters before the digest (ContainerDefinition.image documentation). */
  imageName: { min: 1, max: 255, shape: "ContainerDefinition.image", model: "doc" },
} satisfies Record<string, Limit>;

/** Enumerations, each with the API model shape it must equal. */
export const ENUMS = {
  protocol: { values: ["http", "http2", "grpc", "tcp"] as const, shape: "PortProtocol" },
  gatewayProtocol: { values: ["http", "http2", "grpc"] as const, shape: "VirtualGatewayPortProtocol" },
  httpMethod: {
    values: ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"] as const,
    shape: "HttpMethod",
  },
  egressFilter: { values: ["DROP_ALL", "ALLOW_ALL"] as const, shape: "EgressFilterType" },
  ipPreference: { values: ["IPv6_PREFERRED", "IPv4_PREFERRED", "IPv4_ONLY", "IPv6_ONLY"] as const, shape: "IpPreference" },
  tlsMode: { values: ["STRICT", "PERMISSIVE", "DISABLED"] as const, shape: "ListenerTlsMode" },
  durationUnit: { values: ["s", "ms"] as const, shape: "DurationUnit" },
  httpRetryEvent: { values: ["server-error", "gateway-error", "client-error", "stream-error"] as const, shape: "" },
  tcpRetryEvent: { values: ["connection-error"] as const, shape: "TcpRetryPolicyEvent" },
  grpcRetryEvent: {
    values: ["cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable"] as const,
    shape: "GrpcRetryPolicyEvent",
  },
};

export type Protocol = (typeof ENUMS.protocol.values)[number];
export type GatewayProtocol = (typeof ENUMS.gatewayProtocol.values)[number];
export type HttpMethod = (typeof ENUMS.httpMethod.values)[number];
