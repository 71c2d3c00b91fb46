/**
 * Extracts, from the official App Mesh API model (botocore service-2.json), the shapes whose
 * limits fargate-mesh validates, into test/fixtures/appmesh-shapes.json. The fixture keeps the
 * limits test meaningful on a clean clone; on a machine with the full model, the test also
 * checks that the fixture is still what the model says.
 *   npm run api-limits -- <path to appmesh-2019-01-25.service-2.json>
 */
import * as fs from "fs";
import * as path from "path";
import { ENUMS, LIMITS } from "../model/limits";
import { PROJECT_DIR } from "../stacks/files";

export const FIXTURE = path.join(PROJECT_DIR, "test/fixtures/appmesh-shapes.json");
export const DEFAULT_MODEL = path.resolve(PROJECT_DIR, "../shared/reference/aws-models/appmesh-2019-01-25.service-2.json");

type Shape = { type?: string; min?: number; max?: number; enum?: string[] };

export function extractShapes(modelFile: string): Record<string, Shape> {
  const shapes = JSON.parse(fs.readFileSync(modelFile, "utf8")).shapes as Record<string, Shape>;
  const wanted = new Set<string>([
    ...Object.values(LIMITS).filter((l) => l.model === "appmesh").map((l) => l.shape),
    ...Object.values(ENUMS).map((e) => e.shape).filter(Boolean),
    "HttpRetryPolicyEvent",
  ]);
  const out: Record<string, Shape> = {};
  for (const name of [...wanted].sort()) {
    const { type, min, max, enum: values } = shapes[name];
    out[name] = JSON.parse(JSON.stringify({ type, min, max, enum: values }));
  }
  return out;
}

if (require.main === module) {
  const src = process.argv[2] ?? DEFAULT_MODEL;
  fs.writeFileSync(FIXTURE, JSON.stringify(extractShapes(src), null, 2) + "\n");
  process.stdout.write(`wrote ${FIXTURE} from ${src}\n`);
}
