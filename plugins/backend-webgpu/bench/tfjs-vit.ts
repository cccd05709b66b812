// The bench ViT (@crossmodal/bench's BenchVit, torch_bench.py's BenchVit) in TensorFlow.js ops, and
// the timing of one training step: forward, backward (tf.variableGrads), AdamW.
import type * as TfCore from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { BENCH_VIT } from '@crossmodal/bench';
import { measure, type SamplePlan } from './harness.ts';
import type { TfRuntime } from './tfjs.ts';

type Tf = typeof TfCore;
const CFG = BENCH_VIT;
const GRID = CFG.image / CFG.patch; // 7
const TOKENS = GRID * GRID + 1; // 49 patches + class token
const HEAD_DIM = CFG.dim / CFG.heads; // 16
/** AdamW as the other columns run it (torch.optim.AdamW / our AdamW): lr 1e-3, betas 0.9/0.999, eps 1e-8, wd 0.05. */
export const TF_ADAMW = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05 } as const;

/** A linear layer, weight stored [in, out] (TF.js's layout: x·W, no transpose). */
interface Linear { readonly w: Variable; readonly b: Variable }
interface Norm { readonly gamma: Variable; readonly beta: Variable }
interface Block {
  readonly norm1: Norm; readonly q: Linear; readonly k: Linear; readonly v: Linear; readonly proj: Linear;
  readonly norm2: Norm; readonly fc1: Linear; readonly fc2: Linear;
}

/** The bench ViT's parameters as TF.js variables. */
export interface TfBenchVit {
  readonly embed: Linear;
  readonly cls: Variable; // [1, 1, D]
  readonly pos: Variable; // [1, 50, D]
  readonly blocks: readonly Block[];
  readonly norm: Norm;
  readonly head: Linear;
  /** Every variable, for the optimiser and for disposal. */
  readonly variables: readonly Variable[];
}

/** Parameters initialised as torch/ours do: Linear U(±1/√in) for weight and bias, tokens N(0, 0.02) truncated, LN 1/0. */
export function createTfBenchVit(tf: Tf, seed = 0): TfBenchVit {
  const variables: Variable[] = [];
  let s = seed;
  const v = (t: Tensor): Variable => {
    const out = tf.variable(t);
    t.dispose();
    variables.push(out);
    return out;
  };
  const linear = (i: number, o: number): Linear => {
    const bound = 1 / Math.sqrt(i);
    return { w: v(tf.randomUniform([i, o], -bound, bound, 'float32', s++)), b: v(tf.randomUniform([o], -bound, bound, 'float32', s++)) };
  };
  const norm = (): Norm => ({ gamma: v(tf.ones([CFG.dim])), beta: v(tf.zeros([CFG.dim])) });
  const embed = linear(CFG.patch * CFG.patch, CFG.dim);
  const cls = v(tf.truncatedNormal([1, 1, CFG.dim], 0, 0.02, 'float32', s++));
  const pos = v(tf.truncatedNormal([1, TOKENS, CFG.dim], 0, 0.02, 'float32', s++));
  const blocks = Array.from({ length: CFG.depth }, (): Block => ({
    norm1: norm(), q: linear(CFG.dim, CFG.dim), k: linear(CFG.dim, CFG.dim), v: linear(CFG.dim, CFG.dim), proj: linear(CFG.dim, CFG.dim),
    norm2: norm(), fc1: linear(CFG.dim, CFG.mlpDim), fc2: linear(CFG.mlpDim, CFG.dim),
  }));
  return { embed, cls, pos, blocks, norm: norm(), head: linear(CFG.dim, CFG.classes), variables };
}

/** x [..., in] → [..., out] through one 2-D matMul. */
function linear(tf: Tf, x: Tensor, p: Linear): Tensor {
  const [i, o] = p.w.shape as [number, number];
  const lead = x.shape.slice(0, -1);
  return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [-1, i]), p.w), p.b), [...lead, o]);
}

/** Layer norm over the last axis (biased variance, eps inside the root), as torch.nn.LayerNorm. */
function layerNorm(tf: Tf, x: Tensor, p: Norm): Tensor {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, CFG.eps))), p.gamma), p.beta);
}

/** GELU, erf form (torch's default, and ours): x·½(1 + erf(x/√2)). */
function gelu(tf: Tf, x: Tensor): Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** [B, T, D] → [B, H, T, dh] */
const heads = (tf: Tf, x: Tensor, b: number): Tensor => tf.transpose(tf.reshape(x, [b, TOKENS, CFG.heads, HEAD_DIM]), [0, 2, 1, 3]);

