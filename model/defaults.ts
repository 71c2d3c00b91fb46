/**
 * Every default the description applies, in one place, each with the reason it was chosen.
 */
import { TESTED_ENVOY_VERSION } from "./envoy-release";
import type { Protocol } from "./limits";
import type { Duration, HealthCheckModel, OutlierDetectionModel, RetryPolicyModel } from "./types";

/**
 * The HTTP statuses an http or http2 health check counts as healthy: 200 to 399 (`end` is
 * exclusive, as Envoy's range). App Mesh's API has no field for it, and App Mesh's own Envoy
 * configuration counted a 200 only (aws/aws-app-mesh-roadmap#396, never resolved: services whose
 * health path answers 204 looked unhealthy everywhere and their callers routed in panic mode).
 * A check of the default path `/` often meets a redirect too. So any 2xx or 3xx is healthy, as
 * the Lattice target groups here and an NLB's HTTP health check count it; a 4xx (a wrong path)
 * and a 5xx (an application asking to be taken out) still fail. The same on every data plane
 * that renders health checks itself (envoy, lattice); App Mesh kept its 200.
 */
export const HEALTHY_HTTP_STATUSES = { start: 200, end: 400 } as const;

/** App Mesh's own recommended starting point for active health checks. */
export function defaultHealthCheck(protocol: Protocol): HealthCheckModel {
  const http = protocol === "http" || protocol === "http2";
  return {
    protocol,
    path: http ? "/" : undefined,
    ...(http ? { healthyStatuses: { ...HEALTHY_HTTP_STATUSES } } : {}),
    intervalMillis: 5000,
    timeoutMillis: 2000,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
  };
}

/** Eject a task after 5 server errors in 10s for 30s, never more than half of the pool. */
export const DEFAULT_OUTLIER_DETECTION: OutlierDetectionModel = {
  maxServerErrors: 5,
  interval: { value: 10, unit: "s" },
  baseEjectionDuration: { value: 30, unit: "s" },
  maxEjectionPercent: 50,
};

/**
 * A request may take 15 s in all: App Mesh's and Envoy's default route timeout, written out on
 * every route so that it is visible and the retries below fit inside it.
 */
export const DEFAULT_REQUEST_TIMEOUT: Duration = { value: 15, unit: "s" };

/**
 * AWS's App Mesh best-practice retry policy: 2 retries on errors that are safe to retry. Each try
 * gets 5 s, so the first try and both retries fit the 15 s request timeout; a per-try timeout
 * equal to the request timeout (as it once was) leaves no time for a retry after a slow try.
 * TCP routes cannot carry a retry policy.
 */
/**
 * The most retries a route may ask for. Each hop of a call chain retries on its own, so a
 * failing b behind gateway → a → b can see (1 + n)² tries of one request: 9 at n = 2, 36 at
 * n = 5. Retry budgets (RETRY_BUDGET) bound this under load, not for a lone request.
 */
export const MAX_RETRIES = 5;

/**
 * What a caller's Envoy sends to one target cluster at once (Envoy's circuit breakers), written
 * out so that they are visible in every bootstrap:
 * - connections, pending requests and requests: Envoy's own defaults (1024 each);
 * - retries: at most `budgetPercent` of the requests in flight to the cluster may be retries,
 *   and never fewer than `minConcurrency` (Envoy's defaults of its retry budget). Without a
 *   budget Envoy allows 3 concurrent retries per cluster whatever the load: too few for a busy
 *   caller, and not a proportion an operator can reason about.
 */
export const CIRCUIT_BREAKERS = { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, retryBudget: { budgetPercent: 20, minConcurrency: 3 } };

/**
 * A retry goes to a host the request has not tried yet, where there is one: Envoy picks again up
 * to this many times (the previous_hosts predicate).
 */
export const RETRY_HOST_ATTEMPTS = 3;

export function defaultRetryPolicy(protocol: Protocol): RetryPolicyModel | undefined {
  const perRetryTimeout: Duration = { value: 5, unit: "s" };
  if (protocol === "tcp") return undefined;
  const base = { maxRetries: 2, perRetryTimeout, httpRetryEvents: ["stream-error", "gateway-error"], tcpRetryEvents: ["connection-error"] };
  return protocol === "grpc" ? { ...base, grpcRetryEvents: ["cancelled", "unavailable"] } : base;
}

/**
 * A sanity cap on the gateway's task count: far above what one NLB's gateway needs (each task
 * takes 50 000 connections), low enough that a typo (max: 1000) cannot run up a bill.
 */
export const MAX_GATEWAY_TASKS = 100;

/**
 * The gateway's autoscaling: from its desired count to 4 times that, keeping average CPU at 60%
 * (headroom for a burst while new tasks start, about a minute on Fargate). Scale out after 60 s,
 * in after 300 s: adding a task is cheap, removing one drains connections.
 */
export const GATEWAY_AUTOSCALING = { maxFactor: 4, cpuTarget: 60, scaleOutCooldown: 60, scaleInCooldown: 300 };

export const DEFAULTS = {
  /** The data plane that deploys on today's AWS (App Mesh ended on 2026-09-30). */
  dataPlane: "envoy" as const,
  /** Days of CloudWatch Logs kept by every log group (topology.logs.retentionDays). */
  logRetentionDays: 30,
  egressFilter: "DROP_ALL" as const,
  /**
   * startPeriod: seconds an application may take to start before a failing health check counts
   * against its task (ECS's container startPeriod). A success ends it early, so a generous value
   * costs nothing for a fast application and spares a slow one from being killed while it starts.
   */
  task: { cpu: 256, memory: 512, desiredCount: 1, startPeriod: 60 },
  gateway: {
    desiredCount: 2, cpu: 256, memory: 512,
    /**
     * The internet-facing edge always logs who called (to the container's stdout, so CloudWatch
     * Logs keeps it; Envoy's default format): without it a gateway leaves no record of requests.
     */
    accessLog: { path: "/dev/stdout" },
  },
  network: { cidr: "10.0.0.0/16", azCount: 2, natGateways: "Single" as const },
  envoy: {
    /** The release the test suite loads every generated configuration with (envoy-release.ts). */
    version: TESTED_ENVOY_VERSION,
    logLevel: "info",
    /** ECS's proxyConfiguration keeps applications unchanged (seed 000: no code or DNS change). */
    interception: "transparent" as const,
    /** Envoy's default LISTENER_DRAIN_WAIT_TIME_S. */
    drainSeconds: 20,
    /** Fargate's default stopTimeout; must stay above drainSeconds so Envoy finishes draining. */
    stopTimeout: 30,
    /** The UID the App Mesh Envoy image is documented with; proxyConfiguration IgnoredUID uses it. */
    uid: 1337,
    xrayImage: "public.ecr.aws/xray/aws-xray-daemon:3.3.14",
    dogStatsdPort: 8125,
    /** Today's behaviour; live becomes the default once it has run on a real account. */
    routeUpdates: "restart" as const,
    /** AWS's agent image, major version 2 (the tag AWS documents for ECS). */
    appConfigAgentImage: "public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.x",
  },
  nlb: {
    internetFacing: true, crossZone: true, deletionProtection: true,
    /** Longer than Envoy's 20s drain, far shorter than the NLB's 300s default that slows deploys. */
    deregistrationDelay: 30,
    healthCheck: { interval: 10, healthyThreshold: 3, unhealthyThreshold: 3 },
  },
  /**
   * Address a router's DNS name resolves to when no task registers under it. Any address works:
   * Envoy's iptables rules capture the connection before it leaves the task.
   */
  routerPlaceholderIp: "10.10.10.10",
};
