/**
 * Ports the sidecars take inside every meshed task (its containers share one network
 * namespace), so an application cannot listen on them: Envoy's capture ports, its admin
 * interface and app-health listener, and the X-Ray daemon's. Validation refuses listener and
 * container ports that clash (data-plane.ts); the renderers use the same numbers.
 */
/** Envoy's inbound and outbound capture ports, fixed by the App Mesh CNI/iptables setup. */
export const PROXY_INGRESS_PORT = 15000;
export const PROXY_EGRESS_PORT = 15001;
/** Envoy's admin interface (127.0.0.1). */
export const ENVOY_ADMIN_PORT = 9901;
/** Envoy's loopback listener that answers 200 only while the local application is healthy. */
export const APP_HEALTH_PORT = 15021;
/**
 * The gateway's readiness listener (envoy and lattice data planes): the NLB's HTTP health check
 * asks it, so it listens on the task's address, unlike the admin interface it stands in for.
 */
export const GATEWAY_READY_PORT = 15020;
export const GATEWAY_READY_PATH = "/ready";
/** The X-Ray daemon's port (UDP, and TCP for its sampling proxy). */
export const XRAY_PORT = 2000;

/** What takes each port, on the envoy data plane, for the error message. */
export function reservedPorts(opts: { xray: boolean }): Map<number, string> {
  const m = new Map<number, string>([
    [PROXY_INGRESS_PORT, "Envoy's inbound capture port"], [PROXY_EGRESS_PORT, "Envoy's outbound capture port"],
    [ENVOY_ADMIN_PORT, "Envoy's admin interface"], [APP_HEALTH_PORT, "Envoy's app-health listener"],
  ]);
  if (opts.xray) m.set(XRAY_PORT, "the X-Ray daemon");
  return m;
}

/** What takes each port in the gateway's task (envoy and lattice data planes). */
export function gatewayReservedPorts(opts: { xray: boolean }): Map<number, string> {
  return new Map([...reservedPorts(opts), [GATEWAY_READY_PORT, "the gateway's readiness listener (the NLB's health check)"]]);
}
