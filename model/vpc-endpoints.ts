/**
 * VPC endpoints for the AWS services the tasks need (`network.vpcEndpoints: true`), and which
 * tasks can then do without HTTPS to the internet. Pure planning from the model.
 *
 * Without endpoints every task's security group allows 443 to 0.0.0.0/0 (through the NAT): image
 * pulls, logs, secrets and STS need it, and so does anything else on 443, an exfiltration path
 * included. With them, AWS APIs are reached in the VPC; a task keeps world HTTPS only when it
 * still needs it: an image outside this region's ECR (Docker Hub, ECR Public, another region),
 * a port let past Envoy (egressIgnoredPorts 443), or egress ALLOW_ALL.
 */
import type { MeshModel, VpcEndpointsModel } from "./types";

/** Where tasks can pull from through the ecr.dkr endpoint (and the S3 gateway for layers). */
export const inRegionEcr = (image: string, region: string) => new RegExp(`^\\d{12}\\.dkr\\.ecr\\.${region.replace(/-/g, "\\-")}\\.amazonaws\\.com/`).test(image);

/** The interface endpoints every mesh gets, by the suffix of `com.amazonaws.<region>.<suffix>`. */
export const BASE_ENDPOINTS = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sts", "kms"];

export function vpcEndpointsPlan(m: Omit<MeshModel, "vpcEndpoints" | "notes">): VpcEndpointsModel {
  const sidecar = m.dataPlane !== "lattice";
  const containers = m.nodes.flatMap((n) => n.containers);
  const interfaces = [
    ...BASE_ENDPOINTS,
    ...(containers.some((c) => Object.values(c.secrets).some((a) => a.includes(":ssm:"))) ? ["ssm"] : []),
    ...(m.nodes.some((n) => n.task.ecsExec) ? ["ssmmessages"] : []),
    ...(sidecar && m.envoy.xray ? ["xray"] : []),
    // routeUpdates live: the AppConfig Agent polls AppConfig's data plane.
    ...(m.dataPlane === "envoy" && m.envoy.routeUpdates === "live" ? ["appconfigdata"] : []),
    // App Mesh's Envoy streams its configuration from this endpoint.
    ...(m.dataPlane === "appmesh" ? ["appmesh-envoy-management"] : []),
  ].sort();
  const proxyImages = sidecar ? [{ path: "envoy.image", image: m.envoy.image }, ...(m.envoy.xray ? [{ path: "envoy.xrayImage", image: m.envoy.xrayImage }] : [])] : [];
  const allowAll = sidecar && m.mesh.egressFilter === "ALLOW_ALL";
  const services: VpcEndpointsModel["services"] = {};
  for (const n of m.nodes) {
    const images = [...n.containers.map((c) => ({ path: `services.${n.key}.containers.${c.name}.image`, image: c.image })), ...proxyImages];
    const outside = images.find((i) => !inRegionEcr(i.image, m.region));
    services[n.key] = outside ? { worldHttps: true, path: outside.path, reason: `${outside.image} is not in this region's ECR, so service ${n.key} keeps HTTPS to the internet (through the NAT) to pull it; mirror it to ECR (docs/deploying.md) to drop that` }
      : n.egressIgnoredPorts.includes(443) ? { worldHttps: true, path: `services.${n.key}.egressIgnoredPorts`, reason: `service ${n.key} reaches 443 past Envoy, so it keeps HTTPS to the internet` }
      : allowAll ? { worldHttps: true, path: "mesh.egressFilter", reason: `ALLOW_ALL passes service ${n.key}'s other connections on, so it keeps HTTPS to the internet` }
      : { worldHttps: false, path: "network.vpcEndpoints", reason: `service ${n.key} has no HTTPS egress to the internet: its images are in ECR and it reaches AWS APIs through the endpoints only` };
  }
  let gateway: VpcEndpointsModel["gateway"];
  if (m.gateway) {
    const image = m.envoy.image;
    gateway = inRegionEcr(image, m.region) ? { worldHttps: false, path: "network.vpcEndpoints", reason: "the gateway has no HTTPS egress to the internet: its image is in ECR" }
      : { worldHttps: true, path: "envoy.image", reason: `${image} is not in this region's ECR, so the gateway keeps HTTPS to the internet (through the NAT) to pull it; mirror it to ECR (docs/deploying.md) to drop that` };
  }
  return { interfaces, gateways: ["s3"], services, ...(gateway ? { gateway } : {}) };
}

/** The plan's notes: what the endpoints are, and each task's HTTPS egress and why. */
export function vpcEndpointNotes(e: VpcEndpointsModel | undefined): MeshModel["notes"] {
  if (!e) return [];
  return [
    { path: "network.vpcEndpoints", reason: `interface endpoints (private DNS) for ${e.interfaces.join(", ")} in the private subnets, admitting 443 from the tasks' security groups only, and an S3 gateway endpoint for ECR's image layers` },
    ...[...Object.values(e.services), ...(e.gateway ? [e.gateway] : [])].map(({ path, reason }) => ({ path, reason })),
  ];
}

