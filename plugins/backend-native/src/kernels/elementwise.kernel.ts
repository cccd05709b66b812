// Native kernels of the elementwise family: binary ops and Where with broadcasting, unary ops, GELU
// and its backward, Cast and Dropout (the mask hashed in C++ from (seed, index), bit for bit the
// oracle's). Each preallocates its output (unzeroed: every element is written) and makes one addon call.
import {
  Abs, Add, Cast, Clone, defineKernel, Div, Dropout, dropoutScale, Equal, Erf, Exp, Gelu, GeluGrad, Greater, Less, Log, Maximum,
  Minimum, Mul, Neg, Pow, Relu, Rsqrt, Sigmoid, Sign, Sqrt, Sub, Tanh, Where, type KernelInput, type OpDef, type OutMeta, type Tensor,
} from '@crossmodal/tensor';
import { BINARY_OPS, UNARY_OPS, type BinaryOpName } from '../addon/elementwise.ts';
import { NATIVE, type NativeBackend, type NativeStorage } from '../native-backend.ts';
import { releaseOnThrow } from './release-on-throw.ts';
import { assertIndexable, broadcastStrides } from './strides.ts';

type Data = Float32Array | Int32Array;
const data = (x: KernelInput<NativeStorage>): Data => x.storage.data as Data;

const ONE = Int32Array.of(1);
const ZERO = Int32Array.of(0);

/**
 * The shape and per-input strides the addon walks. Same-size and scalar operands (the common cases)
 * are passed as one flat axis without building stride arrays; the rest get broadcastStrides.
 */
function layout(op: string, out: OutMeta, ins: readonly KernelInput<NativeStorage>[]): [Int32Array, ...Int32Array[]] {
  assertIndexable(op, out.size, ...ins.map((x) => x.size));
  if (ins.every((x) => x.size === out.size || x.size === 1)) {
    return [Int32Array.of(out.size), ...ins.map((x) => (x.size === out.size ? ONE : ZERO))];
  }
  return [Int32Array.from(out.shape), ...ins.map((x) => broadcastStrides(out.shape, x.shape))];
}

const binary = (op: OpDef<{ a: Tensor; b: Tensor }>) => {
  const code = BINARY_OPS[op.name as BinaryOpName];
  return defineKernel(op, NATIVE, (be: NativeBackend, { a, b }, _attrs, outs) => {
    const o = outs.out!;
    const [shape, sa, sb] = layout(op.name, o, [a, b]); // checks the sizes before anything is allocated
    const out = be.outUninitialized(o);
    releaseOnThrow(be, [out], () => be.addon.binary(code, data(a), data(b), out.data as Data, shape, sa!, sb!));
    return out;
  });
};

const unaryKernel = (op: OpDef<{ x: Tensor }>, code: number) =>
  defineKernel(op, NATIVE, (be: NativeBackend, { x }, _attrs, outs) => {
    const out = be.outUninitialized(outs.out!);
    releaseOnThrow(be, [out], () => be.addon.unary(code, data(x), out.data as Data));
    return out;
  });

const unaries: readonly [OpDef<{ x: Tensor }>, number][] = [
  [Neg, UNARY_OPS.Neg], [Exp, UNARY_OPS.Exp], [Log, UNARY_OPS.Log], [Sqrt, UNARY_OPS.Sqrt], [Rsqrt, UNARY_OPS.Rsqrt],
  [Abs, UNARY_OPS.Abs], [Sign, UNARY_OPS.Sign], [Tanh, UNARY_OPS.Tanh], [Sigmoid, UNARY_OPS.Sigmoid], [Relu, UNARY_OPS.Relu],
  [Erf, UNARY_OPS.Erf], [Clone, UNARY_OPS.Clone],
];

export const elementwiseKernels = [
  ...[Add, Sub, Mul, Div, Pow, Maximum, Minimum, Equal, Greater, Less].map(binary),
  ...unaries.map(([op, code]) => unaryKernel(op, code)),
  defineKernel(Gelu, NATIVE, (be: NativeBackend, { x }, { approximate }, outs) => {
    const out = be.outUninitialized(outs.out!);
    releaseOnThrow(be, [out], () => be.addon.unary(approximate === 'tanh' ? UNARY_OPS.GeluTanh : UNARY_OPS.GeluErf, data(x), out.data as Data));
    return out;
  }),
  defineKernel(GeluGrad, NATIVE, (be: NativeBackend, { x, dy }, { approximate }, outs) => {
    const out = be.outUninitialized(outs.out!);
    releaseOnThrow(be, [out], () => be.addon.geluGrad(x.storage.data as Float32Array, dy.storage.data as Float32Array, out.data as Float32Array, approximate === 'tanh'));
    return out;
  }),
  defineKernel(Cast, NATIVE, (be: NativeBackend, { x }, _attrs, outs) => {
    const out = be.outUninitialized(outs.out!);
    releaseOnThrow(be, [out], () => be.addon.cast(data(x), out.data as Data));
    return out;
  }),
  defineKernel(Dropout, NATIVE, (be: NativeBackend, { x }, { p, seed }, outs) => {
    const out = be.outUninitialized(outs.out!);
    // The scale is the oracle's float32-rounded 1/(1 − p), so x·scale is the same single multiply.
    releaseOnThrow(be, [out], () => be.addon.dropout(x.storage.data as Float32Array, out.data as Float32Array, p, seed, dropoutScale(p)));
    return out;
  }),
  defineKernel(Where, NATIVE, (be: NativeBackend, { cond, a, b }, _attrs, outs) => {
    const o = outs.out!;
    const [shape, sc, sa, sb] = layout('Where', o, [cond, a, b]);
    const out = be.outUninitialized(o);
    releaseOnThrow(be, [out], () => be.addon.where(data(cond), data(a), data(b), out.data as Data, shape, sc!, sa!, sb!));
    return out;
  }),
];
