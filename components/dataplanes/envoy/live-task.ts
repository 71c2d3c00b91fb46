/**
 * What `envoy.routeUpdates: live` adds to a task whose Envoy has route tables that carry weights
 * (route-relay.ts says how they travel): the routes volume and its init container, the AppConfig
 * Agent sidecar, and the Envoy container's relay, variables, mount and readiness. Pure.
 */
import type { MeshModel } from "../../../model/types";
import { LogTarget, logConfiguration, toPairs } from "../../service/containers";
import { carriesWeights, liveRoutes, ROUTES_DIR, ROUTES_VOLUME, RouteTable } from "./live-routes";
import { AGENT_CONTAINER, AGENT_POLL_SECONDS, AGENT_PORT, agentPath, liveReadyCheck, RELAY_INTERVAL_SECONDS, ROUTES_INIT_CONTAINER, routeTablesVariable } from "./route-relay";
import type { Json } from "./types";

/** The AppConfig names of a caller's tables: the mesh's application, one environment per (caller, table). */
export const appConfigEnvironment = (caller: string, table: string) => `${caller}-${table}`;

export interface LiveTask {
  bootstrap: Json;
  /** The caller's route tables, for AppConfig (components/dataplanes/envoy/appconfig.ts). */
  tables: RouteTable[];
  /** Containers beside Envoy: the volume's init container and the agent. */
  containers: object[];
  /** Fields the Envoy container gets. */
  envoy: { environment: Record<string, string>; mountPoints: object[]; dependsOn: object[]; healthCheck: string };
  volumes: { name: string }[];
  images: string[];
}

/** The live parts of caller `caller`'s task, or undefined where nothing is live (restart mode, or no weighted table). */
export function liveTask(model: MeshModel, caller: string, bootstrap: Json, log: LogTarget, envoyUser: string | undefined): LiveTask | undefined {
  const e = model.envoy;
  if (e.routeUpdates !== "live") return undefined;
  const live = liveRoutes(bootstrap, carriesWeights);
  if (!live.tables.length) return undefined;
  const app = model.mesh.name;
  // One environment per table, so that AppConfig never refuses a deployment while another runs.
  const paths = live.tables.map((t) => agentPath(app, appConfigEnvironment(caller, t.name), t.name));
  const mount = { sourceVolume: ROUTES_VOLUME, containerPath: ROUTES_DIR, readOnly: false };
  const init = {
    name: ROUTES_INIT_CONTAINER,
    image: e.image,
    // Root, for one chown: Fargate creates task volumes owned by root, and Envoy is not root.
    user: "0",
    essential: false,
    entryPoint: ["/bin/bash", "-c"],
    command: [`chown ${envoyUser ?? "0"} ${ROUTES_DIR} && chmod 0700 ${ROUTES_DIR}`],
    mountPoints: [mount],
    readonlyRootFilesystem: true,
    logConfiguration: logConfiguration(log, ROUTES_INIT_CONTAINER),
  };
  const agent = {
    name: AGENT_CONTAINER,
    image: e.appConfigAgentImage,
    essential: true,
    // Envoy's UID: interception lets its connections to AppConfig out, as it does Envoy's own.
    user: String(e.uid),
    environment: toPairs({ PREFETCH_LIST: paths.join(","), POLL_INTERVAL: String(AGENT_POLL_SECONDS), HTTP_PORT: String(AGENT_PORT), LOG_LEVEL: "info" }),
    readonlyRootFilesystem: true,
    logConfiguration: logConfiguration(log, AGENT_CONTAINER),
  };
  return {
    bootstrap: live.bootstrap,
    tables: live.tables,
    containers: [init, agent],
    envoy: {
      environment: { ROUTE_TABLES: routeTablesVariable(live.tables, app, (t) => appConfigEnvironment(caller, t)), ROUTE_RELAY_INTERVAL_S: String(RELAY_INTERVAL_SECONDS) },
      mountPoints: [mount],
      dependsOn: [{ containerName: ROUTES_INIT_CONTAINER, condition: "SUCCESS" }, { containerName: AGENT_CONTAINER, condition: "START" }],
      healthCheck: liveReadyCheck(live.tables.map((t) => t.name)),
    },
    volumes: [{ name: ROUTES_VOLUME }],
    images: [e.appConfigAgentImage],
  };
}
