/** The gateway's listeners are an internet-facing edge; the sidecars' are not (pure, no Pulumi). */
import { strict as assert } from "assert";
import * as envoy from "../../components/dataplanes/envoy/bootstrap";
import { EDGE } from "../../components/dataplanes/envoy/edge";
import { MTLS, input, model } from "../helpers";

const hcms = (listener: any): any[] => listener.filter_chains.flatMap((c: any) => c.filters)
  .filter((f: any) => f.name === "envoy.filters.network.http_connection_manager").map((f: any) => f.typed_config);

describe("the gateway as an internet-facing edge", () => {
  for (const source of ["dev", "staging", "prod", MTLS]) it(`${source.split("/").pop()}: every gateway listener treats clients as external, normalises paths and bounds what a client may send`, () => {
    const m = model(input(source));
    const b: any = envoy.gatewayBootstrap(m);
    for (const l of b.static_resources.listeners) {
      assert.equal(l.per_connection_buffer_limit_bytes, EDGE.perConnectionBufferLimitBytes);
      for (const h of hcms(l)) {
        assert.equal(h.use_remote_address, true);
        assert.deepEqual(h.internal_address_config, { cidr_ranges: [] });
        assert.equal(h.normalize_path, true);
        assert.equal(h.merge_slashes, true);
        assert.equal(h.path_with_escaped_slashes_action, "REJECT_REQUEST");
        assert.equal(h.common_http_protocol_options.headers_with_underscores_action, "DROP_HEADER");
        // Envoy closes an idle connection before the NLB's 350 s would reset it.
        assert.ok(parseInt(h.common_http_protocol_options.idle_timeout) < 350);
      }
      for (const c of l.filter_chains.filter((c: any) => c.transport_socket))
        assert.deepEqual(c.transport_socket.typed_config.common_tls_context.alpn_protocols, ["h2", "http/1.1"]);
    }
    // Sidecars' listeners take requests from the mesh only: their callers' Envoys set these headers.
    for (const n of m.nodes) for (const l of (envoy.sidecarBootstrap(m, n.key) as any).static_resources.listeners)
      for (const h of hcms(l)) assert.equal(h.use_remote_address, undefined, `${n.key} ${l.name}`);
  });

  it("the mTLS example has a TLS gateway listener (so the ALPN check above is not vacuous)", () => {
    const b: any = envoy.gatewayBootstrap(model(input(MTLS)));
    assert.ok(b.static_resources.listeners.some((l: any) => l.filter_chains.some((c: any) => c.transport_socket)));
  });
});
