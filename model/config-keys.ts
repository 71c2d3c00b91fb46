/**
 * The stack config keys fargate-mesh reads. Pulumi passes any key of any namespace to the
 * program, so a misspelt `fargate-mesh:enviroment` would simply go unread: the environment's
 * whole file dropped, the plan still valid. Every other key of the namespace is an error.
 */
import { ConfigIssue, formatPath } from "./errors";
import { closest, editDistance } from "./suggest";

export const CONFIG_NAMESPACE = "fargate-mesh";
export const CONFIG_KEYS = ["topology", "environment"] as const;
const QUALIFIED = CONFIG_KEYS.map((k) => `${CONFIG_NAMESPACE}:${k}`);

/**
 * Issues for keys (`namespace:key`) that belong to fargate-mesh but are none of its settings,
 * including a misspelt namespace (`fargate_mesh:environment`). `files` names the file that sets
 * each key, when known.
 */
export function checkConfigKeys(keys: Iterable<string>, files: Readonly<Record<string, string>> = {}): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const full of keys) {
    const colon = full.indexOf(":");
    const [ns, key] = colon < 0 ? [CONFIG_NAMESPACE, full] : [full.slice(0, colon), full.slice(colon + 1)];
    const ours = ns === CONFIG_NAMESPACE;
    // Another namespace is another program's (aws:, pulumi:, …) unless its name is a slip of ours.
    if (ours ? (CONFIG_KEYS as readonly string[]).includes(key) : editDistance(ns, CONFIG_NAMESPACE) > 2) continue;
    const nearKey = (CONFIG_KEYS as readonly string[]).includes(key) ? key : closest(key, CONFIG_KEYS);
    const near = nearKey && `${CONFIG_NAMESPACE}:${nearKey}`;
    const where = files[full] ? `set in ${files[full]}` : "set";
    out.push({
      path: formatPath([full]),
      message: `${where} but not a setting of ${CONFIG_NAMESPACE}, so its value would be ignored; ` +
        (near ? `did you mean ${near}?` : `${CONFIG_NAMESPACE} reads only ${QUALIFIED.join(" and ")}`),
    });
  }
  return out;
}
