// Layer normalisation over the last axis as a fused op that also yields the row mean and 1/σ
// (saved for the backward), with a fusable backward op; both have composites in primitives.
// Paper: https://arxiv.org/abs/1607.06450
import { assertDtype } from '../dtype.ts';
import { defineOp, type TensorMeta } from '../op.ts';
import { fmt, ShapeError, type Shape } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOpMulti } from '../engine.ts';
import { add, mul, sub } from './binary.op.ts';
import { rsqrt } from './unary.op.ts';
import { mean, sum } from './reduce.op.ts';
import { reshape } from './reshape.op.ts';

/** Attrs of LayerNorm: the ε added to the variance. */
export interface LayerNormAttrs {
  readonly eps: number;
}

type LnInputs = { x: Tensor; weight?: Tensor; bias?: Tensor };
type LnMetas = { x: TensorMeta; weight?: TensorMeta; bias?: TensorMeta };

function checkLn(name: string, { x, weight, bias }: LnMetas): number {
  assertDtype(name, x.dtype, ['float32']);
  if (x.shape.length === 0) throw new ShapeError(`${name}: x must have at least one axis, got a scalar`);
  const d = x.shape.at(-1)!;
  for (const [what, t] of [['weight', weight], ['bias', bias]] as const) {
    if (!t) continue;
    assertDtype(`${name} (${what})`, t.dtype, ['float32']);
    if (t.shape.length !== 1 || t.shape[0] !== d) {
      throw new ShapeError(`${name}: ${what} ${fmt(t.shape)} must be [${d}], the last axis of x ${fmt(x.shape)}`);
    }
  }
  return d;
}

/** [..., D] → [..., 1]: the row statistics kept as an axis so they broadcast over the row. */
const asColumn = (t: Tensor, x: Shape): Tensor => reshape(t, [...x.slice(0, -1), 1]);

/**
 * (x − μ)/√(σ² + ε)·weight + bias over the last axis, σ² the biased variance (as PyTorch).
 * Outputs `mean` and `rstd` = 1/√(σ² + ε) have shape x.shape[:-1]; they are auxiliary (no gradient).
 */
export const LayerNorm = defineOp<LnInputs, LayerNormAttrs, 'out' | 'mean' | 'rstd'>({
  name: 'LayerNorm',
  inputs: ['x', 'weight', 'bias'],
  outputs: ['out', 'mean', 'rstd'],
  inferShape(inputs) {
    checkLn('LayerNorm', inputs);
    const stats = inputs.x.shape.slice(0, -1);
    return { out: inputs.x.shape, mean: stats, rstd: stats };
  },
  grad: (dy, { x, weight }, { outputs, needs }) => {
    // One LayerNormGrad serves every input: the engine runs a node's thunks in one scope.
    const want = { dx: needs['x'] === true, dweight: needs['weight'] === true, dbias: needs['bias'] === true };
    let r: { dx?: Tensor; dweight?: Tensor; dbias?: Tensor } | undefined;
    const get = () => (r ??= runOpMulti(LayerNormGrad, { dy, x, mean: outputs.mean!, rstd: outputs.rstd!, weight }, want));
    return { x: () => get().dx!, weight: () => get().dweight!, bias: () => get().dbias! };
  },
  composite: ({ x, weight, bias }, { eps }) => {
    const mu = mean(x, -1, true);
    const xc = sub(x, mu);
    const rstd = rsqrt(add(mean(mul(xc, xc), -1, true), eps));
    let out = mul(xc, rstd);
    if (weight) out = mul(out, weight);
    if (bias) out = add(out, bias);
    const stats = x.shape.slice(0, -1);
    return { out, mean: reshape(mu, stats), rstd: reshape(rstd, stats) };
  },
});

/** Which gradients LayerNormGrad produces (only those of inputs that require grad). */
export interface LayerNormGradAttrs {
  readonly dx: boolean;
  readonly dweight: boolean;
  readonly dbias: boolean;
}

type LnGradInputs = { dy: Tensor; x: Tensor; mean: Tensor; rstd: Tensor; weight?: Tensor };

/**
 * The LayerNorm backward. With x̂ = (x − μ)·rstd and dx̂ = dy·w:
 * dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) (means over the row), dw = Σ dy·x̂ and db = Σ dy
 * (sums over every leading axis). Not differentiable itself.
 */
export const LayerNormGrad = defineOp<LnGradInputs, LayerNormGradAttrs, 'dx' | 'dweight' | 'dbias'>({
  name: 'LayerNormGrad',
  inputs: ['dy', 'x', 'mean', 'rstd', 'weight'],
  outputs: ['dx', 'dweight', 'dbias'],
  inferShape({ dy, x, mean: mu, rstd, weight }, want) {
    const d = checkLn('LayerNormGrad', { x, weight });
    const stats = fmt(x.shape.slice(0, -1));
    if (fmt(dy.shape) !== fmt(x.shape) || fmt(mu.shape) !== stats || fmt(rstd.shape) !== stats) {
      throw new ShapeError(
        `LayerNormGrad: dy ${fmt(dy.shape)}, mean ${fmt(mu.shape)}, rstd ${fmt(rstd.shape)} must be x ${fmt(x.shape)}, ${stats}, ${stats}`,
      );
    }
    return {
      ...(want.dx ? { dx: x.shape } : {}),
      ...(want.dweight ? { dweight: [d] } : {}),
      ...(want.dbias ? { dbias: [d] } : {}),
    };
  },
  composite: ({ dy, x, mean: mu, rstd, weight }, want) => {
    const r = asColumn(rstd, x.shape);
    const xhat = mul(sub(x, asColumn(mu, x.shape)), r);
    const lead = x.shape.slice(0, -1).map((_, i) => i);
    const dxhat = weight ? mul(dy, weight) : dy;
    const dx = want.dx
      ? mul(r, sub(sub(dxhat, mean(dxhat, -1, true)), mul(xhat, mean(mul(dxhat, xhat), -1, true))))
      : undefined;
    return {
      ...(dx ? { dx } : {}),
      ...(want.dweight ? { dweight: sum(mul(dy, xhat), lead) } : {}),
      ...(want.dbias ? { dbias: sum(dy, lead) } : {}),
    };
  },
});

/**
 * Layer normalisation over the last axis: (x − mean)/√(var + eps)·weight + bias with the biased
 * variance, as PyTorch's `F.layer_norm(x, [D], weight, bias, eps)`. `weight` and `bias` are [D].
 * @example
 * const y = layerNorm(x, gamma, beta);            // x [B, T, D], gamma/beta [D] → [B, T, D]
 */
export function layerNorm(x: Tensor, weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor {
  const { out, mean: mu, rstd } = layerNormWithStats(x, weight, bias, eps);
  // The statistics are saved by autograd through its own handles; the user's handles can go.
  mu.dispose();
  rstd.dispose();
  return out;
}

/** LayerNorm's output with its row statistics `mean` and `rstd` (shape x.shape[:-1]); the caller owns all three. */
export function layerNormWithStats(x: Tensor, weight?: Tensor, bias?: Tensor, eps = 1e-5): { out: Tensor; mean: Tensor; rstd: Tensor } {
  if (!(eps >= 0)) throw new RangeError(`layerNorm: eps must be >= 0, got ${eps}`);
  const r = runOpMulti(LayerNorm, { x, weight, bias }, { eps });
  return { out: r.out!, mean: r.mean!, rstd: r.rstd! };
}