/** Pre-norm block: h + attn(LN h), then h + MLP(LN h). */
function block(tf: Tf, h: Tensor, p: Block): Tensor {
  const b = h.shape[0]!;
  const x = layerNorm(tf, h, p.norm1);
  const [q, k, v] = [p.q, p.k, p.v].map((l) => heads(tf, linear(tf, x, l), b)) as [Tensor, Tensor, Tensor]; // [B, H, T, dh]
  const probs = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(HEAD_DIM))); // [B, H, T, T]
  const merged = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [b, TOKENS, CFG.dim]); // [B, T, D]
  const h1 = tf.add(h, linear(tf, merged, p.proj));
  return tf.add(h1, linear(tf, gelu(tf, linear(tf, layerNorm(tf, h1, p.norm2), p.fc1)), p.fc2));
}

/** x [B, 1, 28, 28] → logits [B, 10] */
export function tfBenchVitForward(tf: Tf, m: TfBenchVit, x: Tensor): Tensor {
  const b = x.shape[0]!;
  const patches = tf.reshape(
    tf.transpose(tf.reshape(x, [b, GRID, CFG.patch, GRID, CFG.patch]), [0, 1, 3, 2, 4]), // [B, 7, 7, 4, 4]
    [b, GRID * GRID, CFG.patch * CFG.patch], // [B, 49, 16]
  );
  const cls = tf.broadcastTo(m.cls, [b, 1, CFG.dim]); // [B, 1, D]
  let h = tf.add(tf.concat([cls, linear(tf, patches, m.embed)], 1), m.pos); // [B, 50, D]
  for (const p of m.blocks) h = block(tf, h, p);
  const first = tf.reshape(tf.slice(layerNorm(tf, h, m.norm), [0, 0, 0], [b, 1, CFG.dim]), [b, CFG.dim]); // [B, D]
  return linear(tf, first, m.head); // [B, 10]
}

/** One AdamW training step of the bench ViT on the active TF.js backend. */
export interface TfVitTrainer {
  readonly model: TfBenchVit;
  /** Forward, backward, AdamW update; returns the loss before the update (the caller disposes it). */
  step(): Scalar;
  dispose(): void;
}

/**
 * The bench ViT with its batch (x ~ N(0, 1), labels i mod 10, as vitStepMs) and AdamW. TF.js has no
 * AdamW: tf.train.adam plus decoupled weight decay applied before Adam's update, p ← p·(1 − lr·wd),
 * which is torch.optim.AdamW's order.
 */
export function createTfVitTrainer(tf: Tf, seed = 0): TfVitTrainer {
  const model = createTfBenchVit(tf, seed);
  const x = tf.randomNormal([CFG.batch, 1, CFG.image, CFG.image], 0, 1, 'float32', seed + 1000);
  const labels = tf.tensor1d(Array.from({ length: CFG.batch }, (_, i) => i % CFG.classes), 'int32');
  const onehot = tf.oneHot(labels, CFG.classes);
  labels.dispose();
  const { lr, beta1, beta2, eps, weightDecay } = TF_ADAMW;
  const opt = tf.train.adam(lr, beta1, beta2, eps);
  const vars = [...model.variables];
  return {
    model,
    step() {
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(onehot, tfBenchVitForward(tf, model, x)), vars);
      tf.tidy(() => {
        for (const p of vars) p.assign(tf.mul(p, 1 - lr * weightDecay));
      });
      opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      tf.dispose(grads);
      return value;
    },
    dispose() {
      opt.dispose();
      tf.dispose([x, onehot, ...vars]);
    },
  };
}

/** What a timed run of training steps gives: the median step and the loss of every step run. */
export interface TfVitTiming {
  readonly ms: number;
  /** Losses of the warm-up and timed steps in order (read after timing, so reads cost no step time). */
  readonly losses: readonly number[];
  /** Tensors alive after the run minus before it (0: the step leaks nothing). */
  readonly leaked: number;
}

/** Median ms of `plan.samples` bench-ViT training steps on `rt` after warm-up; each step ends with rt.sync(). */
export async function tfVitStepMs(rt: TfRuntime, plan: SamplePlan): Promise<TfVitTiming> {
  await rt.activate();
  const { tf } = rt;
  const before = tf.memory().numTensors;
  const trainer = createTfVitTrainer(tf);
  const losses: Scalar[] = [];
  const t = await measure(async () => {
    losses.push(trainer.step());
    await rt.sync();
  }, plan);
  const values = await Promise.all(losses.map(async (l) => (await l.data())[0]!));
  tf.dispose(losses);
  trainer.dispose();
  return { ms: t.ms, losses: values, leaked: tf.memory().numTensors - before };
}
