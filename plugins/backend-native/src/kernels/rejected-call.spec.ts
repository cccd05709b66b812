// A rejected native kernel call leaves NativeBackend.memory() as it was: checks that need no output
// run before the outputs are allocated, and outputs allocated before an addon call that throws are
// released. Every kernel runs once against an addon whose every function throws; then real calls
// that the kernels' own size checks reject.
import { describe, expect, it } from 'vitest';
import {
  Abs, AdamStep, Add, ArgMax, ArgMin, Attention, AttentionGrad, Cast, Clone, Concat, Div, Dropout, Equal, Erf, Exp, Expand, Gather, Gelu, GeluGrad,
  Greater, LayerNorm, LayerNormGrad, Less, Log, LogSoftmax, MatMul, Max, Maximum, Min, Minimum, Mul, Neg, OneHot, Pad, Permute, Pow, Relu, Rsqrt,
  runOp, runOpMulti, ScatterAdd, Sigmoid, Sign, Slice, Softmax, SoftmaxGrad, Sqrt, Sub, Sum, Tanh, tensor, Where, type Tensor,
} from '@crossmodal/tensor';
import type { NativeAddon } from '../addon/types.ts';
import { NativeBackend } from '../native-backend.ts';
import { testBackend } from '../testing.ts';
import { nativeKernels } from './index.ts';

/** An addon whose every function throws, as its own argument checks would. */
const refusing = new Proxy({} as NativeAddon, {
  get: (_, name) => () => {
    throw new Error(`addon ${String(name)} refused the call`);
  },
});

type Make = { f: (...shape: number[]) => Tensor; i: (...shape: number[]) => Tensor };

const attn = { scale: 1, causal: false, dropoutP: 0, seed: 1 };
const adam = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1, decoupled: true, amsgrad: false };
const unary = (op: typeof Exp) => ({ f }: Make) => () => runOp(op, { x: f(2, 3) }, {});
const binary = (op: typeof Add) => ({ f }: Make) => () => runOp(op, { a: f(2, 3), b: f(3) }, {});

/** One valid call of every native kernel, by op name (the call makes its inputs). */
const calls: Record<string, (m: Make) => () => unknown> = {
  ...Object.fromEntries([Neg, Exp, Log, Sqrt, Rsqrt, Abs, Sign, Tanh, Sigmoid, Relu, Erf, Clone].map((op) => [op.name, unary(op)])),
  ...Object.fromEntries([Add, Sub, Mul, Div, Pow, Maximum, Minimum, Equal, Greater, Less].map((op) => [op.name, binary(op)])),
  Gelu: ({ f }) => () => runOp(Gelu, { x: f(4) }, { approximate: 'tanh' }),
  GeluGrad: ({ f }) => () => runOp(GeluGrad, { x: f(4), dy: f(4) }, { approximate: 'none' }),
  Cast: ({ f }) => () => runOp(Cast, { x: f(4) }, { dtype: 'int32' }),
  Dropout: ({ f }) => () => runOp(Dropout, { x: f(4) }, { p: 0.5, seed: 3 }),
  Where: ({ f }) => () => runOp(Where, { cond: f(2, 1), a: f(2, 3), b: f(3) }, {}),
  MatMul: ({ f }) => () => runOp(MatMul, { a: f(2, 3), b: f(3, 4) }, { transA: false, transB: false }),
  Sum: ({ f }) => () => runOp(Sum, { x: f(2, 3) }, { axes: [1], keepDim: false }),
  Max: ({ f }) => () => runOp(Max, { x: f(2, 3) }, { axes: [0], keepDim: true }),
  Min: ({ f }) => () => runOp(Min, { x: f(2, 3) }, { axes: [0, 1], keepDim: false }),
  ArgMax: ({ f }) => () => runOp(ArgMax, { x: f(2, 3) }, { axis: 1, keepDim: false }),
  ArgMin: ({ f }) => () => runOp(ArgMin, { x: f(2, 3) }, { axis: 0, keepDim: false }),
  Permute: ({ f }) => () => runOp(Permute, { x: f(2, 3) }, { axes: [1, 0] }),
  Expand: ({ f }) => () => runOp(Expand, { x: f(1, 3) }, { shape: [4, 3] }),
  Slice: ({ f }) => () => runOp(Slice, { x: f(4, 3) }, { begin: [1, 0], end: [3, 2] }),
  Pad: ({ f }) => () => runOp(Pad, { x: f(2, 3) }, { pads: [[1, 0], [0, 2]], value: 5 }),
  Concat: ({ f }) => () => runOp(Concat, { xs: [f(2, 3), f(1, 3)] }, { axis: 0 }),
  Gather: ({ f, i }) => () => runOp(Gather, { x: f(3, 2), indices: i(4) }, { axis: 0 }),
  ScatterAdd: ({ f, i }) => () => runOp(ScatterAdd, { base: f(3, 2), indices: i(4), src: f(4, 2) }, { axis: 0 }),
  OneHot: ({ i }) => () => runOp(OneHot, { indices: i(4) }, { depth: 3 }),
  Softmax: ({ f }) => () => runOp(Softmax, { x: f(2, 3) }, { axis: 1 }),
  LogSoftmax: ({ f }) => () => runOp(LogSoftmax, { x: f(2, 3) }, { axis: 0 }),
  SoftmaxGrad: ({ f }) => () => runOp(SoftmaxGrad, { y: f(2, 3), dy: f(2, 3) }, { axis: 1 }),
  LayerNorm: ({ f }) => () => runOpMulti(LayerNorm, { x: f(2, 4), weight: f(4), bias: f(4) }, { eps: 1e-5 }),
  LayerNormGrad: ({ f }) => () =>
    runOpMulti(LayerNormGrad, { dy: f(2, 4), x: f(2, 4), mean: f(2), rstd: f(2), weight: f(4) }, { dx: true, dweight: true, dbias: true }),
  Attention: ({ f }) => () => runOpMulti(Attention, { q: f(2, 3, 4), k: f(2, 5, 4), v: f(2, 5, 4) }, { ...attn, returnProbs: true }),
  AttentionGrad: ({ f }) => () =>
    runOpMulti(AttentionGrad, { q: f(2, 3, 4), k: f(2, 5, 4), v: f(2, 5, 4), dOut: f(2, 3, 4), mask: f(3, 5) }, { ...attn, dq: true, dk: true, dv: true, dmask: true }),
  AdamStep: ({ f }) => () =>
    runOpMulti(AdamStep, { param: f(5), grad: f(5), expAvg: f(5), expAvgSq: f(5), maxExpAvgSq: f(5) }, { ...adam, amsgrad: true }),
};

