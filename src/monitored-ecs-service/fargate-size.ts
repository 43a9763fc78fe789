import { invalid } from '../private/validate';

/** Memory sizes (MiB) Fargate accepts for each CPU size (CPU units), from the ECS developer guide. */
const FARGATE_SIZES: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Throw a helpful error unless `cpu`/`memoryMiB` is a task size Fargate accepts. */
export function validateFargateSize(path: string, cpu: number, memoryMiB: number): void {
  const memories = FARGATE_SIZES[cpu];
  if (!memories) {
    throw invalid(path, 'cpu', cpu, `cpu ${cpu} is not a Fargate size`, `Use one of ${Object.keys(FARGATE_SIZES).join(', ')}.`);
  }
  if (!memories.includes(memoryMiB)) {
    const first = memories[0];
    const last = memories[memories.length - 1];
    const step = memories.length > 1 ? memories[1] - memories[0] : 0;
    throw invalid(path, 'memoryLimitMiB', memoryMiB, `it is not valid with cpu ${cpu}; Fargate accepts ${first}-${last} MiB${step ? ` in steps of ${step}` : ''}`,
      `Give memoryLimitMiB from ${first} to ${last}${step ? ` in steps of ${step}` : ''}, or another cpu.`);
  }
}
