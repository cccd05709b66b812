// The backend conformance suite: every op of the engine, forward and gradients, on shapes that are
// not multiples of any tile, broadcast and batched, with masks. Each backend plugin runs it against
// the CPU oracle; the tensor package runs it against a composite-only backend.
import type { Tensor } from '../tensor.ts';
import * as ops from '../ops/index.ts';
import { full, tensor } from '../creation.ts';
import type { AnyOpDef } from '../op.ts';
import type { Backend } from '../backend.ts';
import type { InputSpec, ParityResult } from './parity.ts';

/** One conformance case: the ops it exercises, its inputs, the function and its tolerances. */
export interface ConformanceCase {
  readonly name: string;
  /** Op names this case runs (forward, and through backward their gradient ops). */
  readonly ops: readonly string[];
  readonly inputs: readonly InputSpec[];
  readonly run: (...xs: Tensor[]) => ParityResult;
  readonly atol?: number;
  readonly rtol?: number;
}

const f = (...shape: number[]): InputSpec => ({ shape });
const pos = (...shape: number[]): InputSpec => ({ shape, low: 0.5, high: 2 });
const int = (high: number, ...shape: number[]): InputSpec => ({ shape, kind: 'int', low: 0, high });
/** Inputs of the non-differentiable AdamStep: no gradient check; second moments non-negative. */
const nog = (...shape: number[]): InputSpec => ({ shape, grad: false });
const nogPos = (...shape: number[]): InputSpec => ({ shape, low: 0, high: 2, grad: false });
const ADAM = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 3 } as const;
const adamOut = (r: ops.AdamStepResult): ParityResult => ({ out: r.param, expAvg: r.expAvg, expAvgSq: r.expAvgSq, maxExpAvgSq: r.maxExpAvgSq });
const c = (name: string, opNames: string[], inputs: InputSpec[], run: ConformanceCase['run'], tol: { atol?: number; rtol?: number } = {}): ConformanceCase => ({
  name, ops: opNames, inputs, run, ...tol,
});

