/**
 * An environment file changes entries of the shared topology; it should not add one by a slip of
 * the keyboard. Merged key by key, `services: { yelow: … }` would be a new service, and the
 * change meant for yellow would be lost without a word. So a service, container, router, route
 * or gateway route that only the environment names is an error, unless the entry says
 * `environmentOnly: true`: the one way to add something in one environment only.
 */
import { ConfigIssue, formatPath } from "./errors";
import { has } from "./own";
import { closest } from "./suggest";

type Raw = Record<string, unknown>;
const isMap = (x: unknown): x is Raw => x !== null && typeof x === "object" && !Array.isArray(x);
const at = (x: unknown, path: readonly string[]): unknown => path.reduce<unknown>((cur, k) => (isMap(cur) && has(cur, k) ? cur[k] : undefined), x);

/** The named maps of the description, and the named maps inside their entries. */
interface Level { path: readonly string[]; what: string; children?: Level[] }
const LEVELS: Level[] = [
  { path: ["services"], what: "service", children: [{ path: ["containers"], what: "container" }] },
  { path: ["routers"], what: "router", children: [{ path: ["routes"], what: "route" }] },
  { path: ["gateway", "routes"], what: "gateway route" },
];

export const MARKER = "environmentOnly";

/** Entries the environment adds without the marker, markers where they mean nothing, removals of nothing. */
export function checkEnvironmentOnly(topology: unknown, environment: unknown, envFile: string | undefined): ConfigIssue[] {
  if (!isMap(topology)) return [];
  const out: ConfigIssue[] = [];
  const written = envFile ? `in ${envFile}` : "in the environment";
  const add = (path: string[], message: string) => out.push({ path: formatPath(path), message });

  const walkEnvironment = (levels: Level[], topo: unknown, env: unknown, prefix: string[]) => {
    for (const level of levels) {
      const envMap = at(env, level.path);
      if (!isMap(envMap)) continue;
      const topoMap = at(topo, level.path);
      const known = isMap(topoMap) ? Object.keys(topoMap) : [];
      for (const [key, value] of Object.entries(envMap)) {
        const path = [...prefix, ...level.path, key];
        const inTopology = known.includes(key);
        const near = inTopology ? undefined : closest(key, known);
        if (value === null) {
          if (!inTopology) add(path, `${written} removes a ${level.what} the topology does not have${near ? `; did you mean ${near}?` : ""}`);
        } else if (!inTopology) {
          const how = `add a ${level.what} in this environment only by giving it ${MARKER}: true`;
          if (!(isMap(value) && value[MARKER] === true))
            add(path, `${written} but not in the topology${near ? `; did you mean ${near}? Or ${how}` : `; ${how}`}`);
        } else {
          if (isMap(value) && has(value, MARKER))
            add([...path, MARKER], `set ${written} on a ${level.what} the topology has; only what the topology lacks is environment-only: remove ${MARKER}`);
          walkEnvironment(level.children ?? [], (topoMap as Raw)[key], value, path);
        }
      }
    }
  };

  // The topology is what every environment shares: a marker there says nothing true.
  const walkTopology = (levels: Level[], topo: unknown, prefix: string[]) => {
    for (const level of levels) {
      const map = at(topo, level.path);
      if (!isMap(map)) continue;
      for (const [key, value] of Object.entries(map)) {
        const path = [...prefix, ...level.path, key];
        if (isMap(value) && has(value, MARKER))
          add([...path, MARKER], `marks entries that an environment file adds; the topology is shared by every environment, so remove it here`);
        walkTopology(level.children ?? [], value, path);
      }
    }
  };

  walkTopology(LEVELS, topology, []);
  if (isMap(environment)) walkEnvironment(LEVELS, topology, environment, []);
  return out;
}
