/**
 * SigV4 signing of requests to VPC Lattice services (`lattice.auth: iam`). A Lattice service
 * whose auth type is AWS_IAM refuses unsigned requests, so each Envoy that calls one signs with
 * its task role's credentials, which Envoy reads from the ECS container credentials endpoint
 * (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, set by ECS in every task with a role).
 *
 * The signature is made in an upstream HTTP filter of the Lattice cluster, not in the
 * connection manager: the router rewrites the Host header (a gateway route's target name) after
 * the connection manager's filters have run, and Lattice checks the signature against the Host
 * it receives. Signed in the cluster, the request is signed as it is sent.
 */
import { Json, T } from "./types";

/** The signing name of VPC Lattice's data plane (IAM action prefix `vpc-lattice-svcs:`). */
export const LATTICE_SIGNING_SERVICE = "vpc-lattice-svcs";

const SIGNING = "type.googleapis.com/envoy.extensions.filters.http.aws_request_signing.v3.AwsRequestSigning";
const UPSTREAM_CODEC = "type.googleapis.com/envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec";

/**
 * A Lattice cluster's protocol options with the signing filter. The payload is not hashed
 * (`x-amz-content-sha256: UNSIGNED-PAYLOAD`, which Lattice accepts): hashing would buffer every
 * request body in Envoy, and a large upload would get 413.
 */
export function latticeSigning(region: string): Json {
  return {
    "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
      "@type": T.httpOptions,
      explicit_http_config: { http_protocol_options: {} },
      http_filters: [
        { name: "envoy.filters.http.aws_request_signing", typed_config: { "@type": SIGNING, service_name: LATTICE_SIGNING_SERVICE, region, use_unsigned_payload: true } },
        // The last upstream filter must be the codec, which sends the (now signed) request.
        { name: "envoy.filters.http.upstream_codec", typed_config: { "@type": UPSTREAM_CODEC } },
      ],
    },
  };
}