/** Every case; names are unique. */
export const conformanceCases: readonly ConformanceCase[] = [
  c('add broadcast', ['Add'], [f(3, 1, 5), f(4, 1)], (a, b) => ops.add(a!, b!)),
  c('sub', ['Sub'], [f(7, 3), f(3)], (a, b) => ops.sub(a!, b!)),
  c('mul broadcast both', ['Mul'], [f(2, 1, 3), f(1, 4, 1)], (a, b) => ops.mul(a!, b!)),
  c('div', ['Div'], [f(5, 3), pos(5, 1)], (a, b) => ops.div(a!, b!)),
  c('pow', ['Pow'], [pos(4, 3), f(3)], (a, b) => ops.pow(a!, b!), { rtol: 1e-4 }),
  c('maximum minimum', ['Maximum', 'Minimum'], [f(6, 5), f(5)], (a, b) => ops.maximum(a!, b!).add(ops.minimum(a!, b!).mul(0.5))),
  c('comparisons where', ['Equal', 'Greater', 'Less', 'Where'], [f(4, 6), f(6)], (a, b) =>
    ops.where(ops.greater(a!, b!), a!, ops.where(ops.less(a!, 0), b!.mul(2), ops.cast(ops.equal(a!, a!), 'float32')))),
  c('unary chain', ['Neg', 'Exp', 'Tanh', 'Sigmoid', 'Abs', 'Sign'], [f(3, 17)], (x) => ops.neg(ops.exp(ops.tanh(x!))).add(ops.sigmoid(x!)).add(ops.abs(x!))),
  c('log sqrt rsqrt', ['Log', 'Sqrt', 'Rsqrt'], [pos(9, 5)], (x) => ops.log(x!).add(ops.sqrt(x!)).add(ops.rsqrt(x!))),
  c('relu erf', ['Relu', 'Erf'], [f(33)], (x) => ops.relu(x!).add(ops.erf(x!))),
  // NaN and ±∞ go through every unary op, forward and backward, as the CPU oracle has them
  // (Relu(NaN) = NaN, exp(−∞) = 0, tanh(±∞) = ±1, ...): x · 0 + specials keeps x on the tape.
  // These follow PyTorch except on purpose at NaN: PyTorch 1.13 gives sign(NaN) = 0 and abs'(NaN) = 0,
  // where we propagate the NaN (Sign(NaN) = NaN, so abs'(NaN) = NaN) rather than hide it.
  c('non-finite values through unary ops', ['Neg', 'Exp', 'Log', 'Sqrt', 'Rsqrt', 'Abs', 'Sign', 'Tanh', 'Sigmoid', 'Relu', 'Erf', 'Gelu', 'GeluGrad'], [f(10)], (x) => {
    const specials = tensor([Number.NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 89, -104, 0.5], [10], { backend: x!.backend });
    const s = x!.mul(0).add(specials);
    const a = ops.abs(s);
    return ops.concat([ops.neg(s), ops.exp(s), ops.log(a), ops.sqrt(a), ops.rsqrt(a), a, ops.sign(s), ops.tanh(s), ops.sigmoid(s),
      ops.relu(s), ops.erf(s), ops.gelu(s), ops.gelu(s, 'tanh')], 0);
  }),
  c('gelu exact', ['Gelu', 'GeluGrad'], [f(5, 13)], (x) => ops.gelu(x!)),
  c('gelu tanh', ['Gelu', 'GeluGrad'], [f(5, 13)], (x) => ops.gelu(x!, 'tanh')),
  c('cast clone', ['Cast', 'Clone'], [f(4, 4)], (x) => ops.clone(x!).add(ops.cast(ops.cast(x!.mul(3), 'int32'), 'float32'))),
  c('sum axes keepdim', ['Sum'], [f(3, 5, 7)], (x) => ops.sum(x!, [0, 2], true)),
  c('mean all', ['Sum'], [f(4, 9)], (x) => ops.mean(x!)),
  c('max min axes', ['Max', 'Min'], [f(5, 6, 3)], (x) => ops.max(x!, 1).add(ops.min(x!, 1))),
  c('argmax argmin', ['ArgMax', 'ArgMin'], [f(5, 7)], (x) => ops.cast(ops.argmax(x!, 1, true), 'float32').add(ops.cast(ops.argmin(x!, 0, true), 'float32'))),
  c('reshape permute', ['Reshape', 'Permute'], [f(2, 3, 4, 5)], (x) => ops.permute(ops.reshape(x!, [6, 4, 5]), [2, 0, 1])),
  c('expand', ['Expand'], [f(3, 1, 5)], (x) => ops.expand(x!, [2, 3, 4, 5])),
  c('matmul square', ['MatMul'], [f(17, 19), f(19, 13)], (a, b) => ops.matmul(a!, b!)),
  c('matmul batched broadcast', ['MatMul'], [f(2, 1, 5, 7), f(3, 7, 6)], (a, b) => ops.matmul(a!, b!)),
  c('matmul transA', ['MatMul'], [f(2, 7, 5), f(2, 7, 3)], (a, b) => ops.matmul(a!, b!, { transA: true })),
  c('matmul transB', ['MatMul'], [f(2, 5, 7), f(3, 7)], (a, b) => ops.matmul(a!, b!, { transB: true })),
  c('matmul transA transB', ['MatMul'], [f(7, 5), f(3, 7)], (a, b) => ops.matmul(a!, b!, { transA: true, transB: true })),
  c('slice', ['Slice'], [f(5, 7, 3)], (x) => ops.slice(x!, [1, -5], [4, 6])),
  c('pad', ['Pad'], [f(3, 4)], (x) => ops.pad(x!, [[1, 2], [0, 3]], 0.5)),
  c('concat stack', ['Concat'], [f(2, 3), f(2, 5), f(2, 3)], (a, b, d) => ops.concat([a!, b!, ops.stack([a!, d!], 2).reshape([2, 6])], 1)),
  c('gather embedding', ['Gather', 'ScatterAdd'], [f(11, 6), int(11, 3, 4)], (x, i) => ops.gather(x!, i!, 0)),
  c('gather axis 1', ['Gather', 'ScatterAdd'], [f(3, 8, 2), int(8, 5)], (x, i) => ops.gather(x!, i!, 1)),
  c('scatterAdd repeated', ['ScatterAdd', 'Gather'], [f(6, 3), int(6, 9), f(9, 3)], (b, i, s) => ops.scatterAdd(b!, i!, s!, 0)),
  c('oneHot', ['OneHot'], [int(7, 4, 3), f(4, 3, 7)], (i, x) => ops.oneHot(i!, 7).mul(x!)),
  c('softmax', ['Softmax', 'SoftmaxGrad'], [f(6, 37)], (x) => ops.softmax(x!.mul(4), -1)),
  c('softmax middle axis', ['Softmax', 'SoftmaxGrad'], [f(3, 9, 4)], (x) => ops.softmax(x!, 1)),
  c('logSoftmax', ['LogSoftmax'], [f(5, 21)], (x) => ops.logSoftmax(x!.mul(3), -1)),
  c('layerNorm affine', ['LayerNorm', 'LayerNormGrad'], [f(2, 5, 24), f(24), f(24)], (x, w, b) => ops.layerNorm(x!, w!, b!, 1e-5), { atol: 1e-4, rtol: 1e-4 }),
  c('layerNorm plain', ['LayerNorm', 'LayerNormGrad'], [f(7, 10)], (x) => ops.layerNorm(x!, undefined, undefined, 1e-6), { atol: 1e-4, rtol: 1e-4 }),
  // LayerNorm's ε. Constant rows (small integers, D = 32: the mean is exact) have zero variance, so
  // out = bias and rstd = 1/√ε; rows of variance ≈ 1.3e-6 against ε = 1e-5 shrink x̂ about 3-fold,
  // so a backend that drops or misplaces ε misses by far more than the tolerance. Both compare the
  // statistics too; ε = 1e-3 in the first catches one hard-coded to the default.
  c('layerNorm eps constant rows', ['LayerNorm', 'LayerNormGrad'], [{ shape: [6, 1], kind: 'int', low: -3, high: 4 }, f(32), f(32)], (i, w, b) =>
    ops.layerNormWithStats(ops.expand(ops.cast(i!, 'float32'), [6, 32]), w!, b!, 1e-3)),
  c('layerNorm eps low-variance rows', ['LayerNorm', 'LayerNormGrad'], [f(5, 24), f(24), f(24)], (x, w, b) =>
    ops.layerNormWithStats(x!.mul(1e-3), w!, b!, 1e-5), { atol: 1e-4, rtol: 1e-4 }),
  c('dropout', ['Dropout'], [f(8, 33)], (x) => ops.dropout(x!, 0.3, { seed: 1234 })),
  c('attention self', ['Attention', 'AttentionGrad'], [f(2, 3, 9, 8), f(2, 3, 9, 8), f(2, 3, 9, 8)], (q, k, v) => ops.scaledDotProductAttention(q!, k!, v!), { atol: 1e-4, rtol: 1e-4 }),
  // The key-padding mask keeps key 0 of every row (a fully masked row is tested in the op's spec).
  c('attention cross key-padding probs', ['Attention', 'AttentionGrad'], [f(2, 2, 5, 8), f(2, 2, 7, 8), f(2, 2, 7, 3), int(2, 2, 1, 1, 6)], (q, k, v, m) =>
    ops.scaledDotProductAttention(q!, k!, v!, { mask: ops.concat([full([2, 1, 1, 1], 1, { dtype: 'int32', backend: m!.backend }), m!], 3), returnProbs: true }), { atol: 1e-4, rtol: 1e-4 }),
  c('attention causal additive mask dropout', ['Attention', 'AttentionGrad', 'Dropout'], [f(1, 2, 6, 4), f(1, 2, 6, 4), f(1, 2, 6, 4), f(6, 6)], (q, k, v, m) =>
    ops.scaledDotProductAttention(q!, k!, v!, { mask: m!, causal: true, dropoutP: 0.2, seed: 99 }), { atol: 1e-4, rtol: 1e-4 }),
  c('crossEntropy smoothing ignore', ['LogSoftmax', 'Equal'], [f(6, 5), int(5, 6)], (x, t) =>
    ops.crossEntropy(x!, ops.where(ops.equal(t!, 2), -100, t!), { labelSmoothing: 0.1, ignoreIndex: -100 })),
  c('adamW step', ['AdamStep'], [nog(5, 7), nog(5, 7), nog(5, 7), nogPos(5, 7)], (p, g, m, v) =>
    adamOut(ops.adamStep({ param: p!, grad: g!, expAvg: m!, expAvgSq: v! }, { ...ADAM, weightDecay: 0.1, decoupled: true, amsgrad: false }))),
  c('adam L2 amsgrad step', ['AdamStep'], [nog(3, 11), nog(3, 11), nog(3, 11), nogPos(3, 11), nogPos(3, 11)], (p, g, m, v, vmax) =>
    adamOut(ops.adamStep({ param: p!, grad: g!, expAvg: m!, expAvgSq: v!, maxExpAvgSq: vmax! }, { ...ADAM, weightDecay: 0.05, decoupled: false, amsgrad: true, maximize: true }))),
  c('binaryCrossEntropyWithLogits', ['Sigmoid'], [f(4, 7), { shape: [4, 7], low: 0, high: 1, grad: false }], (x, y) => ops.binaryCrossEntropyWithLogits(x!.mul(3), y!)),
];

/** Every op definition the engine exports, by name (what a backend's kernel table is measured against). */
export const allOps: ReadonlyMap<string, AnyOpDef> = new Map(
  Object.values(ops)
    .filter((v): v is AnyOpDef & typeof v => typeof v === 'object' && v !== null && 'inferShape' in v && 'name' in v && 'inputs' in v)
    .map((op) => [op.name, op]),
);

/** Ops a backend has no kernel for (they run their composite there), sorted; aliases need none. */
export const opsWithoutKernel = (backend: Backend): string[] =>
  [...allOps.values()].filter((op) => !op.alias && !backend.kernels.has(op.name)).map((op) => op.name).sort();
