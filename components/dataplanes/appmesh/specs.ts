/**
 * The App Mesh rendering of the model as plain data: each function returns the `spec` input of
 * one aws.appmesh resource. Pure, so it is tested without the Pulumi runtime, and the only
 * place that knows App Mesh's shapes.
 */
import { compact } from "../../../model/compact";
import type * as M from "../../../model/types";

export function meshSpec(m: M.MeshModel["mesh"]) {
  return {
    egressFilter: { type: m.egressFilter },
    ...(m.ipPreference ? { serviceDiscovery: { ipPreference: m.ipPreference } } : {}),
  };
}

function accessLog(log?: M.AccessLogModel) {
  if (!log) return undefined;
  const format = log.format?.text !== undefined
    ? { text: log.format.text }
    : log.format?.json ? { jsons: Object.entries(log.format.json).map(([key, value]) => ({ key, value })) } : undefined;
  return { accessLog: { file: { path: log.path, ...(format ? { format } : {}) } } };
}

function healthCheck(h: M.HealthCheckModel) {
  return {
    protocol: h.protocol, intervalMillis: h.intervalMillis, timeoutMillis: h.timeoutMillis,
    healthyThreshold: h.healthyThreshold, unhealthyThreshold: h.unhealthyThreshold,
    ...(h.path !== undefined ? { path: h.path } : {}), ...(h.port !== undefined ? { port: h.port } : {}),
  };
}

function listener(l: M.ListenerModel) {
  return {
    portMapping: { port: l.port, protocol: l.protocol },
    healthCheck: healthCheck(l.healthCheck),
    outlierDetection: l.outlierDetection,
    ...(l.timeout ? { timeout: { [l.protocol]: compact(l.timeout) } } : {}),
    ...(l.tls ? { tls: listenerTls(l.tls) } : {}),
  };
}

/** Pulumi's App Mesh inputs spell the API's `exact` list of names `exacts`. */
function validation(v: M.ValidationModel) {
  return compact({
    trust: compact(v.trust),
    subjectAlternativeNames: v.subjectAlternativeNames ? { match: { exacts: v.subjectAlternativeNames } } : undefined,
  });
}

function listenerTls(t: M.TlsModel) {
  return compact({ mode: t.mode, certificate: compact(t.certificate), validation: t.validation && validation(t.validation) });
}

/** A client policy (App Mesh backendDefaults): every backend call originates TLS as it says. */
function backendDefaults(c?: M.ClientTlsModel) {
  if (!c) return undefined;
  return { clientPolicy: { tls: compact({ enforce: c.enforce, ports: c.ports, certificate: c.certificate && compact(c.certificate), validation: validation(c.validation) }) } };
}

/** ACM certificates the listeners serve: App Mesh's Envoy exports them with the task role. */
export const acmCertificates = (listeners: { tls?: M.TlsModel }[]) =>
  listeners.flatMap((l) => (l.tls?.certificate.acm ? [l.tls.certificate.acm.certificateArn] : []));

export function virtualNodeSpec(n: M.VirtualNodeModel) {
  const serviceDiscovery = n.discovery.kind === "cloudMap"
    ? { awsCloudMap: { namespaceName: n.discovery.namespace, serviceName: n.discovery.service, ...(Object.keys(n.discovery.attributes).length ? { attributes: n.discovery.attributes } : {}) } }
    : { dns: compact({ hostname: n.discovery.hostname, responseType: n.discovery.responseType }) };
  return compact({
    listeners: n.listeners.map(listener),
    serviceDiscovery: n.listeners.length ? serviceDiscovery : undefined,
    backends: n.backends.map((virtualServiceName) => ({ virtualService: { virtualServiceName } })),
    backendDefaults: backendDefaults(n.clientTls),
    logging: accessLog(n.accessLog),
  });
}

export function virtualServiceSpec(vs: M.VirtualServiceModel, nodeName: (key: string) => string, routerName: (key: string) => string) {
  return vs.provider.kind === "node"
    ? { provider: { virtualNode: { virtualNodeName: nodeName(vs.provider.node) } } }
    : { provider: { virtualRouter: { virtualRouterName: routerName(vs.provider.router) } } };
}

export function virtualRouterSpec(r: M.RouterModel) {
  return { listeners: r.listeners.map((l) => ({ portMapping: { port: l.port, protocol: l.protocol } })) };
}

function headers(h?: M.HeaderMatchModel[]) {
  return h?.map((x) => compact({ name: x.name, invert: x.invert, match: x.match }));
}

/** App Mesh keys the route body by protocol: httpRoute, http2Route, grpcRoute, tcpRoute. */
export function routeSpec(r: M.RouteModel) {
  const action = { weightedTargets: r.targets.map((t) => compact({ virtualNode: t.nodeName, weight: t.weight, port: t.port })) };
  const m = r.match;
  let body: Record<string, unknown>;
  if (r.protocol === "tcp") body = { action, match: m.port !== undefined ? { port: m.port } : undefined };
  else if (r.protocol === "grpc") body = { action, match: compact({ serviceName: m.serviceName, methodName: m.methodName, port: m.port }) };
  else body = { action, match: compact({ prefix: m.prefix, method: m.method, port: m.port, headers: headers(m.headers) }) };
  // App Mesh's RetryPolicy has no method rule (its Envoy retries every method): the field is ours.
  const { retryNonIdempotent: _ours, ...retryPolicy } = r.retryPolicy ?? {};
  body.retryPolicy = r.retryPolicy && retryPolicy;
  body.timeout = r.timeout && compact(r.timeout);
  return compact({ priority: r.priority, [`${r.protocol}Route`]: compact(body) });
}

export function virtualGatewaySpec(g: M.GatewayModel) {
  return compact({
    listeners: g.listeners.map((l) => ({ portMapping: { port: l.port, protocol: l.protocol }, healthCheck: healthCheck(l.healthCheck), ...(l.tls ? { tls: listenerTls(l.tls) } : {}) })),
    backendDefaults: backendDefaults(g.clientTls),
    logging: accessLog(g.accessLog),
  });
}

export function gatewayRouteSpec(r: M.GatewayRouteModel) {
  const target = compact({ virtualService: { virtualServiceName: r.target.virtualService }, port: r.target.port });
  const m = r.match;
  if (r.protocol === "grpc") return compact({ priority: r.priority, grpcRoute: { action: { target }, match: compact({ serviceName: m.serviceName ?? "", port: m.port }) } });
  const rewrite = r.keepPrefix ? { prefix: { defaultPrefix: "DISABLED" } } : undefined;
  return compact({
    priority: r.priority,
    [`${r.protocol}Route`]: {
      action: compact({ target, rewrite }),
      match: compact({ prefix: m.prefix, port: m.port, hostname: m.hostname, headers: headers(m.headers) }),
    },
  });
}
