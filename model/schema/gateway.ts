import { z } from "zod";
import { ENUMS, LIMITS } from "../limits";
import { MAX_GATEWAY_TASKS } from "../defaults";
import { accessLog, bool, enumOf, int, key, keyed, port, show, requestText, text } from "./common";
import { clientTls, healthCheck, tls } from "./listener";
import { headerMatch, prefix } from "./router";

/** The request's host (its :authority header): a CR, LF or space would split or smuggle it. */
const hostname = text({ min: 1, max: 253 }).regex(/^[A-Za-z0-9.-]+$/, { error: (i) => `must be a host name (letters, digits, '.' and '-'), got ${show(i.input)}` });

export const gatewayRoute = z.strictObject({
  /**
   * In an environment file, on a gateway route the topology does not have: adds it in this environment
   * only (without it, such an entry is taken for a misspelling and refused). Not valid in the
   * topology, nor on a gateway route the topology has. @default false
   */
  environmentOnly: bool.optional(),

  /** @default the protocol of the gateway listener */
  protocol: enumOf(ENUMS.gatewayProtocol.values).optional(),
  priority: int(LIMITS.priority).optional(),
  match: z.strictObject({
    prefix: prefix.pipe(text(LIMITS.gatewayPrefix)).optional(),
    method: enumOf(ENUMS.httpMethod.values).optional(),
    /** Required when the gateway has more than one listener. */
    port: port.optional(),
    hostname: z.strictObject({ exact: hostname.optional(), suffix: hostname.optional() }).optional(),
    headers: z.array(headerMatch).min(1).max(LIMITS.headerMatches.max).optional(),
    serviceName: requestText.optional(),
  }).optional(),
  /** Name of the service or router whose virtual service receives the traffic. */
  target: key,
  /** Listener port of the target virtual service, when it has several. */
  targetPort: port.optional(),
  /** Keep the matched prefix instead of rewriting it to "/". @default false (App Mesh default rewrite) */
  keepPrefix: bool.optional(),
});
export type GatewayRouteConfig = z.infer<typeof gatewayRoute>;

/** The internet-facing (or internal) Network Load Balancer in front of the gateway tasks. */
export const nlb = z.strictObject({
  /** @default true: the NLB is the mesh's public entry point */
  internetFacing: bool.optional(),
  /** Port the NLB listens on. @default the gateway's first listener port */
  port: port.optional(),
  /** @default true */
  crossZone: bool.optional(),
  /** @default true */
  deletionProtection: bool.optional(),
  /** Seconds a draining gateway task keeps its connections. @default 30 (NLB default 300 is far above Envoy's drain) */
  deregistrationDelay: int({ min: 0, max: 3600 }).optional(),
  healthCheck: z.strictObject({
    interval: int({ min: 5, max: 300 }).optional(),
    healthyThreshold: int({ min: 2, max: 10 }).optional(),
    unhealthyThreshold: int({ min: 2, max: 10 }).optional(),
  }).optional(),
});

export const autoscaling = z.strictObject({
  /** Fewest tasks. @default gateway.desiredCount (2) */
  min: int({ min: 1, max: MAX_GATEWAY_TASKS }).optional(),
  /** Most tasks. @default 4 × min, at most 100 */
  max: int({ min: 1, max: MAX_GATEWAY_TASKS }).optional(),
  /** Average CPU utilisation (percent) the autoscaler keeps the service at. @default 60 */
  cpuTarget: z.number({ error: (i) => `must be a percentage above 0 and at most 100, got ${show(i.input)}` })
    .gt(0, { error: (i) => `must be a percentage above 0 and at most 100, got ${show(i.input)}` })
    .lte(100, { error: (i) => `must be a percentage above 0 and at most 100, got ${show(i.input)}` }).optional(),
});

export const gateway = z.strictObject({
  /** @default "<mesh>-gateway" */
  name: text(LIMITS.resourceName).optional(),
  listeners: z.array(z.strictObject({
    port,
    protocol: enumOf(ENUMS.gatewayProtocol.values),
    healthCheck: healthCheck.optional(),
    /** TLS terminated by the gateway's Envoy (the NLB passes TCP through). @default none */
    tls: tls.optional(),
  })).min(1, { error: "must have at least one listener" }),
  /** TLS when the gateway calls the services it routes to. @default none */
  clientTls: clientTls.optional(),
  /** The gateway Envoy's access log. @default /dev/stdout, in Envoy's default format (the edge always logs) */
  accessLog: accessLog.optional(),
  routes: keyed(gatewayRoute),
  /**
   * Tasks at the first deployment; afterwards the autoscaler sets the count within
   * autoscaling.min and max. @default autoscaling.min, or 2 (one per AZ keeps the entry point up
   * through a zone failure)
   */
  desiredCount: int({ min: 0, max: 1000 }).optional(),
  /**
   * Target tracking on the gateway service's average CPU (Application Auto Scaling): a flood
   * adds tasks instead of saturating the two there are. Set min and max equal to pin the count.
   */
  autoscaling: autoscaling.optional(),
  cpu: int({ min: 256 }).optional(),
  memory: int({ min: 512 }).optional(),
  nlb: nlb.optional(),
});
export type GatewayConfig = z.infer<typeof gateway>;
