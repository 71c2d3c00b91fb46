import { z } from "zod";
import { LIMITS } from "../limits";
import { bool, enumOf, image, int, port } from "./common";

export const ENVOY_LOG_LEVELS = ["trace", "debug", "info", "warning", "warn", "error", "critical", "off"] as const;
export const INTERCEPTIONS = ["transparent", "proxy"] as const;
export const ROUTE_UPDATES = ["restart", "live"] as const;

export const envoy = z.strictObject({
  /**
   * The upstream Envoy release the `envoy` data plane runs (`envoyproxy/envoy:<version>`), such as
   * v1.40.0. An App Mesh build such as v1.29.12.1 is accepted on the `appmesh` data plane only.
   * @default the release the test suite runs (model/envoy-release.ts); another release is
   * accepted, and the plan says it is untested.
   */
  version: z.string().regex(/^v\d+\.\d+\.\d+(\.\d+)?$/, { error: "must look like v1.40.0 (upstream Envoy) or v1.29.12.1 (an App Mesh build)" }).optional(),
  /** The App Mesh Envoy build the `appmesh` data plane runs; the regional image is derived from it. */
  appMeshVersion: z.string().regex(/^v\d+\.\d+\.\d+\.\d+$/, { error: "must look like v1.29.12.1" }).optional(),
  /** A full image reference (for example an ECR mirror of envoyproxy/envoy); overrides the version. */
  image: image.optional(),
  /**
   * How application traffic reaches the sidecar on the `envoy` data plane: `transparent`, through
   * the task's proxyConfiguration (ECS installs the iptables rules), or `proxy`, through the
   * applications' HTTP_PROXY variables (no ECS proxy support needed; HTTP clients only).
   * @default transparent
   */
  interception: enumOf(INTERCEPTIONS).optional(),
  /** @default info */
  logLevel: enumOf(ENVOY_LOG_LEVELS).optional(),
  /** Adds the X-Ray daemon sidecar and turns on Envoy's X-Ray tracing. @default false */
  xray: bool.optional(),
  /** @default public.ecr.aws/xray/aws-xray-daemon:3.3.14 */
  xrayImage: image.optional(),
  /** Emit DogStatsD metrics to 127.0.0.1 on this port. @default off */
  dogStatsd: z.strictObject({ port: port.optional() }).optional(),
  /** Tag Envoy stats with the mesh and node names. @default false */
  statsTags: bool.optional(),
  /** Seconds Envoy drains its listeners on stop (LISTENER_DRAIN_WAIT_TIME_S). Must be shorter than stopTimeout. @default 20 */
  drainSeconds: int(LIMITS.envoyDrainSeconds).optional(),
  /**
   * How route changes (weights, matches, retries) reach the envoy data plane's Envoys. `restart`:
   * the routes are in each bootstrap, so a change is a new task definition for every caller, and
   * ECS rolls their tasks. `live`: each caller's route tables are AWS AppConfig configurations,
   * which an AppConfig Agent sidecar fetches and Envoy reloads from a file without restarting;
   * a weight change touches AppConfig only. @default restart (live has not run on a real account yet)
   */
  routeUpdates: enumOf(ROUTE_UPDATES).optional(),
  /** The AppConfig Agent image of `routeUpdates: live`. @default public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.x */
  appConfigAgentImage: image.optional(),
  /** Envoy container stopTimeout in seconds. @default 30 */
  stopTimeout: int(LIMITS.stopTimeout).optional(),
});
export type EnvoyConfig = z.infer<typeof envoy>;
