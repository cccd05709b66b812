// Elementwise unary ops. Each gradient is written with other ops; where a rule reuses the output
// (exp, tanh, sigmoid, sqrt) it reads the saved output instead of recomputing.
import { assertDtype, type DType } from '../dtype.ts';
import { defineOp, type OpDef } from '../op.ts';
import type { Tensor } from '../tensor.ts';
import { runOp } from '../engine.ts';
import { add, div, greater, mul, sub } from './binary.op.ts';
import { where } from './where.op.ts';

type Unary = { x: Tensor };
type Grad = NonNullable<OpDef<Unary>['grad']>;

function unary(name: string, grad: Grad | undefined, dtypes: readonly DType[] = ['float32']): OpDef<Unary> {
  return defineOp<Unary>({
    name,
    inputs: ['x'],
    inferShape({ x }) {
      assertDtype(name, x.dtype, dtypes);
      return x.shape;
    },
    ...(grad ? { grad } : {}),
  });
}

/** −x */
export const Neg = unary('Neg', (dy) => ({ x: () => neg(dy) }), ['float32', 'int32']);
/** eˣ */
export const Exp = unary('Exp', (dy, _, { out }) => ({ x: () => mul(dy, out) }));
/** ln x */
export const Log = unary('Log', (dy, { x }) => ({ x: () => div(dy, x) }));
/** √x */
export const Sqrt = unary('Sqrt', (dy, _, { out }) => ({ x: () => div(dy, mul(out, 2)) }));
/** 1/√x; y = x^−½ ⇒ dx = −½·dy·y/x */
export const Rsqrt = unary('Rsqrt', (dy, { x }, { out }) => ({ x: () => mul(dy, div(mul(out, -0.5), x)) }));
/**
 * |x|; the gradient at 0 is 0.
 * NOTE: the gradient is dy·sign(x), so it is NaN at x = NaN, where PyTorch 1.13 gives 0: we
 * propagate the NaN on purpose (no silent NaN).
 */
export const Abs = unary('Abs', (dy, { x }) => ({ x: () => mul(dy, sign(x)) }), ['float32', 'int32']);
/**
 * sign(x) ∈ {−1, 0, 1} (no gradient).
 * NOTE: sign(NaN) = NaN here, where PyTorch 1.13 gives 0: we propagate the NaN on purpose, so a
 * NaN input is never silently turned into a number (every backend kernel must do the same).
 */
export const Sign = unary('Sign', undefined, ['float32', 'int32']);
/** tanh x; dx = dy·(1 − y²) */
export const Tanh = unary('Tanh', (dy, _, { out }) => ({ x: () => mul(dy, sub(1, mul(out, out))) }));
/** 1/(1 + e⁻ˣ), computed without overflow for large |x|; dx = dy·y·(1 − y) */
export const Sigmoid = unary('Sigmoid', (dy, _, { out }) => ({ x: () => mul(dy, mul(out, sub(1, out))) }));
/** max(x, 0). NOTE: the gradient at exactly 0 is 0, as in PyTorch. */
export const Relu = unary('Relu', (dy, { x }) => ({ x: () => where(greater(x, 0), dy, 0) }));
/** The error function; dx = dy·(2/√π)·e^(−x²) */
export const Erf = unary('Erf', (dy, { x }) => ({ x: () => mul(dy, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI))) }));
/** A copy into new storage; the identity for gradients. */
export const Clone = unary('Clone', (dy) => ({ x: () => dy }), ['float32', 'int32']);

/** Attrs of GELU: the exact (erf) form of BERT/ViT, or the tanh approximation of GPT-2. */
export interface GeluAttrs {
  readonly approximate: 'none' | 'tanh';
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** GELU: x·Φ(x) with Φ the normal CDF (exact, via erf), or its tanh approximation. */
export const Gelu = defineOp<Unary, GeluAttrs>({
  name: 'Gelu',
  inputs: ['x'],
  inferShape({ x }) {
    assertDtype('Gelu', x.dtype, ['float32']);
    return x.shape;
  },
  grad: (dy, { x }, { attrs }) => ({ x: () => runOp(GeluGrad, { x, dy }, attrs) }),
  composite: ({ x }, { approximate }) =>
    approximate === 'tanh'
      ? mul(mul(x, 0.5), add(1, tanh(mul(add(x, mul(mul(mul(x, x), x), 0.044715)), SQRT_2_OVER_PI))))
      : mul(mul(x, 0.5), add(1, erf(mul(x, INV_SQRT_2)))),
});

/** dy·GELU′(x), a fusable backward op; its composite is the reference. */
export const GeluGrad = defineOp<{ x: Tensor; dy: Tensor }, GeluAttrs>({
  name: 'GeluGrad',
  inputs: ['x', 'dy'],
  inferShape({ x }) {
    return x.shape;
  },
  composite: ({ x, dy }, { approximate }) => {
    if (approximate === 'tanh') {
      // u = √(2/π)(x + 0.044715x³), y = ½x(1 + tanh u) ⇒ y′ = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)
      const x2 = mul(x, x);
      const t = tanh(mul(add(x, mul(mul(x2, x), 0.044715)), SQRT_2_OVER_PI));
      const du = mul(add(mul(x2, 3 * 0.044715), 1), SQRT_2_OVER_PI);
      return mul(dy, add(mul(add(t, 1), 0.5), mul(mul(mul(x, 0.5), sub(1, mul(t, t))), du)));
    }
    // y = xΦ(x) ⇒ y′ = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)
    const cdf = mul(add(erf(mul(x, INV_SQRT_2)), 1), 0.5);
    const pdf = mul(exp(mul(mul(x, x), -0.5)), INV_SQRT_2PI);
    return mul(dy, add(cdf, mul(x, pdf)));
  },
});

/** Converts between float32 and int32 (float → int truncates toward zero). */
export const Cast = defineOp<Unary, { readonly dtype: DType }>({
  name: 'Cast',
  inputs: ['x'],
  inferShape({ x }, { dtype }) {
    return { shape: x.shape, dtype };
  },
  // Only float → float carries a gradient; the engine never asks for an int input's gradient.
  grad: (dy) => ({ x: () => dy }),
});

export const neg = (x: Tensor): Tensor => runOp(Neg, { x }, {});
export const exp = (x: Tensor): Tensor => runOp(Exp, { x }, {});
export const log = (x: Tensor): Tensor => runOp(Log, { x }, {});
export const sqrt = (x: Tensor): Tensor => runOp(Sqrt, { x }, {});
export const rsqrt = (x: Tensor): Tensor => runOp(Rsqrt, { x }, {});
export const abs = (x: Tensor): Tensor => runOp(Abs, { x }, {});
export const sign = (x: Tensor): Tensor => runOp(Sign, { x }, {});
export const tanh = (x: Tensor): Tensor => runOp(Tanh, { x }, {});
export const sigmoid = (x: Tensor): Tensor => runOp(Sigmoid, { x }, {});
export const relu = (x: Tensor): Tensor => runOp(Relu, { x }, {});
export const erf = (x: Tensor): Tensor => runOp(Erf, { x }, {});
export const clone = (x: Tensor): Tensor => runOp(Clone, { x }, {});
/** GELU; `approximate: 'none'` is the erf form used by BERT and ViT. */
export const gelu = (x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor => runOp(Gelu, { x }, { approximate });
/** A float32 ↔ int32 conversion; the same dtype gives a copy. */
export const cast = (x: Tensor, dtype: DType): Tensor => (x.dtype === dtype ? clone(x) : runOp(Cast, { x }, { dtype }));
