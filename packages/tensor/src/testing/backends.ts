// Backends for tests: the CPU oracle with some kernels removed, so the engine runs those ops'
// composites (how fused ops are checked against their composites, and fallbacks are exercised).
import type { Backend } from '../backend.ts';
import { createCpuBackend } from '../cpu/cpu-backend.ts';

/** A fresh CPU oracle (id 'cpu') without kernels for `ops`. */
export function cpuWithoutKernels(...ops: string[]): Backend {
  const b = createCpuBackend();
  return { ...b, kernels: new Map([...b.kernels].filter(([name]) => !ops.includes(name))) };
}
