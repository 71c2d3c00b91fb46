/**
 * `envoy.routeUpdates: live`: the route tables that weights live in (each caller's outbound
 * table, the gateway's per listener) leave the bootstrap for files Envoy loads through RDS and
 * reloads when a new one is renamed into their directory (`path_config_source` with
 * `watched_directory`). Listeners and clusters stay in the bootstrap, so a weight change is a
 * new file, not a new task definition. Pure: the bootstrap and the files are plain data.
 *
 * Envoy re-reads a watched file only on a rename into the directory, never on an in-place
 * write, and keeps the previous routes when a file does not load; every table sets
 * `validate_clusters`, so a file naming a cluster the bootstrap lacks is refused as a whole.
 */
import { createHash } from "crypto";
import { Json } from "./types";

/** Where the route files live in the Envoy container: a task volume, writable under the read-only root. */
export const ROUTES_DIR = "/fargate-mesh/routes";
export const ROUTES_VOLUME = "fargate-mesh-routes";
export const ROUTE_CONFIGURATION = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

/** One route table as Envoy reads it from its file: a DiscoveryResponse holding one RouteConfiguration. */
export interface RouteTable {
  /** The RouteConfiguration's name (the connection manager's stat prefix, e.g. `outbound`, `gateway-8080`). */
  name: string;
  /** The file's JSON, exactly what AppConfig holds and the relay writes. */
  document: Json;
}

export const routeFile = (name: string) => `${ROUTES_DIR}/${name}.json`;

/** The file a route configuration becomes: versioned by its content, so equal tables are equal files. */
export function routeDocument(config: Json): Json {
  const resource = { "@type": ROUTE_CONFIGURATION, ...config, validate_clusters: true };
  const version = createHash("sha256").update(JSON.stringify(resource)).digest("hex").slice(0, 16);
  return { version_info: version, resources: [resource] };
}

/** The connection manager's RDS source: the table's file, reloaded when one is renamed into the directory. */
function rds(name: string): Json {
  return {
    route_config_name: name,
    config_source: { resource_api_version: "V3", path_config_source: { path: routeFile(name), watched_directory: { path: ROUTES_DIR } } },
  };
}

const HCM = "envoy.filters.network.http_connection_manager";

/**
 * The bootstrap with the route tables named in `live` loaded from files, and those tables. A
 * connection manager shared by several filter chains (the outbound one) is one table.
 */
export function liveRoutes(bootstrap: Json, live: (name: string) => boolean): { bootstrap: Json; tables: RouteTable[] } {
  const copy = JSON.parse(JSON.stringify(bootstrap)) as any;
  const tables = new Map<string, RouteTable>();
  for (const l of copy.static_resources?.listeners ?? [])
    for (const chain of l.filter_chains ?? [])
      for (const f of chain.filters ?? []) {
        const hcm = f.name === HCM ? f.typed_config : undefined;
        const config = hcm?.route_config;
        if (!config || !live(config.name)) continue;
        if (!tables.has(config.name)) tables.set(config.name, { name: config.name, document: routeDocument(config) });
        delete hcm.route_config;
        hcm.rds = rds(config.name);
      }
  return { bootstrap: copy, tables: [...tables.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

/** The route tables a weight lives in: the sidecar's outbound table and the gateway's listener tables. */
export const carriesWeights = (name: string) => name === "outbound" || /^gateway-\d+$/.test(name);
