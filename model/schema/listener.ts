import { z } from "zod";
import { ENUMS, LIMITS } from "../limits";
import { duration, enumOf, int, port, text } from "./common";

/**
 * The health check Envoy runs against the local application. App Mesh requires all five
 * numeric fields; the description may omit them and gets the defaults of `model/defaults.ts`.
 */
export const healthCheck = z.strictObject({
  protocol: enumOf(ENUMS.protocol.values).optional(),
  path: z.string().startsWith("/", { error: "must start with /" }).optional(),
  port: port.optional(),
  intervalMillis: int(LIMITS.healthCheckIntervalMillis).optional(),
  timeoutMillis: int(LIMITS.healthCheckTimeoutMillis).optional(),
  healthyThreshold: int(LIMITS.healthCheckThreshold).optional(),
  unhealthyThreshold: int(LIMITS.healthCheckThreshold).optional(),
});

/** Passive health checking: ejects a host after repeated 5xx responses. All four fields are required by the API. */
export const outlierDetection = z.strictObject({
  maxServerErrors: int(LIMITS.maxServerErrors),
  interval: duration,
  baseEjectionDuration: duration,
  maxEjectionPercent: int(LIMITS.maxEjectionPercent),
});

export const timeout = z.strictObject({ perRequest: duration.optional(), idle: duration.optional() });

/** Listener TLS: STRICT accepts only TLS, PERMISSIVE accepts both (useful during migration). */
export const tls = z.strictObject({
  mode: enumOf(ENUMS.tlsMode.values),
  certificate: z.strictObject({
    acm: z.strictObject({ certificateArn: z.string().startsWith("arn:", { error: "must be an ACM certificate ARN" }) }).optional(),
    file: z.strictObject({ certificateChain: text(LIMITS.filePath), privateKey: text(LIMITS.filePath) }).optional(),
  }).refine((c) => (c.acm === undefined) !== (c.file === undefined), { error: "must set exactly one of acm or file" }),
});

export const listener = z.strictObject({
  port,
  protocol: enumOf(ENUMS.protocol.values),
  healthCheck: healthCheck.optional(),
  outlierDetection: outlierDetection.optional(),
  timeout: timeout.optional(),
  tls: tls.optional(),
});
export type ListenerConfig = z.infer<typeof listener>;
