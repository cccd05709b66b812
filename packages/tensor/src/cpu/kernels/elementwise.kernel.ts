// CPU oracle kernels for elementwise ops: plain loops in double precision, rounded on store.
import { defineKernel } from '../../backend.ts';
import { allocArray, type TypedArray } from '../../dtype.ts';
import type { OpDef } from '../../op.ts';
import type { Tensor } from '../../tensor.ts';
import { Add, Div, Equal, Greater, Less, Maximum, Minimum, Mul, Pow, Sub } from '../../ops/binary.op.ts';
import * as U from '../../ops/unary.op.ts';
import { Where } from '../../ops/where.op.ts';
import { CpuStorage, CPU, type CpuBackend } from '../cpu-storage.ts';
import { broadcastIndex } from '../indexing.ts';
import { erf, gelu, geluTanh, sigmoid } from '../math.ts';

type Fn2 = (a: number, b: number) => number;
type Fn1 = (x: number) => number;

/** `fInt`, when given, computes int32 outputs (comparisons, whose output is int32, leave it out). */
const binaryKernel = (op: OpDef<{ a: Tensor; b: Tensor }>, fFloat: Fn2, fInt: Fn2 = fFloat) =>
  defineKernel(op, CPU, (_: CpuBackend, { a, b }, _attrs, outs) => {
    const o = outs.out!;
    const f = o.dtype === 'int32' ? fInt : fFloat;
    const out = allocArray(o.dtype, o.size);
    const da = a.storage.data;
    const db = b.storage.data;
    // Same-shape and scalar operands skip the index maps (the common cases); the general path
    // reads through broadcast index maps.
    if (a.size === o.size && b.size === o.size) for (let i = 0; i < out.length; i++) out[i] = f(da[i]!, db[i]!);
    else if (a.size === o.size && b.size === 1) for (let i = 0; i < out.length; i++) out[i] = f(da[i]!, db[0]!);
    else if (a.size === 1 && b.size === o.size) for (let i = 0; i < out.length; i++) out[i] = f(da[0]!, db[i]!);
    else {
      const ia = broadcastIndex(o.shape, a.shape);
      const ib = broadcastIndex(o.shape, b.shape);
      for (let i = 0; i < out.length; i++) out[i] = f(da[ia[i]!]!, db[ib[i]!]!);
    }
    return new CpuStorage(out);
  });

const unaryKernel = (op: OpDef<{ x: Tensor }>, f: Fn1) =>
  defineKernel(op, CPU, (_: CpuBackend, { x }, _attrs, outs) => new CpuStorage(map(x.storage.data, outs.out!.dtype, f)));

function map(src: TypedArray, dtype: 'float32' | 'int32', f: Fn1): TypedArray {
  const out = allocArray(dtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]!);
  return out;
}

// NOTE: int32 results of +,−,· wrap like C int32: sums and differences are exact in a double and
// Int32Array stores them modulo 2³²; a product can pass 2⁵³ and lose its low bits in a double, so
// int32 Mul uses Math.imul (the low 32 bits, as C, the native backend and WGSL). Div is float-only.
export const elementwiseKernels = [
  binaryKernel(Add, (a, b) => a + b),
  binaryKernel(Sub, (a, b) => a - b),
  binaryKernel(Mul, (a, b) => a * b, Math.imul),
  binaryKernel(Div, (a, b) => a / b),
  binaryKernel(Pow, (a, b) => Math.pow(a, b)),
  binaryKernel(Maximum, (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b))),
  binaryKernel(Minimum, (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b))),
  binaryKernel(Equal, (a, b) => (a === b ? 1 : 0)),
  binaryKernel(Greater, (a, b) => (a > b ? 1 : 0)),
  binaryKernel(Less, (a, b) => (a < b ? 1 : 0)),
  unaryKernel(U.Neg, (x) => -x),
  unaryKernel(U.Exp, Math.exp),
  unaryKernel(U.Log, Math.log),
  unaryKernel(U.Sqrt, Math.sqrt),
  unaryKernel(U.Rsqrt, (x) => 1 / Math.sqrt(x)),
  unaryKernel(U.Abs, Math.abs),
  // NOTE: Math.sign keeps NaN (PyTorch 1.13 gives sign(NaN) = 0); deliberate, see the Sign op.
  unaryKernel(U.Sign, (x) => Math.sign(x)),
  unaryKernel(U.Tanh, Math.tanh),
  unaryKernel(U.Sigmoid, sigmoid),
  unaryKernel(U.Relu, (x) => (x > 0 || Number.isNaN(x) ? x : 0)),
  unaryKernel(U.Erf, erf),
  unaryKernel(U.Clone, (x) => x),
  defineKernel(U.Gelu, CPU, (_: CpuBackend, { x }, { approximate }) =>
    new CpuStorage(map(x.storage.data, 'float32', approximate === 'tanh' ? geluTanh : gelu))),
  defineKernel(U.Cast, CPU, (_: CpuBackend, { x }, { dtype }) => new CpuStorage(map(x.storage.data, dtype, (v) => (dtype === 'int32' ? Math.trunc(v) : v)))),
  defineKernel(Where, CPU, (_: CpuBackend, { cond, a, b }, _attrs, outs) => {
    const o = outs.out!;
    const out = allocArray(o.dtype, o.size);
    const ic = broadcastIndex(o.shape, cond.shape);
    const ia = broadcastIndex(o.shape, a.shape);
    const ib = broadcastIndex(o.shape, b.shape);
    for (let i = 0; i < out.length; i++) {
      out[i] = cond.storage.data[ic[i]!] !== 0 ? a.storage.data[ia[i]!]! : b.storage.data[ib[i]!]!;
    }
    return new CpuStorage(out);
  }),
] as const;
