// Attention forward and forward+backward ms at B=8, H=12, N=197, d=64: our fused kernel vs TF.js's
// composite (webgpu, and wasm through runTfAttention). Cases are named `forward B=8 H=12 N=197 d=64`
// and `forward+backward …`, as the native bench and torch_bench.py name them.
import { Generator, rand, scaledDotProductAttention, tidy, type Tensor } from '@crossmodal/tensor';
import type { WebGpuBackend } from '../src/webgpu-backend.ts';
import { measure, type BenchRecord, type SamplePlan } from './harness.ts';
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import type { TfRuntime, TfWebGpu } from './tfjs.ts';

const [B, H, N, D] = [8, 12, 197, 64];
const CASE = `B=${B} H=${H} N=${N} d=${D}`;
const PLAN: SamplePlan = { warmup: 1, samples: 5, minSampleSeconds: 0 };

/** Ours: forward = scaledDotProductAttention; backward = autograd of sum(out·w), then sync. */
async function ours(backend: WebGpuBackend, record: (pass: string, ms: number) => void): Promise<void> {
  const g = new Generator(3);
  const [q, k, v, w] = [0, 1, 2, 3].map(() => rand([B, H, N, D], { backend, generator: g })) as [Tensor, Tensor, Tensor, Tensor];
  const fwd = await measure(async () => {
    scaledDotProductAttention(q, k, v).out.dispose();
    await backend.sync();
  }, PLAN);
  record('forward', fwd.ms);
  for (const t of [q, k, v]) t.requiresGrad = true;
  const clearGrads = (): void => {
    for (const t of [q, k, v]) {
      t.grad?.dispose();
      t.grad = null;
    }
  };
  const both = await measure(async () => {
    clearGrads();
    tidy(() => scaledDotProductAttention(q, k, v).out.mul(w).sum().backward());
    await backend.sync();
  }, PLAN);
  record('forward+backward', both.ms);
  clearGrads();
  for (const t of [q, k, v, w]) t.dispose();
}

/**
 * TF.js: matMul, softmax, matMul (its composite; TF.js has no fused attention); forward+backward is
 * tf.grads of sum(out·w) with respect to q, k and v, as ours and PyTorch's columns compute it.
 */
async function theirs(rt: TfRuntime, plan: SamplePlan, record: (pass: string, ms: number) => void): Promise<void> {
  await rt.activate();
  const { tf, sync } = rt;
  const [q, k, v, w] = [1, 2, 3, 4].map((seed) => tf.randomUniform([B, H, N, D], 0, 1, 'float32', seed)) as [TfTensor, TfTensor, TfTensor, TfTensor];
  const attend = (q: TfTensor, k: TfTensor, v: TfTensor): TfTensor => tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D))), v);
  const fwd = await measure(async () => {
    tf.tidy(() => attend(q, k, v)).dispose();
    await sync();
  }, plan);
  record('forward', fwd.ms);
  const grads = tf.grads((q: TfTensor, k: TfTensor, v: TfTensor) => tf.sum(tf.mul(attend(q, k, v), w)));
  const both = await measure(async () => {
    tf.dispose(grads([q, k, v]));
    await sync();
  }, plan);
  record('forward+backward', both.ms);
  tf.dispose([q, k, v, w]);
}

const recorder = (records: BenchRecord[], framework: string, samples: number) => (pass: string, ms: number): void => {
  records.push({ suite: 'attention', case: `${pass} ${CASE}`, framework, metric: 'ms', value: ms });
  console.log(`attention ${pass} ${CASE} ${framework}: ${ms.toFixed(1)} ms (median of ${samples})`);
};

/** Runs ours and (when given) TF.js webgpu; prints a line per figure and returns the records. */
export async function runAttention(backend: WebGpuBackend, tf: TfWebGpu | undefined): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  await ours(backend, recorder(records, 'crossmodal', PLAN.samples));
  if (tf) await theirs(tf, PLAN, recorder(records, tf.framework, PLAN.samples));
  return records;
}

/** TF.js's attention on `rt` alone (the wasm column), sampled by `plan`. */
export async function runTfAttention(rt: TfRuntime, plan: SamplePlan): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  await theirs(rt, plan, recorder(records, rt.framework, plan.samples));
  return records;
}
