// Loss functions as composites of ops (no new ops): cross-entropy, binary cross-entropy with
// logits and mean squared error, matching PyTorch's F.* semantics (reductions, weights, smoothing).
import { assertDtype } from '../dtype.ts';
import { broadcastShapes, fmt, ShapeError } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { tidy } from '../engine.ts';
import { arange } from '../creation.ts';
import { add, div, equal, greater, less, mul, sub } from './binary.op.ts';
import { cast, exp, log, neg } from './unary.op.ts';
import { mean, sum } from './reduce.op.ts';
import { unsqueeze } from './reshape.op.ts';
import { where } from './where.op.ts';
import { logSoftmax } from './softmax.op.ts';

/** How a loss reduces its per-element values: their mean, their sum, or none (per element). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of `crossEntropy` (PyTorch's `F.cross_entropy`). */
export interface CrossEntropyOptions {
  /** ε in [0, 1]: the loss is (1 − ε)·NLL + ε·mean over classes of −log p. Default 0. */
  labelSmoothing?: number;
  /** Targets equal to this contribute nothing and are not counted by 'mean'. Default −100. */
  ignoreIndex?: number;
  /** Default 'mean': over non-ignored targets, weighted by their class weights. */
  reduction?: Reduction;
  /** Per-class weights [C]. */
  weight?: Tensor;
}

const shapeOf = (t: Tensor): string => fmt(t.shape);

function checkReduction(what: string, r: string): void {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new RangeError(`${what}: reduction must be 'mean', 'sum' or 'none', got '${r}'`);
}

/**
 * Class indices must be in [0, C) or equal ignoreIndex. Where the data is on the host they are
 * checked here (a RangeError naming the first bad one) and this returns true. A backend that cannot
 * read synchronously (WebGPU) gets false: the loss is then made NaN on the device at each
 * out-of-range target (see hardTargets), since such a target would otherwise get a zero one-hot
 * row yet count in the 'mean', a silently low loss.
 */
function checkTargets(target: Tensor, c: number, ignoreIndex: number): boolean {
  if (!target.backend.readSync) return false;
  const data = target.dataSync();
  for (let i = 0; i < data.length; i++) {
    const t = data[i]!;
    if (t !== ignoreIndex && (t < 0 || t >= c)) {
      throw new RangeError(`crossEntropy: target ${t} at flat index ${i} is out of range for ${c} classes (ignoreIndex ${ignoreIndex})`);
    }
  }
  return true;
}

/**
 * Cross-entropy between `logits` [..., C] (classes on the LAST axis; permute PyTorch's [N, C, d…])
 * and `target`, as PyTorch's `F.cross_entropy`:
 * - int32 class indices [...]: NLL of log-softmax, optionally class-weighted; 'mean' divides by
 *   the summed weights of non-ignored targets (their count without weights). NOTE: as in PyTorch,
 *   'mean' over a batch whose targets are all ignored is 0/0 = NaN. A target outside [0, C) that
 *   is not ignoreIndex throws a RangeError where the backend reads synchronously (the CPU oracle,
 *   native); elsewhere (WebGPU) it makes the loss NaN, so the run stops on a non-finite loss.
 * - float32 probabilities [..., C] (soft targets): −Σ_c w_c·t_c·log p_c; 'mean' divides by the
 *   number of samples; `ignoreIndex` does not apply.
 * Label smoothing mixes in the uniform distribution: (1 − ε)·NLL + (ε/C)·Σ_c w_c·(−log p_c).
 * @example
 * const loss = crossEntropy(logits, labels, { labelSmoothing: 0.1 }); // logits [B, C], labels int32 [B]
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const { labelSmoothing = 0, ignoreIndex = -100, reduction = 'mean', weight } = options;
  assertDtype('crossEntropy (logits)', logits.dtype, ['float32']);
  checkReduction('crossEntropy', reduction);
  if (logits.rank === 0) throw new ShapeError('crossEntropy: logits must be [..., C], got a scalar');
  const c = logits.shape.at(-1)!;
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  if (weight && (weight.rank !== 1 || weight.shape[0] !== c)) {
    throw new ShapeError(`crossEntropy: weight ${shapeOf(weight)} must be [${c}] for logits ${shapeOf(logits)}`);
  }
  const opts = { eps: labelSmoothing, ignoreIndex, reduction, weight, c };
  if (target.dtype === 'int32') {
    if (fmt(target.shape) !== fmt(logits.shape.slice(0, -1))) {
      throw new ShapeError(`crossEntropy: class-index target ${shapeOf(target)} must be logits ${shapeOf(logits)} without the last axis`);
    }
    const checked = checkTargets(target, c, ignoreIndex);
    return tidy(() => hardTargets(logits, target, { ...opts, poisonOutOfRange: !checked }));
  }
  if (fmt(target.shape) !== fmt(logits.shape)) {
    throw new ShapeError(`crossEntropy: probability target ${shapeOf(target)} must match logits ${shapeOf(logits)}`);
  }
  return tidy(() => softTargets(logits, target, opts));
}

interface CeOpts {
  readonly eps: number;
  readonly ignoreIndex: number;
  readonly reduction: Reduction;
  readonly weight: Tensor | undefined;
  readonly c: number;
}

function hardTargets(logits: Tensor, target: Tensor, { eps, ignoreIndex, reduction, weight, c, poisonOutOfRange }: CeOpts & { poisonOutOfRange: boolean }): Tensor {
  const logp = logSoftmax(logits, -1); // [..., C]
  const valid = where(equal(target, ignoreIndex), 0, 1); // float32 [...]: 0 for ignored targets
  // One-hot of the target (an out-of-range index, such as −100, gives a zero row), ignored rows zeroed.
  const hit = mul(cast(equal(unsqueeze(target, -1), arange(0, c, 1, { backend: logits.backend })), 'float32'), unsqueeze(valid, -1));
  // where, not mul: a −∞ log-probability of a class that is not the target must not give 0·∞ = NaN.
  const picked = where(hit, logp, 0);
  let nll = neg(sum(weight ? mul(picked, weight) : picked, -1)); // [...]
  if (poisonOutOfRange) {
    // Targets the host could not check: NaN at each one outside [0, C) that is not ignored, so every
    // reduction of the loss is NaN and the run fails loudly instead of training on a low loss.
    const bad = where(equal(target, ignoreIndex), 0, add(less(target, 0), greater(target, c - 1)));
    nll = where(bad, Number.NaN, nll);
  }
  const sampleWeight = weight ? sum(mul(hit, weight), -1) : valid; // w[target], 0 where ignored
  const reduce = (perSample: Tensor): Tensor =>
    reduction === 'none' ? perSample : reduction === 'sum' ? sum(perSample) : div(sum(perSample), sum(sampleWeight));
  if (eps === 0) return reduce(nll);
  const smooth = where(valid, neg(sum(weight ? mul(logp, weight) : logp, -1)), 0);
  return add(mul(reduce(nll), 1 - eps), mul(reduce(smooth), eps / c));
}

function softTargets(logits: Tensor, target: Tensor, { eps, reduction, weight, c }: CeOpts): Tensor {
  const logp = logSoftmax(logits, -1);
  const t = eps > 0 ? add(mul(target, 1 - eps), eps / c) : target;
  const prod = mul(logp, t);
  const perSample = neg(sum(weight ? mul(prod, weight) : prod, -1)); // [...]
  if (reduction === 'none') return perSample;
  return reduction === 'sum' ? sum(perSample) : div(sum(perSample), logits.size / c);
}

/** log σ(x) = −log(1 + e^(−x)) for x ≥ 0 and x − log(1 + eˣ) for x < 0: no overflow, exact gradient at 0. */
function logSigmoid(x: Tensor): Tensor {
  const negative = less(x, 0);
  const lp = log(add(exp(where(negative, x, neg(x))), 1)); // log(1 + e^(−|x|)), by branch
  return where(negative, sub(x, lp), neg(lp));
}

