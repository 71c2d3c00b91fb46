/**
 * The seam between a meshed Fargate task and its data plane: what the data plane adds to the
 * task besides the application containers. components/dataplanes/ builds one per data plane.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { RouteTable } from "../dataplanes/envoy/live-routes";

export interface Sidecar {
  /** The proxy's containers (Envoy, and the X-Ray daemon when tracing) as ECS container definitions. */
  containers: pulumi.Input<object[]>;
  /** Their images, for the execution role's pull permissions. */
  images: string[];
  /** Secrets its containers read at start (TLS material), for the execution role. @default none */
  secretArns?: string[];
  /** The task's proxyConfiguration (transparent interception). @default none: traffic is not redirected */
  proxyConfiguration?: aws.types.input.ecs.TaskDefinitionProxyConfiguration;
  /** Variables added to every application container (proxy interception). @default none */
  appEnvironment?: Record<string, string>;
  /** The task role's policy document. @default none: nothing in the task calls AWS, so no policy */
  taskPolicy?: pulumi.Input<string>;
  /** What the task role is for, for its description. */
  roleDescription: string;
  /** Task volumes the proxy mounts. @default none */
  volumes?: { name: string }[];
  /** The container every application container starts after (HEALTHY). @default none: no proxy to wait for */
  proxyContainer?: string;
  /**
   * VPC Lattice target groups ECS registers the tasks in, each on an application port (named
   * `port-<port>` in the task definition). @default none
   */
  latticeTargets?: { port: number; targetGroupArn: pulumi.Input<string>; roleArn: pulumi.Input<string> }[];
  /**
   * Route tables this task's Envoy reloads from AWS AppConfig (`envoy.routeUpdates: live`); the
   * data plane creates their AppConfig configurations and lets the task role read them. @default none
   */
  routeTables?: { caller: string; tables: RouteTable[] };
}
