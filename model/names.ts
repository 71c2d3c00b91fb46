/**
 * Every name AWS sees, computed in one place. Pulumi resource names (identity) are derived
 * separately in components/base.ts, so changing a display name never replaces a resource.
 */
export const names = {
  mesh: (base: string, environment: string) => `${base}-${environment}`,
  cluster: (mesh: string) => mesh,
  virtualNode: (key: string) => key,
  virtualRouter: (key: string) => key,
  route: (key: string) => key,
  gateway: (mesh: string, configured?: string) => configured ?? `${mesh}-gateway`,
  gatewayRoute: (key: string) => key,
  /** Cloud Map service names are DNS labels, hence lower case. */
  cloudMapService: (key: string, configured?: string) => configured ?? key.toLowerCase(),
  virtualService: (label: string, namespace: string) => `${label}.${namespace}`,
  ecsService: (key: string) => key,
  taskFamily: (mesh: string, key: string) => `${mesh}-${key}`,
  logGroup: (mesh: string, key: string) => `/ecs/${mesh}/${key}`,
};
