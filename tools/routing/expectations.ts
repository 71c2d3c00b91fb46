/**
 * Expected routings kept in the repository (`stacks/routes.<stack>.yaml`, or `routes.<name>.yaml`
 * beside a `--config` file): each entry a caller, a request and where it must go.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { stackFile } from "../../stacks/files";
import type { PlanDocument } from "../plan-document";
import type { PlanSource } from "../plan-core";
import { routeRequest } from ".";
import { describeShares, parseRequest, RouteAnswer } from "./request";

export interface Expectation { from: string; request: string; headers?: Record<string, string>; expect: Record<string, number> | "refused" }
export interface CheckResult { expectation: Expectation; answer?: RouteAnswer; ok: boolean; message: string }

export function expectationsFile(src: PlanSource): string {
  if ("stack" in src) return path.join(path.dirname(stackFile(src.stack, src.project)), `routes.${src.stack}.yaml`);
  const base = path.basename(src.configFile).replace(/^Pulumi\./, "").replace(/\.ya?ml$/, "");
  return path.join(path.dirname(src.configFile), `routes.${base}.yaml`);
}

export function readExpectations(file: string): Expectation[] {
  const list = parse(fs.readFileSync(file, "utf8"), { uniqueKeys: true });
  if (!Array.isArray(list)) throw new Error(`${file}: must be a list of { from, request, headers?, expect }`);
  return list.map((e, i) => {
    const where = `${file}: entry ${i + 1}`;
    if (!e || typeof e.from !== "string" || typeof e.request !== "string") throw new Error(`${where}: needs from (a service or gateway) and request ("GET /path" or "GET http://host/path")`);
    if (e.expect !== "refused" && (typeof e.expect !== "object" || Object.values(e.expect).some((v) => typeof v !== "number")))
      throw new Error(`${where}: expect must be "refused" or a map of service to percent`);
    return e as Expectation;
  });
}

const label = (e: Expectation) => `${e.from} ${e.request}${e.headers ? ` ${Object.entries(e.headers).map(([k, v]) => `-H "${k}: ${v}"`).join(" ")}` : ""}`;
const answerText = (a: RouteAnswer) => (a.outcome === "refused" ? `refused (${a.steps.at(-1)!.replace(/^refused: /, "")})` : describeShares(a.shares));
const expectedText = (e: Expectation) => (e.expect === "refused" ? "refused" : describeShares(e.expect));

function matches(e: Expectation, a: RouteAnswer): boolean {
  if (e.expect === "refused") return a.outcome === "refused";
  if (a.outcome !== "routed") return false;
  const want = Object.entries(e.expect).filter(([, v]) => v > 0);
  const got = Object.entries(a.shares).filter(([, v]) => v > 0);
  return want.length === got.length && want.every(([k, v]) => Math.abs((a.shares[k] ?? -1) - v) < 0.05);
}

export function checkExpectations(doc: PlanDocument, expectations: Expectation[]): CheckResult[] {
  return expectations.map((e) => {
    try {
      const answer = routeRequest(doc, e.from, parseRequest(e.request, e.headers ?? {}));
      const ok = matches(e, answer);
      return { expectation: e, answer, ok, message: ok ? `ok    ${label(e)} → ${answerText(answer)}` : `FAIL  ${label(e)}: expected ${expectedText(e)}; got ${answerText(answer)}` };
    } catch (err) {
      return { expectation: e, ok: false, message: `FAIL  ${label(e)}: ${(err as Error).message}` };
    }
  });
}

/** `label -> answer` of every expectation, for comparing a base plan with its change. */
export function answers(doc: PlanDocument, expectations: Expectation[]): { request: string; answer: string }[] {
  return checkExpectations(doc, expectations).map((r) => ({ request: label(r.expectation), answer: r.answer ? answerText(r.answer) : r.message }));
}
