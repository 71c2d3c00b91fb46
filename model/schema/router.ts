import { z } from "zod";
import { MAX_RETRIES } from "../defaults";
import { ENUMS, LIMITS } from "../limits";
import { bool, CONTROL, duration, enumOf, int, keyed, port, regex, show, requestText, text } from "./common";
import { DNS_LABEL } from "./service";

/**
 * A header name as HTTP defines it (RFC 9110 token characters), or a pseudo-header such as
 * `:authority`: a CR or LF in one would split the header it is matched against.
 */
export const HEADER_NAME = /^:?[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerValue = text(LIMITS.headerMatchValue).refine((v) => !CONTROL.test(v), {
  error: "must not contain control characters (CR, LF, NUL, tab…): a header value cannot hold them",
});

/** One header condition: exactly one of exact / prefix / suffix / regex / range. */
export const headerMatch = z.strictObject({
  name: text(LIMITS.headerName).regex(HEADER_NAME, {
    error: (i) => `must be a header name (letters, digits and !#$%&'*+-.^_\`|~, optionally after one ':'), got ${show(i.input)}`,
  }),
  invert: z.boolean().optional(),
  exact: headerValue.optional(),
  prefix: headerValue.optional(),
  suffix: headerValue.optional(),
  regex: regex(LIMITS.headerMatchValue).optional(),
  range: z.strictObject({ start: z.number().int(), end: z.number().int() }).optional(),
}).refine((h) => ["exact", "prefix", "suffix", "regex", "range"].filter((k) => (h as any)[k] !== undefined).length === 1, {
  error: "must set exactly one of exact, prefix, suffix, regex or range",
});

export const prefix = z.string({ error: (i) => `must be a string, got ${show(i.input)}` })
  .startsWith("/", { error: (i) => `must start with "/", got ${show(i.input)}` })
  .refine((p) => !CONTROL.test(p) && !/\s/.test(p), { error: "must not contain spaces or control characters (CR, LF, NUL, tab…): a request path cannot hold them" });

export const routeMatch = z.strictObject({
  /** @default "/" for http and http2 routes */
  prefix: prefix.optional(),
  method: enumOf(ENUMS.httpMethod.values).optional(),
  port: port.optional(),
  headers: z.array(headerMatch)
    .min(LIMITS.headerMatches.min, { error: "must have at least 1 header match" })
    .max(LIMITS.headerMatches.max, { error: (i) => `must have at most ${LIMITS.headerMatches.max} header matches, got ${(i.input as unknown[]).length}` })
    .optional(),
  /** gRPC routes: the fully qualified service name, and optionally a method of it. */
  serviceName: requestText.optional(),
  methodName: text({ min: 1, max: 50 }).optional(),
});

export const retryPolicy = z.strictObject({
  /** At most MAX_RETRIES (defaults.ts): retries multiply along a call chain. */
  maxRetries: int({ min: LIMITS.maxRetries.min, max: MAX_RETRIES }),
  perRetryTimeout: duration,
  httpRetryEvents: z.array(enumOf(ENUMS.httpRetryEvent.values)).min(1).max(LIMITS.httpRetryEvents.max).optional(),
  tcpRetryEvents: z.array(enumOf(ENUMS.tcpRetryEvent.values)).length(1, { error: "must be exactly [connection-error]" }).optional(),
  grpcRetryEvents: z.array(enumOf(ENUMS.grpcRetryEvent.values)).min(1).max(LIMITS.grpcRetryEvents.max).optional(),
  /**
   * Retry POST and PATCH on every event above, as GET is retried: only for handlers that are
   * idempotent, since a reset or a 5xx can mean the application already ran the request.
   * @default false: POST and PATCH are retried only where the target never saw them
   */
  retryNonIdempotent: z.boolean().optional(),
});

/** A weight, or a weight with the target listener port (needed when the node has several listeners). */
export const target = z.union([
  int(LIMITS.weight),
  z.strictObject({ weight: int(LIMITS.weight), port: port.optional() }),
]);

export const route = z.strictObject({
  /**
   * In an environment file, on a route the topology does not have: adds it in this environment
   * only (without it, such an entry is taken for a misspelling and refused). Not valid in the
   * topology, nor on a route the topology has. @default false
   */
  environmentOnly: bool.optional(),

  /** @default the protocol of the router's listener */
  protocol: enumOf(ENUMS.protocol.values).optional(),
  /** 0 is matched first. @default none (App Mesh orders by specificity) */
  priority: int(LIMITS.priority).optional(),
  match: routeMatch.optional(),
  /** Node names and their relative weights. A per-environment stack file usually sets these. */
  targets: keyed(target),
  /** @default 2 retries, 15s per try, on stream-error/gateway-error (gRPC adds cancelled/unavailable) */
  retryPolicy: retryPolicy.optional(),
  timeout: z.strictObject({ perRequest: duration.optional(), idle: duration.optional() }).optional(),
});
export type RouteConfig = z.infer<typeof route>;

export const router = z.strictObject({
  /**
   * In an environment file, on a router the topology does not have: adds it in this environment
   * only (without it, such an entry is taken for a misspelling and refused). Not valid in the
   * topology, nor on a router the topology has. @default false
   */
  environmentOnly: bool.optional(),

  listeners: z.array(z.strictObject({ port, protocol: enumOf(ENUMS.protocol.values) }))
    .min(1, { error: "must have at least one listener" }),
  /**
   * The Cloud Map name of the router's virtual service (`<dnsName>.<namespace>`).
   * @default the router's name
   */
  dnsName: z.string().regex(DNS_LABEL, {
    error: "must be a lower-case DNS label (letters, digits, '-'; at most 63 characters)",
  }).optional(),
  routes: keyed(route),
});
export type RouterConfig = z.infer<typeof router>;
