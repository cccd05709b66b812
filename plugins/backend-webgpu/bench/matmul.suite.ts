// Matmul GFLOP/s, ours vs TensorFlow.js webgpu, at square and transformer shapes on one adapter.
import { Generator, matmul, rand } from '@crossmodal/tensor';
import type { WebGpuBackend } from '../src/webgpu-backend.ts';
import { measure, type BenchRecord, type SamplePlan } from './harness.ts';
import type { TfWebGpu } from './tfjs.ts';

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
    { name: '1576×768×3072', batch: 1, m: 1576, k: 768, n: 3072, plan: SLOW },
    { name: '96×(197×64·64×197)', batch: 96, m: 197, k: 64, n: 197, plan: { ...SLOW, samples: 5 } },
  ];
  return quick ? all.filter((c) => c.m * c.k * c.n * c.batch <= 512 ** 3) : all;
}

/** Runs every case on both frameworks; prints a line per figure and returns the records. */
export async function runMatmul(backend: WebGpuBackend, tf: TfWebGpu | undefined, cases: readonly MatmulCase[]): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  for (const c of cases) {
    const flop = 2 * c.batch * c.m * c.k * c.n;
    const [sa, sb] = c.batch > 1 ? [[c.batch, c.m, c.k], [c.batch, c.k, c.n]] : [[c.m, c.k], [c.k, c.n]];
    const push = (framework: string, ms: number, samples: number): void => {
      records.push({ suite: 'matmul', case: c.name, framework, metric: 'GFLOP/s', value: flop / ms / 1e6 });
      records.push({ suite: 'matmul', case: c.name, framework, metric: 'ms', value: ms });
      records.push({ suite: 'matmul', case: c.name, framework, metric: 'samples', value: samples });
      console.log(`matmul ${c.name} ${framework}: ${(flop / ms / 1e6).toFixed(2)} GFLOP/s (${ms.toFixed(1)} ms, ${samples} samples)`);
    };
    {
      const a = rand(sa, { backend, generator: new Generator(1) });
      const b = rand(sb, { backend, generator: new Generator(2) });
      const t = await measure(async () => {
        matmul(a, b).dispose();
        await backend.sync();
      }, c.plan);
      push('crossmodal', t.ms, t.samples);
      a.dispose();
      b.dispose();
    }
    if (tf) {
      const a = tf.tf.randomUniform(sa);
      const b = tf.tf.randomUniform(sb);
      const t = await measure(async () => {
        tf.tf.matMul(a, b).dispose();
        await tf.sync();
      }, c.plan);
      push('tfjs-webgpu', t.ms, t.samples);
      a.dispose();
      b.dispose();
    }
  }
  return records;
}
