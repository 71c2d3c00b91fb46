/**
 * The gateway faces the internet (behind a TCP NLB, which passes bytes and nothing else), so its
 * HTTP connection manager takes what Envoy's edge-proxy guidance asks of one. Pure data.
 * - Clients are external: their `x-envoy-*` headers are removed and `x-forwarded-for` gets the
 *   address Envoy saw, so a client can neither steer retries and timeouts nor pose as internal.
 * - Paths are normalised (RFC 3986 dot segments, repeated slashes) before routes see them, and a
 *   path with an escaped slash or backslash is refused: otherwise `/a/..%2Fadmin` can reach a
 *   route that `/admin` never would, or reach a backend that decodes it differently.
 * - Header names with underscores are dropped: some frameworks read `x_user` as `x-user`.
 * - Bounded headers, connections and streams; connections idle for 300 s are closed by Envoy
 *   before the NLB's fixed 350 s idle timeout resets them mid-request.
 */
import type { Json } from "./types";

export const EDGE = {
  /** Below the NLB's TCP idle timeout (350 s, not configurable on a TCP listener). */
  idleTimeout: "300s",
  /** A client must send its headers within this (slow-header attacks). */
  requestHeadersTimeout: "10s",
  streamIdleTimeout: "300s",
  maxRequestHeadersKb: 60,
  maxHeadersCount: 100,
  http2: { maxConcurrentStreams: 100, initialStreamWindowSize: 65536, initialConnectionWindowSize: 1048576 },
  /** Per connection, as Envoy's edge guidance recommends (its default is 1 MiB). */
  perConnectionBufferLimitBytes: 32768,
  /** What TLS listeners offer (ALPN): HTTP/2 first. */
  alpn: ["h2", "http/1.1"],
};

/** HTTP connection manager fields of an internet-facing listener. */
export function edgeConnectionManager(): Json {
  return {
    use_remote_address: true,
    xff_num_trusted_hops: 0,
    // No address is internal: the NLB's and the clients' are private or anyone's alike.
    internal_address_config: { cidr_ranges: [] },
    normalize_path: true,
    merge_slashes: true,
    path_with_escaped_slashes_action: "REJECT_REQUEST",
    request_headers_timeout: EDGE.requestHeadersTimeout,
    stream_idle_timeout: EDGE.streamIdleTimeout,
    max_request_headers_kb: EDGE.maxRequestHeadersKb,
    common_http_protocol_options: { idle_timeout: EDGE.idleTimeout, max_headers_count: EDGE.maxHeadersCount, headers_with_underscores_action: "DROP_HEADER" },
    http2_protocol_options: {
      max_concurrent_streams: EDGE.http2.maxConcurrentStreams,
      initial_stream_window_size: EDGE.http2.initialStreamWindowSize,
      initial_connection_window_size: EDGE.http2.initialConnectionWindowSize,
    },
  };
}
