/**
 * Envoy's own counters, read from its admin interface inside a task's namespace (127.0.0.1:9901,
 * which interception leaves alone: the rules skip local destinations). The hop bench uses them
 * to show that its requests really crossed each Envoy.
 */
import { run } from "../rehearse/sys";
import { ADMIN_PORT } from "./minimal";

// Node is there wherever the bench runs; HTTP/1.1 with Host, as Envoy's admin requires.
const GET = `require("http").get(process.argv[1], { headers: { host: "localhost", connection: "close" } }, (r) => { let b = ""; r.on("data", (d) => (b += d)); r.on("end", () => process.stdout.write(b)); }).on("error", (e) => { process.stderr.write(e.message); process.exit(1); });`;

/** Every counter and gauge of the Envoy in namespace `ns`, by name. */
export function envoyStats(ns: string): Record<string, number> {
  const text = run("ip", ["netns", "exec", ns, process.execPath, "-e", GET, `http://127.0.0.1:${ADMIN_PORT}/stats`]);
  return Object.fromEntries(text.split("\n").map((l) => /^([^:]+): (\d+)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null).map((m) => [m[1], Number(m[2])]));
}

/** Requests the Envoy sent to its upstream clusters (each try; health checks are not counted). */
export const upstreamRequests = (stats: Record<string, number>) =>
  Object.entries(stats).filter(([k]) => /^cluster\.[^ ]+\.upstream_rq_total$/.test(k)).reduce((a, [, v]) => a + v, 0);
