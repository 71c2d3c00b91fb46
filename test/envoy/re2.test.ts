/**
 * The description's regular-expression check (model/re2.ts, a pure check) held to the real
 * Envoy: for each pattern, the route header match the model renders is loaded by
 * `envoy --mode validate`, and Envoy must refuse exactly what the model refuses. Patterns the
 * model refuses are put into a bootstrap rendered with an accepted placeholder, since the model
 * would not render them.
 */
import { strict as assert } from "assert";
import { inParallel, validateBootstrap } from "../../tools/envoy/validate";
import { re2Problem } from "../../model/re2";
import { validateMesh } from "../../model/load";
import { withChange } from "../helpers";
import { envoySidecar } from "../../components/dataplanes/envoy/sidecar";

const ENVOY = process.env.FARGATE_MESH_ENVOY!;
const PLACEHOLDER = "^placeholder-[0-9]+$";

const ACCEPTED = ["^canary-[0-9]+$", "(?i)beta", "(?P<n>x)y", "(?<n>x)", "\\d{2,4}", "[[:alpha:]]+", "\\pL+", "\\Qa.b\\E", "(?i:Foo)", "[\\d-z]", "\\x41", "a{96}", "x{20}y{20}z{20}", "\\bword\\b"];
const REFUSED = ["a(?=b)", "a(?!b)", "(?<=a)b", "(?<!x)y", "(a)\\1", "(?>a)", "a*+", "a**", "x{2}{3}", "[z-a]", "(abc", "abc)", "\\Z", "\\e", "a{1001}", "a{97}", "(a){90}", "\\x{263a}"];

describe("regular expressions: the model refuses what Envoy refuses, and accepts what it accepts", function () {
  this.timeout(180000);

  it(`${ACCEPTED.length + REFUSED.length} patterns, each loaded by Envoy in a rendered route header match`, async () => {
    const placed = validateMesh(withChange("dev", (t) => { t.routers.colors.routes["color-route"].match.headers = [{ name: "x-canary", regex: PLACEHOLDER }]; }));
    assert.ok(placed.ok, JSON.stringify(!placed.ok && placed.issues));
    // blue calls the router, so its Envoy holds the router's routes (as ECS starts it: bootstrap and environment).
    const envoy = (envoySidecar(placed.model, "blue", { group: "g", region: "us-east-1" }).containers as any[]).find((c) => c.name === "envoy");
    const blue = { env: Object.fromEntries((envoy.environment ?? []).map((e: any) => [e.name, e.value])) };
    const text = envoy.command[2] as string;
    assert.ok(text.includes(JSON.stringify(PLACEHOLDER)), "the bootstrap holds the header match");
    const patterns = [...ACCEPTED, ...REFUSED];
    for (const p of ACCEPTED) assert.equal(re2Problem(p), undefined, p);
    for (const p of REFUSED) assert.ok(re2Problem(p), p);
    const results = await inParallel(patterns.map((p) => () =>
      validateBootstrap(ENVOY, JSON.parse(text.split(JSON.stringify(PLACEHOLDER)).join(JSON.stringify(p))), blue.env)));
    const disagree = patterns.filter((p, i) => results[i].ok !== (re2Problem(p) === undefined))
      .map((p) => `${p}: Envoy ${results[patterns.indexOf(p)].ok ? "accepts" : "refuses"}, the model ${re2Problem(p) ?? "accepts"}`);
    assert.deepEqual(disagree, []);
  });
});
