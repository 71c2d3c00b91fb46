/** `npm run routes`: where a request goes, read from the generated configuration. */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { gatewayBootstrap, sidecarBootstrap } from "../../components/dataplanes/envoy/bootstrap";
import { PROJECT_DIR } from "../../stacks/files";
import { toDocument } from "../../tools/plan-document";
import { routeRequest } from "../../tools/routing";
import { routeThroughEnvoy } from "../../tools/routing/envoy";
import { diffPlans } from "../../tools/diff";
import { diffMarkdown } from "../../tools/diff-format";
import { answers, checkExpectations, readExpectations } from "../../tools/routing/expectations";
import { parseRequest } from "../../tools/routing/request";
import { FIXTURE, fixtureFile, model, withChange } from "../helpers";
import { onDataPlane, planOf } from "../components/plan-helpers";

/** blue's answer for a request, on the dev stack with `change` applied to the router's one route. */
function fromBlue(change: (route: any, t: any) => void, request: string, headers: Record<string, string> = {}) {
  const m = model(withChange("dev", (t) => change(t.routers.colors.routes["color-route"], t)));
  return routeThroughEnvoy(sidecarBootstrap(m, "blue"), "blue", parseRequest(request, headers), false);
}
const to = (a: { outcome: string; shares: Record<string, number> }) => (a.outcome === "refused" ? "refused" : a.shares);
const URL = "http://router.colors.local/api/x";