/** Options of `binaryCrossEntropyWithLogits` (PyTorch's `F.binary_cross_entropy_with_logits`). */
export interface BceWithLogitsOptions {
  /** Default 'mean' over every element. */
  reduction?: Reduction;
  /** Weight of positive examples, broadcast over the last axis (per class) or the whole input. */
  posWeight?: Tensor;
  /** Per-element rescaling weight, broadcastable to the input. */
  weight?: Tensor;
}

/**
 * Binary cross-entropy on logits, stable for any |x|: (1 − y)·x − lw·log σ(x) with
 * lw = 1 + (posWeight − 1)·y, which is max(x, 0) − x·y + log(1 + e^(−|x|)) without `posWeight`.
 * `target` holds probabilities in [0, 1] with the shape of `logits`.
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, options: BceWithLogitsOptions = {}): Tensor {
  const { reduction = 'mean', posWeight, weight } = options;
  assertDtype('binaryCrossEntropyWithLogits (logits)', logits.dtype, ['float32']);
  assertDtype('binaryCrossEntropyWithLogits (target)', target.dtype, ['float32']);
  checkReduction('binaryCrossEntropyWithLogits', reduction);
  if (fmt(target.shape) !== fmt(logits.shape)) {
    throw new ShapeError(`binaryCrossEntropyWithLogits: target ${shapeOf(target)} must match logits ${shapeOf(logits)}`);
  }
  // A weight that broadcasts to a bigger shape would silently give a bigger loss (PyTorch rejects it).
  for (const [name, w] of [['weight', weight], ['posWeight', posWeight]] as const) {
    if (w && fmt(broadcastShapes(`binaryCrossEntropyWithLogits (${name})`, logits.shape, w.shape)) !== shapeOf(logits)) {
      throw new ShapeError(`binaryCrossEntropyWithLogits: ${name} ${shapeOf(w)} must broadcast to the logits shape ${shapeOf(logits)}, not enlarge it`);
    }
  }
  return tidy(() => {
    const logSig = logSigmoid(logits);
    const weighted = posWeight ? mul(add(mul(sub(posWeight, 1), target), 1), logSig) : logSig;
    let loss = sub(mul(sub(1, target), logits), weighted);
    if (weight) loss = mul(loss, weight);
    return reduce(loss, reduction);
  });
}

const reduce = (x: Tensor, reduction: Reduction): Tensor => (reduction === 'none' ? x : reduction === 'sum' ? sum(x) : mean(x));

/**
 * Mean squared error (a − b)², reduced as PyTorch's `F.mse_loss`. The shapes must be equal
 * (PyTorch only warns when they broadcast; here it is an error, since it is almost always a bug).
 */
export function mseLoss(a: Tensor, b: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  checkReduction('mseLoss', reduction);
  if (fmt(a.shape) !== fmt(b.shape)) throw new ShapeError(`mseLoss: shapes ${shapeOf(a)} and ${shapeOf(b)} must be equal`);
  return tidy(() => {
    const d = sub(a, b);
    return reduce(mul(d, d), reduction);
  });
}
