/**
 * npm run bench: how validation and the offline plan scale with the size of a mesh.
 * Prints wall time and heap growth per step; compare ratios within one run (machines are shared).
 */
import { validateMesh } from "../model/load";
import { meshInput, stackConfig, stackFile } from "../stacks/files";
import { planConfig } from "./plan-core";

/** The dev stack with `n` extra services behind the colour router. */
function scaled(n: number) {
  const config = JSON.parse(JSON.stringify(stackConfig(stackFile("dev"))));
  const t = config["fargate-mesh:topology"];
  for (let i = 0; i < n; i++) t.services[`svc${i}`] = { ...t.services.red, backends: i ? [`svc${i - 1}`] : [] };
  return config;
}

async function measure(label: string, runs: number, fn: () => unknown | Promise<unknown>) {
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 1048576;
  process.stdout.write(`${label.padEnd(34)} ${ms.toFixed(2).padStart(9)} ms/run   heap +${heapMb.toFixed(1)} MiB\n`);
  return ms;
}

async function main() {
  const sizes = [0, 25, 100];
  const validate: number[] = [];
  for (const n of sizes) {
    const input = meshInput(scaled(n), "dev");
    validate.push(await measure(`validate + model, ${4 + n} services`, 50, () => validateMesh(input)));
  }
  const plans: number[] = [];
  for (const n of sizes) plans.push(await measure(`offline plan, ${4 + n} services`, 3, () => planConfig(scaled(n), "dev")));
  process.stdout.write(`\nratio 104/4 services: validate ${(validate[2] / validate[0]).toFixed(1)}x, plan ${(plans[2] / plans[0]).toFixed(1)}x\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
