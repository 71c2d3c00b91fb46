/**
 * Extracts, from the official App Mesh API model (botocore service-2.json), the shapes whose
 * limits fargate-mesh validates, into test/fixtures/appmesh-shapes.json. The fixture keeps the
 * limits test meaningful on a clean clone; on a machine with the full model, the test also
 * checks that the fixture is still what the model says.
 *   npm run api-limits -- [<path to appmesh-2019-01-25.service-2.json>]
 */
import * as fs from "fs";
import * as path from "path";
import { ENUMS, LIMITS } from "../model/limits";
import { ConfigFileError, PROJECT_DIR, readText } from "../stacks/files";
import { parseFlags, usageExit } from "./args";

export const FIXTURE = path.join(PROJECT_DIR, "test/fixtures/appmesh-shapes.json");
export const DEFAULT_MODEL = path.resolve(PROJECT_DIR, "../shared/reference/aws-models/appmesh-2019-01-25.service-2.json");

export const FLAGS = {} as const;
const usage = usageExit({
  tool: "api-limits",
  forms: ["[<appmesh-2019-01-25.service-2.json>]"],
  about: `Rewrites ${path.relative(PROJECT_DIR, FIXTURE)} with the App Mesh API shapes whose limits validation checks, from the botocore model given (by default ${DEFAULT_MODEL}). Exit 1 for a model that cannot be read, 2 for wrong arguments.`,
  options: [],
});

type Shape = { type?: string; min?: number; max?: number; enum?: string[] };

export function extractShapes(modelFile: string): Record<string, Shape> {
  const text = readText(modelFile, "API model");
  let shapes: Record<string, Shape> | undefined;
  try { shapes = JSON.parse(text).shapes; } catch (e) { throw new ConfigFileError(`${modelFile}: not JSON (${(e as Error).message})`); }
  if (!shapes || typeof shapes !== "object") throw new ConfigFileError(`${modelFile}: not a botocore service model (no "shapes")`);
  const wanted = new Set<string>([
    ...Object.values(LIMITS).filter((l) => l.model === "appmesh").map((l) => l.shape),
    ...Object.values(ENUMS).map((e) => e.shape).filter(Boolean),
    "HttpRetryPolicyEvent",
  ]);
  const missing = [...wanted].filter((name) => !shapes![name]);
  if (missing.length) throw new ConfigFileError(`${modelFile}: has no shape ${missing.sort().join(", ")}; is it the App Mesh model?`);
  const out: Record<string, Shape> = {};
  for (const name of [...wanted].sort()) {
    const { type, min, max, enum: values } = shapes[name];
    out[name] = JSON.parse(JSON.stringify({ type, min, max, enum: values }));
  }
  return out;
}

if (require.main === module) {
  const src = parseFlags(process.argv.slice(2), FLAGS, usage, true).positional ?? DEFAULT_MODEL;
  try {
    // Extracted in full before the fixture is touched: a bad model leaves the fixture as it was.
    const shapes = extractShapes(src);
    fs.writeFileSync(FIXTURE, JSON.stringify(shapes, null, 2) + "\n");
    process.stdout.write(`wrote ${FIXTURE} from ${src}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof ConfigFileError ? e.message : e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  }
}
