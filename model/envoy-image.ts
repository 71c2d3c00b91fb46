/**
 * The App Mesh Envoy image lives in a per-region ECR repository owned by AWS. Most regions use
 * account 840364872350; the opt-in regions below use their own account. Pulling from the wrong
 * account or region fails at task start, long after `pulumi up` has "succeeded".
 */
const DEFAULT_ACCOUNT = "840364872350";
const REGION_ACCOUNTS: Record<string, string> = {
  "me-south-1": "772975370895",
  "ap-east-1": "856666278305",
};
/** Versions before this one are unsupported by App Mesh. */
const MIN_VERSION = [1, 17, 2, 0];

export function envoyAccount(region: string): string {
  return REGION_ACCOUNTS[region] ?? DEFAULT_ACCOUNT;
}

/** The upstream Envoy image on Docker Hub (the `envoy` data plane). */
export const UPSTREAM_ENVOY_REPOSITORY = "envoyproxy/envoy";
export function upstreamEnvoyImage(version: string): string {
  return `${UPSTREAM_ENVOY_REPOSITORY}:${version}`;
}

/** Whether an image reference is AWS's App Mesh build of Envoy, which only works with App Mesh. */
export function isAppMeshEnvoyImage(image: string): boolean {
  return ECR_ENVOY.test(image);
}

export function envoyImage(region: string, version: string): string {
  return `${envoyAccount(region)}.dkr.ecr.${region}.amazonaws.com/aws-appmesh-envoy:${version}-prod`;
}

const ECR_ENVOY = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/aws-appmesh-envoy:(v[\d.]+?)(-prod)?$/;

/** Reasons an explicitly given Envoy image or version cannot run in this region. */
export function checkEnvoyImage(region: string, image: string | undefined, version: string | undefined): string[] {
  const problems: string[] = [];
  if (version && tooOld(version)) problems.push(`version ${version} is older than v1.17.2.0, which App Mesh no longer supports`);
  if (!image) return problems;
  const m = ECR_ENVOY.exec(image);
  if (!m) return problems; // a mirrored or custom image: the user owns that choice
  const [, account, imageRegion, tag] = m;
  if (imageRegion !== region) problems.push(`image is in region ${imageRegion} but the stack deploys to ${region}`);
  const expected = envoyAccount(region);
  if (account !== expected) problems.push(`image account ${account} does not serve ${region}; use ${envoyImage(region, tag)}`);
  if (tooOld(tag)) problems.push(`image tag ${tag} is older than v1.17.2.0, which App Mesh no longer supports`);
  return problems;
}

function tooOld(version: string): boolean {
  const parts = version.replace(/^v/, "").split(".").map(Number);
  for (let i = 0; i < MIN_VERSION.length; i++) {
    const p = parts[i] ?? 0;
    if (p !== MIN_VERSION[i]) return p < MIN_VERSION[i];
  }
  return false;
}
