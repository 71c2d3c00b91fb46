/**
 * Who provides a virtual service: a service on its own, or the router in front of it. Read from
 * the raw description, so that validation and the model builder agree.
 */
type Raw = Record<string, any>;
const rec = (x: unknown): Raw => (x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Raw) : {});

/** Which services are targets of which routers; such services get no virtual service by default. */
export function routerTargets(routers: Raw): Map<string, string> {
  const out = new Map<string, string>();
  for (const [rk, r] of Object.entries(routers))
    for (const route of Object.values(rec(rec(r).routes)))
      for (const node of Object.keys(rec(rec(route).targets))) if (!out.has(node)) out.set(node, rk);
  return out;
}

export function hasVirtualService(key: string, svc: Raw, targets: Map<string, string>): boolean {
  return typeof svc.virtualService === "boolean" ? svc.virtualService : !targets.has(key);
}
