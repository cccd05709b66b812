// The addon functions of the elementwise family: binary ops and Where with broadcasting (output
// shape plus each input's per-axis element strides, 0 where broadcast), unary ops, GeluGrad, Cast and
// Dropout. Op codes select the operation; their order matches native/elementwise*.cc.

/** Binary op codes (native/elementwise.cc `BinaryOp`). */
export const BINARY_OPS = { Add: 0, Sub: 1, Mul: 2, Div: 3, Pow: 4, Maximum: 5, Minimum: 6, Equal: 7, Greater: 8, Less: 9 } as const;
export type BinaryOpName = keyof typeof BINARY_OPS;

/** Unary op codes (native/elementwise_unary.cc `UnaryOp`); the two GELU forms are ops of their own. */
export const UNARY_OPS = {
  Neg: 0, Exp: 1, Log: 2, Sqrt: 3, Rsqrt: 4, Abs: 5, Sign: 6, Tanh: 7, Sigmoid: 8, Relu: 9, Erf: 10, Clone: 11, GeluErf: 12, GeluTanh: 13,
} as const;
export type UnaryOpName = keyof typeof UNARY_OPS;

type F32OrI32 = Float32Array | Int32Array;

/** Functions the elementwise family adds to the addon. */
export interface ElementwiseAddon {
  /** out = op(a, b) over `shape`; a and b one dtype; out int32 for comparisons and int inputs. */
  binary(op: number, a: F32OrI32, b: F32OrI32, out: F32OrI32, shape: Int32Array, stridesA: Int32Array, stridesB: Int32Array): void;
  /** out = cond ≠ 0 ? a : b over `shape` (a, b, out one dtype; cond either). */
  where(cond: F32OrI32, a: F32OrI32, b: F32OrI32, out: F32OrI32, shape: Int32Array, stridesCond: Int32Array, stridesA: Int32Array, stridesB: Int32Array): void;
  /** out = op(x), same size and dtype (int32 for Neg, Abs, Sign, Clone only). */
  unary(op: number, x: F32OrI32, out: F32OrI32): void;
  /** out = dy·GELU′(x) (tanh form when `tanh`). */
  geluGrad(x: Float32Array, dy: Float32Array, out: Float32Array, tanh: boolean): void;
  /** out = x converted (float → int truncates and wraps like Int32Array). */
  cast(x: F32OrI32, out: F32OrI32): void;
  /** out[i] = x[i]·(kept(seed, i, p) ? scale : 0). */
  dropout(x: Float32Array, out: Float32Array, p: number, seed: number, scale: number): void;
}

/** Their names (checked at load so a stale build is named). */
export const ELEMENTWISE_EXPORTS: readonly (keyof ElementwiseAddon)[] = ['binary', 'where', 'unary', 'geluGrad', 'cast', 'dropout'];
