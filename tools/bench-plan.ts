/** One offline plan of an N-service mesh, for `npm run bench` to time as a whole process. */
import { planConfig } from "./plan-core";
import { scaledConfig } from "./bench-mesh";

planConfig(scaledConfig(Number(process.argv[2] ?? 4)), "dev").then((r) => {
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  process.stdout.write(`resources=${r.plan.resources.length}\n`);
});
