/**
 * Task sizes Fargate accepts (CPU units -> allowed memory in MiB), from the ECS developer guide.
 * Any other pair is rejected by ECS at deploy time, so it is rejected here before planning.
 */
const SIZES: Record<number, { min: number; max: number; step: number } | number[]> = {
  256: [512, 1024, 2048],
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

export function fargateMemoryOptions(cpu: number): number[] | undefined {
  const s = SIZES[cpu];
  if (s === undefined) return undefined;
  if (Array.isArray(s)) return s;
  const out: number[] = [];
  for (let m = s.min; m <= s.max; m += s.step) out.push(m);
  return out;
}

/** Returns the reason a CPU/memory pair is not a Fargate task size, or undefined when it is. */
export function checkFargateSize(cpu: number, memory: number): string | undefined {
  const options = fargateMemoryOptions(cpu);
  if (!options) return `cpu ${cpu} is not a Fargate size; use one of ${Object.keys(SIZES).join(", ")}`;
  if (!options.includes(memory)) {
    const s = SIZES[cpu];
    const allowed = Array.isArray(s) ? s.join(", ") : `${s.min}-${s.max} in steps of ${s.step}`;
    return `Fargate does not accept cpu ${cpu} with memory ${memory}; with cpu ${cpu} memory must be ${allowed}`;
  }
  return undefined;
}
