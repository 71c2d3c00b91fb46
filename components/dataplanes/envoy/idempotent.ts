/**
 * Retries that cannot repeat a POST. Envoy's retry conditions do not look at the method, and in
 * this mesh the caller cannot tell a reset from a 503: the target's own Envoy answers a reset by
 * its application with a 503. So `reset`, `5xx`, `gateway-error` (App Mesh's server-error and
 * gateway-error) and a per-try timeout can all mean the application received the request, and
 * retrying a POST on them can run it twice.
 *
 * A route whose retries include such conditions is preceded by a copy for the non-idempotent
 * methods (POST and PATCH; RFC 9110 §9.2.2) that retries only where the request provably never
 * reached the target: connect-failure, refused-stream and reset-before-request, on every policy
 * (README, "Retries"). gRPC calls are POSTs by design and keep their route: gRPC's retries are
 * its own (App Mesh's grpcRetryEvents). Pure.
 */
import type { Json } from "./types";

const UNSAFE = ["POST", "PATCH"];
const METHOD = ":method";
/** The conditions under which the target never saw the request. */
const NEVER_SENT = ["connect-failure", "refused-stream", "reset-before-request"];

const retryOn = (route: Json): string[] | undefined => {
  const retry = (route.route as Json | undefined)?.retry_policy as Json | undefined;
  return retry === undefined ? undefined : String(retry.retry_on).split(",");
};

/** The route's action with only the retries that cannot repeat a request the target received. */
function safeAction(action: Json): Json {
  const { retry_policy: retry, ...rest } = action as { retry_policy: Json } & Json;
  const on = String(retry.retry_on).split(",");
  const safe = NEVER_SENT.filter((c) => on.includes(c) || (c === "reset-before-request" && on.some((x) => ["reset", "5xx", "gateway-error"].includes(x))));
  if (!safe.length) return rest;
  const { retriable_status_codes: _codes, per_try_timeout: _perTry, ...kept } = retry as Json;
  return { ...rest, retry_policy: { ...kept, retry_on: safe.join(",") } };
}

/** The exact method a route's match requires, if any. */
function methodOf(match: Json): string | undefined {
  const m = ((match.headers as Json[] | undefined) ?? []).find((h) => h.name === METHOD);
  return (m?.string_match as Json | undefined)?.exact as string | undefined ?? (m?.exact_match as string | undefined);
}

/** A route as one or two: the copy for POST and PATCH first, where its retries could repeat them. */
export function withSafeRetries(route: Json): Json[] {
  const match = route.match as Json | undefined;
  const on = retryOn(route);
  if (!match || match.grpc !== undefined || !on || on.every((c) => NEVER_SENT.includes(c))) return [route];
  const safe = { ...route, route: safeAction(route.route as Json) };
  const method = methodOf(match);
  if (method !== undefined) return [UNSAFE.includes(method) ? safe : route];
  const unsafeMatch = { ...match, headers: [...((match.headers as Json[] | undefined) ?? []), { name: METHOD, string_match: { safe_regex: { regex: UNSAFE.join("|") } } }] };
  return [{ ...safe, ...(route.name ? { name: `${route.name}-${UNSAFE.join("-").toLowerCase()}` } : {}), match: unsafeMatch }, route];
}
