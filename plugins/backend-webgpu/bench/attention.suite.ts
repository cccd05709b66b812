// Attention forward and forward+backward ms at B=8, H=12, N=197, d=64: our fused kernel vs TF.js's composite.
import { Generator, rand, scaledDotProductAttention, tidy, type Tensor } from '@crossmodal/tensor';
import type { WebGpuBackend } from '../src/webgpu-backend.ts';
import { measure, type BenchRecord, type SamplePlan } from './harness.ts';
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import type { TfWebGpu } from './tfjs.ts';

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

/** TF.js: matMul, softmax, matMul; the backward of sum(out·w) written out with TF.js ops. */
async function theirs({ tf, sync }: TfWebGpu, record: (pass: string, ms: number) => void): Promise<void> {
  const [q, k, v, w] = [0, 1, 2, 3].map(() => tf.randomUniform([B, H, N, D])) as [TfTensor, TfTensor, TfTensor, TfTensor];
  const attend = (q: TfTensor, k: TfTensor, v: TfTensor): TfTensor =>
    tf.tidy(() => tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D))), v));
  const fwd = await measure(async () => {
    attend(q, k, v).dispose();
    await sync();
  }, PLAN);
  record('forward', fwd.ms);
  // NOTE: tf.grads is not usable here: tfjs-core's Node bundle registers no gradients (the tfjs
  // umbrella package does), and its ESM dist does not load in Node. So the backward is written out
  // with the ops TF.js's own gradient configs dispatch (BatchMatMul ×4, softmax's y·(dy − Σ dy·y)).
  const scale = 1 / Math.sqrt(D);
  const both = await measure(async () => {
    tf.tidy(() => {
      const p = tf.softmax(tf.mul(tf.matMul(q, k, false, true), scale)); // [B, H, N, N]
      const out = tf.matMul(p, v); // the forward output, as tf.grads computes it
      const dO = w; // d sum(out·w) / d out
      const dP = tf.matMul(dO, v, false, true);
      const dV = tf.matMul(p, dO, true, false);
      const dS = tf.mul(tf.mul(p, tf.sub(dP, tf.sum(tf.mul(dP, p), -1, true))), scale);
      const dQ = tf.matMul(dS, k);
      const dK = tf.matMul(dS, q, true, false);
      return [out, dQ, dK, dV];
    });
    await sync();
  }, PLAN);
  record('forward+backward', both.ms);
  for (const t of [q, k, v, w]) t.dispose();
}

/** Runs both frameworks; prints a line per figure and returns the records. */
export async function runAttention(backend: WebGpuBackend, tf: TfWebGpu | undefined): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  const recorder = (framework: string) => (pass: string, ms: number): void => {
    records.push({ suite: 'attention', case: `${CASE} ${pass}`, framework, metric: 'ms', value: ms });
    console.log(`attention ${pass} ${framework}: ${ms.toFixed(1)} ms (median of ${PLAN.samples})`);
  };
  await ours(backend, recorder('crossmodal'));
  if (tf) await theirs(tf, recorder('tfjs-webgpu'));
  return records;
}
