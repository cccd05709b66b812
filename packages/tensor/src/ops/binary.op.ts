// Elementwise binary ops with NumPy broadcasting. The family shares one shape rule and the engine
// sums each gradient back over broadcast axes, so each rule is written for equal shapes.
import { defineOp, type OpDef } from '../op.ts';
import { broadcastShapes, fmt } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { runOp } from '../engine.ts';
import { asTensor } from './scalar.ts';
import { log, neg } from './unary.op.ts';
import { where } from './where.op.ts';

type Binary = { a: Tensor; b: Tensor };
type Grad = NonNullable<OpDef<Binary>['grad']>;

function binary(name: string, grad?: Grad, opts: { floatOnly?: boolean; compare?: boolean } = {}): OpDef<Binary> {
  return defineOp<Binary>({
    name,
    inputs: ['a', 'b'],
    inferShape({ a, b }) {
      if (a.dtype !== b.dtype) throw new TypeError(`${name}: dtypes differ, a=${fmt(a.shape)} ${a.dtype} b=${fmt(b.shape)} ${b.dtype}`);
      if (opts.floatOnly && a.dtype !== 'float32') throw new TypeError(`${name}: expected float32 inputs, got ${a.dtype}`);
      const shape = broadcastShapes(name, a.shape, b.shape);
      return opts.compare ? { shape, dtype: 'int32' } : shape;
    },
    ...(grad ? { grad } : {}),
  });
}

/** a + b */
export const Add = binary('Add', (dy) => ({ a: () => dy, b: () => dy }));
/** a − b */
export const Sub = binary('Sub', (dy) => ({ a: () => dy, b: () => neg(dy) }));
/** a · b */
export const Mul = binary('Mul', (dy, { a, b }) => ({ a: () => mul(dy, b), b: () => mul(dy, a) }));
/** a / b (float32 only: integer division is not this op) */
export const Div = binary(
  'Div',
  // y = a/b  ⇒  da = dy/b, db = −dy·y/b
  (dy, { b }, { out }) => ({ a: () => div(dy, b), b: () => neg(div(mul(dy, out), b)) }),
  { floatOnly: true },
);
/** a ** b (float32) */
export const Pow = binary(
  'Pow',
  // y = a^b  ⇒  da = dy·b·a^(b−1), taken as 0 where b = 0 (a^b is constant there; at a = 0 the rule
  // would be 0·∞ = NaN; PyTorch masks it the same way); db = dy·y·ln a (taken as 0 where a ≤ 0, as
  // PyTorch does for a = 0)
  (dy, { a, b }, { out }) => ({
    a: () => mul(dy, where(equal(b, 0), 0, mul(b, pow(a, sub(b, 1))))),
    b: () => mul(dy, where(greater(a, 0), mul(out, log(a)), 0)),
  }),
  { floatOnly: true },
);
// maximum/minimum gradients as PyTorch has them (derivatives.yaml): at a tie each side gets dy/2;
// the side that loses gets 0; where a NaN makes both comparisons false, both sides get dy.
const extremumGrad = (aLoses: (a: Tensor, b: Tensor) => Tensor, bLoses: (a: Tensor, b: Tensor) => Tensor): Grad =>
  (dy, { a, b }) => {
    let shared: Tensor | undefined; // one op for both thunks (they run in one scope)
    const split = () => (shared ??= where(equal(a, b), mul(dy, 0.5), dy));
    return { a: () => where(aLoses(a, b), 0, split()), b: () => where(bLoses(a, b), 0, split()) };
  };
/** Elementwise maximum; the gradient goes to the larger side, half to each at a tie. */
export const Maximum = binary('Maximum', extremumGrad((a, b) => less(a, b), (a, b) => greater(a, b)));
/** Elementwise minimum; the gradient goes to the smaller side, half to each at a tie. */
export const Minimum = binary('Minimum', extremumGrad((a, b) => greater(a, b), (a, b) => less(a, b)));
/** a == b as int32 0/1 (no gradient). */
export const Equal = binary('Equal', undefined, { compare: true });
/** a > b as int32 0/1 (no gradient). */
export const Greater = binary('Greater', undefined, { compare: true });
/** a < b as int32 0/1 (no gradient). */
export const Less = binary('Less', undefined, { compare: true });

type Operand = Tensor | number;
const pair = (a: Operand, b: Operand): Binary => {
  if (typeof a === 'number' && typeof b === 'number') throw new TypeError('binary op: at least one operand must be a tensor');
  const ta = typeof a === 'number' ? asTensor(a, b as Tensor) : a;
  return { a: ta, b: asTensor(b, ta) };
};

/** Runs `op` on the operands, freeing the scalars made from numbers (autograd keeps its own handles). */
function run(op: OpDef<Binary>, a: Operand, b: Operand): Tensor {
  const inputs = pair(a, b);
  try {
    return runOp(op, inputs, {});
  } finally {
    if (inputs.a !== a) inputs.a.dispose();
    if (inputs.b !== b) inputs.b.dispose();
  }
}

/** a + b, broadcasting; numbers become scalars. */
export const add = (a: Operand, b: Operand): Tensor => run(Add, a, b);
/** a − b, broadcasting. */
export const sub = (a: Operand, b: Operand): Tensor => run(Sub, a, b);
/** a · b, broadcasting. */
export const mul = (a: Operand, b: Operand): Tensor => run(Mul, a, b);
/** a / b, broadcasting. */
export const div = (a: Operand, b: Operand): Tensor => run(Div, a, b);
/** a ** b, broadcasting. */
export const pow = (a: Operand, b: Operand): Tensor => run(Pow, a, b);
/** Elementwise max, broadcasting. */
export const maximum = (a: Operand, b: Operand): Tensor => run(Maximum, a, b);
/** Elementwise min, broadcasting. */
export const minimum = (a: Operand, b: Operand): Tensor => run(Minimum, a, b);
/** a == b → int32 0/1. */
export const equal = (a: Operand, b: Operand): Tensor => run(Equal, a, b);
/** a > b → int32 0/1. */
export const greater = (a: Operand, b: Operand): Tensor => run(Greater, a, b);
/** a < b → int32 0/1. */
export const less = (a: Operand, b: Operand): Tensor => run(Less, a, b);
