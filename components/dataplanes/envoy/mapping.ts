/**
 * How App Mesh settings of the model become Envoy configuration: durations, retry policies,
 * header and method matches, timeouts. Each mapping names its source. Pure data in, data out.
 *
 * Sources: the App Mesh API model (shared/reference/aws-models/appmesh-2019-01-25.service-2.json,
 * shapes HttpRetryPolicy, GrpcRetryPolicyEvent, HeaderMatchMethod, RouteSpec) and Envoy's v3 API
 * (route_components.proto: RetryPolicy, HeaderMatcher; the router filter's retry_on list).
 */
import { RETRY_HOST_ATTEMPTS } from "../../../model/defaults";
import type { Duration, HeaderMatchModel, RetryPolicyModel } from "../../../model/types";
import { T } from "./types";

/** A model duration as proto3 JSON (`15s`, `0.250s`). */
export function seconds(d: Duration): string {
  const s = d.unit === "s" ? d.value : d.value / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(3)}s`;
}
export const millis = (ms: number): string => seconds({ value: ms, unit: "ms" });

/**
 * App Mesh HTTP retry events → Envoy `retry_on` conditions. The App Mesh API (HttpRetryPolicy)
 * says "both server-error and gateway-error include the Envoy reset policy":
 * - server-error ("HTTP status codes 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, and 511")
 *   → `5xx` (Envoy's 5xx already covers resets and connect failures);
 * - gateway-error ("502, 503, and 504") → `gateway-error,reset`;
 * - client-error ("HTTP status code 409") → `retriable-4xx` (Envoy's name for exactly 409);
 * - stream-error ("Retry on refused stream") → `refused-stream`.
 * TCP event connection-error (the only one App Mesh has) → `connect-failure`. gRPC events
 * (cancelled, deadline-exceeded, internal, resource-exhausted, unavailable) keep their names:
 * Envoy's gRPC retry conditions are spelled the same.
 */
const HTTP_RETRY_ON: Record<string, string> = {
  "server-error": "5xx", "gateway-error": "gateway-error,reset", "client-error": "retriable-4xx", "stream-error": "refused-stream",
};
const TCP_RETRY_ON: Record<string, string> = { "connection-error": "connect-failure" };

/**
 * App Mesh's own default (user guide, "Envoy defaults set by App Mesh"), which it added to every
 * Envoy route it created, direct virtual-node providers included, and which its API never showed:
 * 2 retries on HTTP 503, gRPC UNAVAILABLE, TCP connect-failure and refused-stream. fargate-mesh
 * does not add hidden policies: router routes get the model's default (model/defaults.ts), which
 * the description shows and can change.
 */
export function retryPolicy(r: RetryPolicyModel | undefined) {
  if (!r) return undefined;
  const on = [
    ...(r.httpRetryEvents ?? []).flatMap((e) => (HTTP_RETRY_ON[e] ?? e).split(",")),
    ...(r.tcpRetryEvents ?? []).map((e) => TCP_RETRY_ON[e] ?? e),
    ...(r.grpcRetryEvents ?? []),
  ];
  // maxRetries 0 means "no retries"; Envoy would otherwise retry once by default.
  if (!on.length || r.maxRetries === 0) return undefined;
  return {
    retry_on: [...new Set(on)].join(","), num_retries: r.maxRetries, per_try_timeout: seconds(r.perRetryTimeout),
    // A retry on the task that just failed is the likeliest to fail again.
    retry_host_predicate: [{ name: "envoy.retry_host_predicates.previous_hosts", typed_config: { "@type": T.previousHosts } }],
    host_selection_retry_max_attempts: RETRY_HOST_ATTEMPTS,
  };
}

/** App Mesh header matches → Envoy HeaderMatcher. App Mesh's range end is exclusive, as Envoy's. */
export function headerMatcher(h: HeaderMatchModel) {
  const m = h.match;
  const out: Record<string, unknown> = { name: h.name };
  if (m.range) out.range_match = { start: String(m.range.start), end: String(m.range.end) };
  else if (m.exact !== undefined) out.string_match = { exact: m.exact };
  else if (m.prefix !== undefined) out.string_match = { prefix: m.prefix };
  else if (m.suffix !== undefined) out.string_match = { suffix: m.suffix };
  else if (m.regex !== undefined) out.string_match = { safe_regex: { regex: m.regex } };
  else out.present_match = true;
  if (h.invert) out.invert_match = true;
  return out;
}

export const methodMatcher = (method: string) => ({ name: ":method", string_match: { exact: method } });

/** Escapes a literal for RE2. */
export const re2 = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * App Mesh matches routes by priority, 0 first; routes without a priority come after all routes
 * that have one, in the order the description lists them (Envoy takes the first match).
 */
export function byPriority<T extends { priority?: number }>(routes: T[]): T[] {
  return routes.map((r, i) => ({ r, i })).sort((a, b) =>
    (a.r.priority ?? Number.MAX_SAFE_INTEGER) - (b.r.priority ?? Number.MAX_SAFE_INTEGER) || a.i - b.i).map((x) => x.r);
}
