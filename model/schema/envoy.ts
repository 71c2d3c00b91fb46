import { z } from "zod";
import { LIMITS } from "../limits";
import { bool, enumOf, int, port, text } from "./common";

export const ENVOY_LOG_LEVELS = ["trace", "debug", "info", "warning", "warn", "error", "critical", "off"] as const;

export const envoy = z.strictObject({
  /** App Mesh Envoy release such as v1.29.12.1; the regional image is derived from it. */
  version: z.string().regex(/^v\d+\.\d+\.\d+\.\d+$/, { error: "must look like v1.29.12.1" }).optional(),
  /** A full image reference; overrides `version`. */
  image: text({ min: 1 }).optional(),
  /** @default info */
  logLevel: enumOf(ENVOY_LOG_LEVELS).optional(),
  /** Adds the X-Ray daemon sidecar and turns on Envoy's X-Ray tracing. @default false */
  xray: bool.optional(),
  /** @default public.ecr.aws/xray/aws-xray-daemon:3.3.14 */
  xrayImage: text({ min: 1 }).optional(),
  /** Emit DogStatsD metrics to this port (ENABLE_ENVOY_DOG_STATS). @default off */
  dogStatsd: z.strictObject({ port: port.optional() }).optional(),
  /** ENABLE_ENVOY_STATS_TAGS: tag Envoy stats with mesh and node names. @default false */
  statsTags: bool.optional(),
  /** LISTENER_DRAIN_WAIT_TIME_S. Must be shorter than stopTimeout. @default 20 */
  drainSeconds: int(LIMITS.envoyDrainSeconds).optional(),
  /** Envoy container stopTimeout in seconds. @default 30 */
  stopTimeout: int(LIMITS.stopTimeout).optional(),
});
export type EnvoyConfig = z.infer<typeof envoy>;
