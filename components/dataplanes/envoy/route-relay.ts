/**
 * `envoy.routeUpdates: live` inside the task: how a route table travels from AWS AppConfig into
 * the file Envoy watches, and when the task may take traffic.
 *
 * - The AppConfig Agent sidecar (AWS's image) polls AppConfig with the task role's credentials
 *   and serves the latest version of each of the caller's profiles on 127.0.0.1:2772.
 * - The relay, a loop in the Envoy container's wrapper, asks the agent for each table every few
 *   seconds. A new version is written to a temporary file in the watched directory and renamed
 *   over the live one: Envoy reloads on a rename into the directory, never on an in-place write,
 *   and a half-written file is never seen. The relay keeps no state but the files themselves.
 *   AWS does not document whether the agent's own `writeTo` renames, hence the relay.
 * - Readiness: Envoy's container is HEALTHY only once admin `/ready` answers 200 and every table
 *   has loaded at least once (`http.<table>.rds.<table>.update_success` above 0). A task started
 *   with no table, or only a bad one, never takes traffic, and its applications never start.
 * - Fargate creates task volumes owned by root: a short init container (Envoy's image, root,
 *   non-essential) hands the routes volume to Envoy's UID and exits; Envoy starts after it.
 */
import { routeFile, ROUTES_DIR, RouteTable } from "./live-routes";
import { loopbackGetOk } from "./probes";
import { PORTS } from "./types";

export const AGENT_CONTAINER = "appconfig-agent";
export const ROUTES_INIT_CONTAINER = "routes-volume";
/** The agent's HTTP port on the task's loopback (its default). */
export const AGENT_PORT = 2772;
/** Seconds between the agent's polls of AppConfig: how long a published version takes, at most, to reach a task. */
export const AGENT_POLL_SECONDS = 30;
/** Seconds between the relay's questions to the agent (loopback, cheap). */
export const RELAY_INTERVAL_SECONDS = 5;

/** Where the agent serves a configuration (names, not ids, so the task definition holds no id). */
export const agentPath = (application: string, environment: string, profile: string) =>
  `/applications/${application}/environments/${environment}/configurations/${profile}`;

/**
 * Bash (the Envoy image has no curl): `fetch PATH` prints the body of the agent's 200 answer, or
 * fails. HTTP/1.0 so that the answer is never chunked; the agent is not Envoy, which alone
 * refuses 1.0. `relay_once` moves each changed table into place.
 */
export const RELAY = [
  `fetch() { exec 4<>/dev/tcp/127.0.0.1/${AGENT_PORT} || return 1; printf 'GET %s HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' "$1" >&4; IFS= read -r line <&4 || { exec 4<&-; return 1; }; case "$line" in *" 200 "*) ;; *) exec 4<&-; return 1 ;; esac; while IFS= read -r line <&4; do [ "$line" = $'\\r' ] || [ -z "$line" ] && break; done; cat <&4; exec 4<&-; }`,
  `relay_once() { for t in $ROUTE_TABLES; do name="\${t%%=*}"; live="${ROUTES_DIR}/$name.json"; next="${ROUTES_DIR}/.$name.next"; if fetch "\${t#*=}" > "$next" 2>/dev/null && [ -s "$next" ]; then if cmp -s "$next" "$live"; then rm -f "$next"; else mv -f "$next" "$live" && echo "fargate-mesh: route table $name: new version from AppConfig" >&2; fi; else rm -f "$next"; fi; done; }`,
  `relay_loop() { while :; do relay_once; sleep "$ROUTE_RELAY_INTERVAL_S"; done; }`,
].join("\n");

/** `ROUTE_TABLES`: `name=agent path` pairs, one per table. */
export const routeTablesVariable = (tables: RouteTable[], application: string, environment: (table: string) => string) =>
  tables.map((t) => `${t.name}=${agentPath(application, environment(t.name), t.name)}`).join(" ");

/** The stat that counts a table's successful loads (stat prefix and route configuration share the name). */
export const loadedStat = (table: string) => `http.${table}.rds.${table}.update_success`;

/** Exit status 0 only when the admin stats show every table loaded at least once. */
export function tablesLoadedCheck(tables: string[]): string {
  return tables.map((t, i) => {
    const fd = 5 + i;
    const stat = loadedStat(t);
    return `(exec ${fd}<>/dev/tcp/127.0.0.1/${PORTS.admin} && printf 'GET /stats?filter=rds.${t}.update_success HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&${fd} && grep -q '^${stat.replace(/\./g, "\\.")}: [1-9]' <&${fd})`;
  }).join(" && ");
}

/** Ready: Envoy serves (admin /ready) and every route table has loaded. */
export const liveReadyCheck = (tables: string[]) => [`(${loopbackGetOk(PORTS.admin, "/ready")})`, tablesLoadedCheck(tables)].join(" && ");

export { routeFile };
