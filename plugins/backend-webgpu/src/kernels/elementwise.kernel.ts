// WebGPU kernels for the elementwise ops: binary (broadcasting), unary, where, cast, clone, GELU.
import {
  Abs, Add, Cast, Clone, defineKernel, Div, Equal, Erf, Exp, Gelu, Greater, Less, Log, Maximum, Minimum, Mul, Neg, Pow,
  Relu, Rsqrt, Sigmoid, Sign, Sqrt, Sub, Tanh, Where, shapesEqual, type KernelInput, type OpDef, type OutMeta, type Tensor,
} from '@crossmodal/tensor';
import { dispatch1d } from '../program.ts';
import { accessOf, broadcastMeta } from '../programs/broadcast.ts';
import { elementwiseProgram, type WgslType } from '../programs/elementwise.program.ts';
import { WEBGPU, type GpuStorage, type WebGpuBackend } from '../webgpu-backend.ts';

const wgslType = (d: 'float32' | 'int32'): WgslType => (d === 'float32' ? 'f32' : 'i32');

/** Runs `expr` over `ins` (broadcast to `out`) and returns the new storage. */
export function runElementwise(b: WebGpuBackend, name: string, expr: string, ins: readonly KernelInput<GpuStorage>[], out: OutMeta): GpuStorage {
  const result = b.alloc(out.size * 4);
  if (out.size === 0) return result;
  const access = ins.map((x) => accessOf(x.size, out.size, shapesEqual(x.shape, out.shape)));
  const program = elementwiseProgram(name, expr, ins.map((x) => wgslType(x.dtype)), wgslType(out.dtype), access);
  b.run(program, ins.map((x) => x.storage), [result], broadcastMeta(out.shape, ins.map((x) => x.shape)), dispatch1d(out.size));
  return result;
}

type Binary = OpDef<{ a: Tensor; b: Tensor }>;
type Unary = OpDef<{ x: Tensor }>;

/** `f32` and `i32` expressions of a binary op (`x0`, `x1`); i32 null where the op is float-only. */
const binary = (op: Binary, f: string, i: string | null = f) =>
  defineKernel(op, WEBGPU, (be: WebGpuBackend, { a, b }, _attrs, outs) =>
    runElementwise(be, op.name, a.dtype === 'int32' ? i! : f, [a, b], outs.out!));

const unary = (op: Unary, f: string, i: string | null = null) =>
  defineKernel(op, WEBGPU, (be: WebGpuBackend, { x }, _attrs, outs) => runElementwise(be, op.name, x.dtype === 'int32' ? i! : f, [x], outs.out!));

export const elementwiseKernels = [
  binary(Add, 'x0 + x1'),
  binary(Sub, 'x0 - x1'),
  binary(Mul, 'x0 * x1'),
  binary(Div, 'x0 / x1', null),
  binary(Pow, 'powf(x0, x1)', null),
  binary(Maximum, 'fmax_nan(x0, x1)', 'max(x0, x1)'),
  binary(Minimum, 'fmin_nan(x0, x1)', 'min(x0, x1)'),
  binary(Equal, 'select(0, 1, x0 == x1)'),
  binary(Greater, 'select(0, 1, x0 > x1)'),
  binary(Less, 'select(0, 1, x0 < x1)'),
  unary(Neg, '-x0', '-x0'),
  unary(Exp, 'exp(x0)'),
  unary(Log, 'log(x0)'),
  unary(Sqrt, 'sqrt(x0)'),
  unary(Rsqrt, 'inverseSqrt(x0)'),
  unary(Abs, 'abs(x0)', 'abs(x0)'),
  unary(Sign, 'signf(x0)', 'sign(x0)'),
  unary(Tanh, 'tanhf(x0)'),
  unary(Sigmoid, 'sigmoidf(x0)'),
  unary(Relu, 'select(0.0, x0, x0 > 0.0 || is_nan(x0))'),
  unary(Erf, 'erff(x0)'),
  unary(Clone, 'x0', 'x0'),
  defineKernel(Gelu, WEBGPU, (be: WebGpuBackend, { x }, { approximate }, outs) =>
    runElementwise(be, `Gelu-${approximate}`, approximate === 'tanh' ? 'gelu_tanhf(x0)' : 'geluf(x0)', [x], outs.out!)),
  // float32 → int32 is JavaScript's ToInt32 (wraps modulo 2^32; NaN and ±inf give 0), as the oracle's Int32Array store.
  defineKernel(Cast, WEBGPU, (be: WebGpuBackend, { x }, { dtype }, outs) =>
    runElementwise(be, 'Cast', dtype === 'float32' ? 'f32(x0)' : x.dtype === 'float32' ? 'to_int32(x0)' : 'x0', [x], outs.out!)),
  defineKernel(Where, WEBGPU, (be: WebGpuBackend, { cond, a, b }, _attrs, outs) =>
    runElementwise(be, 'Where', `select(x2, x1, x0 != ${cond.dtype === 'int32' ? '0' : '0.0'})`, [cond, a, b], outs.out!)),
] as const;