/** Live storages and bytes (the reuse cache may grow: released outputs go there). */
const live = (be: NativeBackend) => ({ storages: be.memory().storages, bytes: be.memory().bytes });

describe('native kernels whose addon call throws', () => {
  const be = new NativeBackend(refusing, nativeKernels);

  it('cover every native kernel', () => {
    expect(Object.keys(calls).sort()).toEqual(nativeKernels.map((k) => k.op.name).sort());
  });

  it.each(Object.keys(calls))('%s releases the outputs it allocated', (name) => {
    const made: Tensor[] = [];
    const keep = (t: Tensor) => (made.push(t), t);
    const make: Make = {
      f: (...shape) => keep(tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5), shape, { backend: be })),
      i: (...shape) => keep(tensor(new Int32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape, { dtype: 'int32', backend: be })),
    };
    const before = live(be);
    // The kernel gets as far as the addon, so its outputs exist when the call throws.
    expect(calls[name]!(make)).toThrow(/refused the call/);
    expect(made.length).toBeGreaterThan(0);
    for (const t of made) t.dispose();
    expect(live(be)).toEqual(before);
  });
});

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;

describe.skipIf(!native)('native kernels rejecting a call before the addon runs', () => {
  it('Attention over 2^32 scores throws before allocating its output', () => {
    // 2^16 queries and keys of width 1: 256 KiB each, but 2^32 scores, past the addon's 32-bit offsets.
    const [q, k, v] = [0, 1, 2].map(() => tensor(new Float32Array(2 ** 16), [2 ** 16, 1], { backend: native! }));
    const before = live(native!);
    expect(() => runOpMulti(Attention, { q: q!, k: k!, v: v! }, { ...attn, returnProbs: false })).toThrow(
      "native Attention: 4294967296 elements exceed the native backend's 2^31 - 1 element limit",
    );
    expect(live(native!)).toEqual(before);
    for (const t of [q, k, v]) t!.dispose();
  });

  it('Softmax along an axis the input lacks throws before allocating its output', () => {
    // The engine normalises the axis first; a caller of the kernel itself may pass a bad one.
    const x = native!.upload(new Float32Array(6));
    const before = live(native!);
    const kernel = native!.kernels.get('Softmax')!;
    const run = () => (kernel.run as (...a: unknown[]) => unknown)(native, { x: { storage: x, shape: [2, 3], dtype: 'float32', size: 6 } }, { axis: 5 }, {});
    expect(run).toThrow(/Softmax/);
    expect(live(native!)).toEqual(before);
    native!.release(x);
  });
});
