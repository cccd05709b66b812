// Matmul GFLOP/s, ours vs TensorFlow.js (webgpu on the same adapter; wasm on the CPU), at square and
// transformer shapes.
import { Generator, matmul, rand } from '@crossmodal/tensor';
import type { WebGpuBackend } from '../src/webgpu-backend.ts';
import { measure, type BenchRecord, type SamplePlan } from './harness.ts';
import type { TfRuntime, TfWebGpu } from './tfjs.ts';

/** One product: batch × ([m, k] · [k, n]). */
export interface MatmulCase {
  readonly name: string;
  readonly batch: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly plan: SamplePlan;
}

const square = (n: number, plan: SamplePlan): MatmulCase => ({ name: `${n}³`, batch: 1, m: n, k: n, n, plan });
const STANDARD: SamplePlan = { warmup: 1, samples: 5, minSampleSeconds: 0.25 };
/** Products that take a second or more on lavapipe: one warm-up, single-product samples. */
const SLOW: SamplePlan = { warmup: 1, samples: 3, minSampleSeconds: 0 };

/** The cases of the full run (quick: the small ones only, for a smoke run). */
export function matmulCases(quick: boolean): MatmulCase[] {
  const all = [
    square(256, STANDARD), square(512, STANDARD), square(1024, { ...SLOW, samples: 5 }), square(2048, SLOW),
    { name: '1576×768·768×3072', batch: 1, m: 1576, k: 768, n: 3072, plan: SLOW },
    { name: '96×(197×64·64×197)', batch: 96, m: 197, k: 64, n: 197, plan: { ...SLOW, samples: 5 } },
  ];
  return quick ? all.filter((c) => c.m * c.k * c.n * c.batch <= 512 ** 3) : all;
}

const flops = (c: MatmulCase): number => 2 * c.batch * c.m * c.k * c.n;
const shapes = (c: MatmulCase): [number[], number[]] => (c.batch > 1 ? [[c.batch, c.m, c.k], [c.batch, c.k, c.n]] : [[c.m, c.k], [c.k, c.n]]);

/** Records GFLOP/s, ms and samples of one case on one framework, and prints a line. */
function push(records: BenchRecord[], c: MatmulCase, framework: string, ms: number, samples: number): void {
  const gflops = flops(c) / ms / 1e6;
  records.push({ suite: 'matmul', case: c.name, framework, metric: 'GFLOP/s', value: gflops });
  records.push({ suite: 'matmul', case: c.name, framework, metric: 'ms', value: ms });
  records.push({ suite: 'matmul', case: c.name, framework, metric: 'samples', value: samples });
  console.log(`matmul ${c.name} ${framework}: ${gflops.toFixed(2)} GFLOP/s (${ms.toFixed(1)} ms, ${samples} samples)`);
}

/** Times one case with TF.js on `rt` (its active backend made `rt`'s first). */
async function tfCase(rt: TfRuntime, c: MatmulCase, plan: SamplePlan, records: BenchRecord[]): Promise<void> {
  await rt.activate();
  const [sa, sb] = shapes(c);
  const a = rt.tf.randomUniform(sa, 0, 1, 'float32', 1);
  const b = rt.tf.randomUniform(sb, 0, 1, 'float32', 2);
  const t = await measure(async () => {
    rt.tf.matMul(a, b).dispose();
    await rt.sync();
  }, plan);
  push(records, c, rt.framework, t.ms, t.samples);
  a.dispose();
  b.dispose();
}

/** Runs every case on ours and (when given) TF.js webgpu; prints a line per figure and returns the records. */
export async function runMatmul(backend: WebGpuBackend, tf: TfWebGpu | undefined, cases: readonly MatmulCase[]): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  for (const c of cases) {
    const [sa, sb] = shapes(c);
    const a = rand(sa, { backend, generator: new Generator(1) });
    const b = rand(sb, { backend, generator: new Generator(2) });
    const t = await measure(async () => {
      matmul(a, b).dispose();
      await backend.sync();
    }, c.plan);
    push(records, c, 'crossmodal', t.ms, t.samples);
    a.dispose();
    b.dispose();
    if (tf) await tfCase(tf, c, c.plan, records);
  }
  return records;
}

/**
 * Every case on a CPU-side TF.js backend (wasm), sampled as the CPU columns are (the native bench
 * and PyTorch: 2 warm-ups, 5 samples of ≥ 0.2 s) rather than with the lavapipe plans of `cases`.
 */
export async function runTfMatmul(rt: TfRuntime, cases: readonly MatmulCase[], plan: SamplePlan): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  for (const c of cases) await tfCase(rt, c, plan, records);
  return records;
}
