// The native backend's bench suites: matmul GFLOP/s (with OpenBLAS called straight from C++ as
// the baseline column), attention forward / forward+backward, and the bench-ViT training step.
// Records use the suite/case/metric names every framework's bench uses, so one table joins them.
import { Generator, matmul, rand, scaledDotProductAttention, tidy, type Tensor } from '@crossmodal/tensor';
import { BENCH_VIT, measure, vitStepMs, type BenchRecord, type SamplePlan } from '@crossmodal/bench';
import type { NativeBackend } from '../src/native-backend.ts';

/** Framework names of this suite's records. */
export const NATIVE_FW = 'crossmodal-native';
export const OPENBLAS_C_FW = 'openblas-from-c';

/** The matmul cases shared by every framework: [case, batch, m, k, n]. */
export function benchMatmulCases(quick: boolean): readonly (readonly [string, number, number, number, number])[] {
  return [
    ...(quick ? [256, 512, 1024] : [256, 512, 1024, 2048]).map((n) => [`${n}³`, 1, n, n, n] as const),
    ['1576×768·768×3072', 1, 1576, 768, 3072],
    ['96×(197×64·64×197)', 96, 197, 64, 197],
  ];
}

/** The attention shape of the bench: B=8, H=12, N=197, d=64. */
export const ATTENTION = { B: 8, H: 12, N: 197, d: 64 } as const;
export const ATTENTION_CASE = `B=${ATTENTION.B} H=${ATTENTION.H} N=${ATTENTION.N} d=${ATTENTION.d}`;

const log = (line: string): void => console.log(line);

/** Matmul on the native backend and OpenBLAS from C++, same shapes, same threads. */
export async function runNativeMatmul(backend: NativeBackend, quick: boolean): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  const g = new Generator(1);
  for (const [name, batch, m, k, n] of benchMatmulCases(quick)) {
    const flops = 2 * batch * m * n * k;
    const a = rand(batch > 1 ? [batch, m, k] : [m, k], { backend, generator: g });
    const b = rand(batch > 1 ? [batch, k, n] : [k, n], { backend, generator: g });
    const t = await measure(async () => matmul(a, b).dispose(), { warmup: 2, samples: 5, minSampleSeconds: 0.2 });
    const reps = Math.max(1, Math.ceil(200 / Math.max(t.ms, 0.01)));
    const c = [0, 1, 2, 3, 4].map(() => backend.addon.sgemmReference(batch, m, n, k, reps)).sort((x, y) => x - y)[2]!;
    for (const [fw, ms] of [[NATIVE_FW, t.ms], [OPENBLAS_C_FW, c]] as const) {
      records.push({ suite: 'matmul', case: name, framework: fw, metric: 'ms', value: ms });
      records.push({ suite: 'matmul', case: name, framework: fw, metric: 'GFLOP/s', value: flops / ms / 1e6 });
    }
    log(`matmul ${name}: native ${(flops / t.ms / 1e6).toFixed(1)} GFLOP/s, OpenBLAS from C ${(flops / c / 1e6).toFixed(1)} GFLOP/s`);
    a.dispose();
    b.dispose();
  }
  return records;
}

/** Fused attention forward, and forward+backward of sum(out·w), on the native backend. */
export async function runNativeAttention(backend: NativeBackend): Promise<BenchRecord[]> {
  const { B, H, N, d } = ATTENTION;
  const plan: SamplePlan = { warmup: 2, samples: 5, minSampleSeconds: 0.2 };
  const g = new Generator(3);
  const [q, k, v, w] = [0, 1, 2, 3].map(() => rand([B, H, N, d], { backend, generator: g })) as [Tensor, Tensor, Tensor, Tensor];
  const fwd = await measure(async () => scaledDotProductAttention(q, k, v).out.dispose(), plan);
  for (const t of [q, k, v]) t.requiresGrad = true;
  const clear = (): void => {
    for (const t of [q, k, v]) {
      t.grad?.dispose();
      t.grad = null;
    }
  };
  const both = await measure(async () => {
    clear();
    tidy(() => scaledDotProductAttention(q, k, v).out.mul(w).sum().backward());
  }, plan);
  clear();
  for (const t of [q, k, v, w]) t.dispose();
  log(`attention ${ATTENTION_CASE}: native forward ${fwd.ms.toFixed(1)} ms, forward+backward ${both.ms.toFixed(1)} ms`);
  return [
    { suite: 'attention', case: `forward ${ATTENTION_CASE}`, framework: NATIVE_FW, metric: 'ms', value: fwd.ms },
    { suite: 'attention', case: `forward+backward ${ATTENTION_CASE}`, framework: NATIVE_FW, metric: 'ms', value: both.ms },
  ];
}

/** The bench-ViT training step (median of `samples` steps after 3 warm-ups) on the native backend. */
export async function runNativeVit(backend: NativeBackend, samples: number): Promise<BenchRecord[]> {
  const ms = await vitStepMs(backend, async () => undefined, { warmup: 3, samples, minSampleSeconds: 0 });
  const c = 'bench ViT, batch 64';
  log(`vit step native: ${ms.toFixed(1)} ms, ${(BENCH_VIT.batch / (ms / 1000)).toFixed(0)} images/s`);
  return [
    { suite: 'vit-step', case: c, framework: NATIVE_FW, metric: 'ms/step', value: ms },
    { suite: 'vit-step', case: c, framework: NATIVE_FW, metric: 'images/s', value: BENCH_VIT.batch / (ms / 1000) },
    { suite: 'vit-step', case: c, framework: NATIVE_FW, metric: 'samples', value: samples },
  ];
}