describe("route matching on generated Envoy configuration", () => {
  it("prefix", () => {
    assert.deepEqual(to(fromBlue((r) => (r.match.prefix = "/api"), `GET ${URL}`)), { green: 50, yellow: 50 });
    assert.equal(to(fromBlue((r) => (r.match.prefix = "/v2"), `GET ${URL}`)), "refused");
  });

  it("method", () => {
    assert.equal(to(fromBlue(() => undefined, `DELETE ${URL}`)), "refused");
    assert.deepEqual(to(fromBlue((r) => delete r.match.method, `DELETE ${URL}`)), { green: 50, yellow: 50 });
  });

  const header = (h: any, value?: string) => to(fromBlue((r) => (r.match.headers = [{ name: "x-h", ...h }]), `GET ${URL}`, value === undefined ? {} : { "X-H": value }));
  it("header exact, prefix and suffix", () => {
    assert.notEqual(header({ exact: "yes" }, "yes"), "refused");
    assert.equal(header({ exact: "yes" }, "yes!"), "refused");
    assert.notEqual(header({ prefix: "ab" }, "abc"), "refused");
    assert.equal(header({ prefix: "ab" }, "cab"), "refused");
    assert.notEqual(header({ suffix: "bc" }, "abc"), "refused");
    assert.equal(header({ suffix: "bc" }, "bca"), "refused");
  });

  it("header regex (a whole-value match) and range (end exclusive)", () => {
    assert.notEqual(header({ regex: "v[0-9]+" }, "v12"), "refused");
    assert.equal(header({ regex: "v[0-9]+" }, "v12b"), "refused");
    assert.notEqual(header({ range: { start: 1, end: 9 } }, "8"), "refused");
    assert.equal(header({ range: { start: 1, end: 9 } }, "9"), "refused");
    assert.equal(header({ range: { start: 1, end: 9 } }, "x"), "refused");
  });

  it("header invert, and an absent header matching nothing, inverted or not", () => {
    assert.equal(header({ exact: "yes", invert: true }, "yes"), "refused");
    assert.notEqual(header({ exact: "yes", invert: true }, "no"), "refused");
    assert.equal(header({ exact: "yes", invert: true }), "refused");
    assert.equal(header({ exact: "yes" }), "refused");
  });

  it("priority order: the first matching route wins", () => {
    const a = fromBlue((_r, t) => {
      t.routers.colors.routes.beta = { priority: 0, match: { prefix: "/", headers: [{ name: "x-beta-user", exact: "true" }] }, targets: { yellow: 1 } };
    }, `GET ${URL}`, { "x-beta-user": "true" });
    assert.deepEqual(to(a), { yellow: 100 });
    assert.match(a.steps.join("\n"), /route beta \(2nd of 3\)/);
  });

  it("port: the route only on its listener, the authority with and without port", () => {
    const m = model(withChange("dev", (t, e) => {
      t.routers.colors.listeners.push({ port: 8080, protocol: "http" });
      t.routers.colors.routes.alt = { match: { prefix: "/", port: 8080 }, targets: { yellow: { weight: 1, port: 8080 } } };
      e.routers.colors.routes["color-route"].targets = { green: { weight: 50, port: 80 }, yellow: { weight: 50, port: 80 } };
      for (const s of ["green", "yellow"]) { t.services[s].listeners.push({ port: 8080, protocol: "http" }); t.services[s].containers.app.ports = [80, 8080]; }
    }));
    const b = sidecarBootstrap(m, "blue");
    assert.deepEqual(to(routeThroughEnvoy(b, "blue", parseRequest("GET http://router.colors.local:8080/"), false)), { yellow: 100 });
    assert.deepEqual(to(routeThroughEnvoy(b, "blue", parseRequest("GET http://router.colors.local/"), false)), { green: 50, yellow: 50 });
    assert.deepEqual(to(routeThroughEnvoy(b, "blue", parseRequest("GET http://router.colors.local:80/"), false)), { green: 50, yellow: 50 });
  });

  it("refuses under DROP_ALL what is not a backend, and passes it through under ALLOW_ALL", () => {
    const drop = fromBlue(() => undefined, "GET http://example.com/");
    assert.equal(to(drop), "refused");
    assert.match(drop.steps.at(-1)!, /no virtual host for "example.com" \(egress DROP_ALL/);
    assert.match(to(fromBlue(() => undefined, "GET http://example.com:5432/") as any) as string, /refused/);
    const open = model(withChange("dev", (t) => (t.mesh.egressFilter = "ALLOW_ALL")));
    assert.deepEqual(to(routeThroughEnvoy(sidecarBootstrap(open, "blue"), "blue", parseRequest("GET http://example.com/"), false)), { "original destination": 100 });
  });

  it("the gateway rewrites the matched prefix and the Host", () => {
    const a = routeThroughEnvoy(gatewayBootstrap(model(withChange("dev", () => undefined))), "gateway", { ...parseRequest("GET /router/colors"), port: 8080 }, true);
    assert.deepEqual(a.rewritten, { host: "router.colors.local", path: "/colors" });
    assert.ok(a.steps.includes("forwarded as /colors with Host router.colors.local"));
  });
});

describe("expectations", () => {
  for (const stack of ["dev", "staging", "prod"])
    for (const plane of ["envoy", "appmesh", "lattice"] as const)
      it(`${stack}'s expectations hold on the ${plane} data plane`, async () => {
        const doc = toDocument(await planOf(stack, plane));
        const results = checkExpectations(doc, readExpectations(path.join(FIXTURE, "stacks", `routes.${stack}.yaml`)));
        assert.deepEqual(results.filter((r) => !r.ok).map((r) => r.message), []);
      });

  it("a request to the gateway comes through the NLB: its port maps to the gateway's (80 → 8080), other ports reach the gateway as sent", async () => {
    const doc = toDocument(await planOf("dev"));
    const bare = routeRequest(doc, "gateway", parseRequest("GET /router"));
    assert.deepEqual(bare.steps.slice(0, 3), ["NLB port 80 → gateway port 8080", "gateway's Envoy", "listener gateway-8080"]);
    assert.deepEqual(bare.shares, { green: 50, yellow: 50 });
    assert.equal(routeRequest(doc, "gateway", parseRequest("GET http://colors.example.com:8080/")).shares.blue, 100, "8080 directly, from inside the VPC");
    assert.match(routeRequest(doc, "gateway", parseRequest("GET http://colors.example.com:9000/")).steps.at(-1)!, /the gateway does not listen on port 9000/);
  });

  it("a wrong expectation fails with the request and both answers", async () => {
    const doc = toDocument(await planOf("staging"));
    const [r] = checkExpectations(doc, [{ from: "gateway", request: "GET /router", expect: { green: 50, yellow: 50 } }]);
    assert.equal(r.ok, false);
    assert.equal(r.message, "FAIL  gateway GET /router: expected green 50%, yellow 50%; got green 80%, yellow 20%");
  });

  it("--check exits 1 and prints the failing entry", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-routes-"));
    fixtureFile("dev", dir);
    fs.writeFileSync(path.join(dir, "routes.dev.yaml"), "- from: blue\n  request: GET http://red.colors.local/\n  expect: refused\n");
    const r = spawnSync(process.execPath, ["tools/run.js", "routes", "--config", path.join(dir, "Pulumi.dev.yaml"), "--check"], { cwd: PROJECT_DIR, encoding: "utf8" });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /Stack dev: 0 of 1 expectations hold/);
    assert.match(r.stdout, /FAIL {2}blue GET http:\/\/red\.colors\.local\/: expected refused; got red 100%/);
  });

  it("VPC Lattice answers differently where its access control is coarser, and why", async () => {
    // red may call the router on port 80; on Envoy that is all it may call.
    const edit = (c: any) => { c["fargate-mesh:topology"].services.red.backends = ["colors"]; };
    const request = parseRequest("GET http://blue.colors.local/");
    const envoy = routeRequest(toDocument(await planOf("dev", edit)), "red", request);
    assert.equal(envoy.outcome, "refused");
    assert.match(envoy.steps.at(-1)!, /no virtual host for "blue.colors.local"/);
    // On Lattice its security group reaches the service network on 80, and so every service there.
    const lattice = routeRequest(toDocument(await planOf("dev", (c) => { onDataPlane("lattice")(c); edit(c); })), "red", request);
    assert.deepEqual(lattice.shares, { blue: 100 });
    // lattice.auth: iam narrows it back to the declared callers.
    const iam = routeRequest(toDocument(await planOf("dev", (c) => { onDataPlane("lattice")(c); edit(c); c["fargate-mesh:environment"].lattice = { auth: "iam" }; })), "red", request);
    assert.equal(iam.outcome, "refused");
    assert.match(iam.steps.at(-1)!, /auth policy of blue.colors.local does not allow red's task role \(403\)/);
  });

  it("the plan diff's Markdown shows the expected routings a weight change moves, before and after", async () => {
    const expectations = readExpectations(path.join(FIXTURE, "stacks", "routes.prod.yaml"));
    const base = toDocument(await planOf("prod"));
    const head = toDocument(await planOf("prod", (c) => { c["fargate-mesh:environment"].routers.colors.routes["color-route"].targets = { green: 75, yellow: 25 }; }));
    const [before, after] = [answers(base, expectations), answers(head, expectations)];
    const moved = after.map((a, i) => ({ request: a.request, before: before[i].answer, after: a.answer })).filter((m) => m.before !== m.after);
    assert.deepEqual(moved.map((m) => m.request), ["gateway GET /router", "gateway GET /router/colors?x=1", "blue GET http://router.colors.local/"]);
    const text = diffMarkdown(diffPlans(base, head), head, moved);
    assert.ok(text.includes("| `gateway GET /router` | green 100%, yellow 0% | green 75%, yellow 25% |"), text);
  });
});
