/**
 * A stack's expectations (`stacks/routes.<env>.yaml`, the file `npm run routes -- --check`
 * reads) checked against the running data plane with real requests. A share is met when each
 * target's count lies within 4.5 standard deviations of its expected count (binomial, n requests);
 * a target expected at 0% must receive nothing, and no other service may answer. `refused`
 * means no service answered any request: a connection refused or reset, or Envoy's own error.
 */
import { parseRequest } from "../routing/request";
import type { Expectation } from "../routing/expectations";
import type { Observed, Rehearsal } from "./session";

export interface TrafficResult { expectation: Expectation; observed: Observed; ok: boolean; message: string }

/**
 * A CI run judges some 200 shares (every expectation, every target, both Node versions, and the
 * rehearse commands). At 3 standard deviations about one share in 370 fails by chance, so close
 * to half of all runs had one such failure; at 4.5 one share in 150,000 does, one run in 700.
 * Still tight enough for what goes wrong: with 200 requests, 80/20 read as 67/33 (or 50/50 as
 * 34/66) fails, as do a weight-0 target that gets any request and a service that should not answer.
 */
const SIGMAS = 4.5;

export function judge(e: Expectation, o: Observed): { ok: boolean; why: string } {
  const services = Object.entries(o.byService).filter(([k]) => !k.startsWith("("));
  if (e.expect === "refused") {
    const answered = services.reduce((n, [, c]) => n + c, 0);
    return { ok: answered === 0, why: answered ? `${answered} of ${o.total} answered by ${services.map(([k]) => k).join(", ")}` : "no service answered" };
  }
  const problems: string[] = [];
  const n = o.total;
  for (const [svc, pct] of Object.entries(e.expect)) {
    const p = pct / 100, got = o.byService[svc] ?? 0;
    if (p === 0) { if (got) problems.push(`${svc} got ${got} with weight 0`); continue; }
    const sd = Math.sqrt(n * p * (1 - p)), want = n * p;
    if (Math.abs(got - want) > SIGMAS * sd + 1e-9) problems.push(`${svc} got ${got} of ${n}, expected ${want.toFixed(0)} ± ${(SIGMAS * sd).toFixed(1)}`);
  }
  for (const [k, c] of Object.entries(o.byService)) if (!(k in e.expect)) problems.push(`${c} answered by ${k}`);
  for (const [k, c] of Object.entries(o.errors)) problems.push(`${c} × ${k}`);
  return { ok: problems.length === 0, why: problems.join("; ") || `within ${SIGMAS} standard deviations` };
}

/** Sends `count` requests per expectation; one result each, in order. */
export async function checkTraffic(r: Rehearsal, expectations: Expectation[], count: number): Promise<TrafficResult[]> {
  const out: TrafficResult[] = [];
  for (const e of expectations) {
    const req = parseRequest(e.request, e.headers ?? {});
    const target = e.request.trim().split(/\s+/)[1];
    const observed = await r.request(e.from, req.method, target, count, e.headers ?? {});
    const { ok, why } = judge(e, observed);
    const seen = Object.entries(observed.byService).map(([k, v]) => `${k} ${v}`).concat(Object.entries(observed.errors).map(([k, v]) => `${k} ${v}`)).join(", ");
    out.push({ expectation: e, observed, ok, message: `${ok ? "ok  " : "FAIL"}  ${e.from} ${e.request}: ${seen} (${why})` });
  }
  return out;
}
