// Native elementwise kernels against the CPU oracle: every broadcast layout the C++ walk coalesces
// (same shape, scalar, bias row, column, both sides, 0-d, empty), special values (NaN, ±inf, ±0,
// subnormals) through every op, vmath's accuracy over the whole float range, int32 wrap, Cast's
// ToInt32 wrap, Where's NaN condition, Dropout's bit-exact mask, and the addon's boundary checks.
import { describe, expect, it } from 'vitest';
import {
  cast, createCpuBackend, dropoutMaskData, dropoutScale, GeluGrad, runOp, setBackend, tensor, where, type Backend, type Tensor, type TypedArray,
  add, sub, mul, div, pow, maximum, minimum, equal, greater, less, neg, exp, log, sqrt, rsqrt, abs, sign, tanh, sigmoid, relu, erf, clone, gelu,
  dropout,
} from '@crossmodal/tensor';
import { allClose } from '@crossmodal/tensor/testing';
import { BINARY_OPS, UNARY_OPS } from '../addon/elementwise.ts';
import { testBackend } from '../testing.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;
const cpu = createCpuBackend();

type Input = readonly [TypedArray, readonly number[]];

/** `fn` on the native backend and on the oracle, from the same host inputs. */
function both(inputs: readonly Input[], fn: (...xs: Tensor[]) => Tensor): [TypedArray, TypedArray] {
  const run = (on: Backend): TypedArray => {
    const prev = setBackend(on);
    try {
      const ts = inputs.map(([d, s]) => tensor(d, [...s], { dtype: d instanceof Int32Array ? 'int32' : 'float32' }));
      return fn(...ts).dataSync();
    } finally {
      setBackend(prev);
    }
  };
  return [run(native!), run(cpu)];
}

/** Deterministic values in [-lim, lim). */
function values(n: number, seed = 1, lim = 3): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return ((s >>> 8) / 2 ** 24) * 2 * lim - lim;
  });
}

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 1e-40, -1e-40, 1e-30, 3.4e38, -3.4e38, 88.7, 89, -87, -104, 1e10, -1e10, 0.5, 20, -20];
/** Values with every special case, then ordinary ones. */
const withSpecials = (n: number, seed = 1, lim = 3): Float32Array => {
  const x = values(n, seed, lim);
  x.set(SPECIALS.slice(0, Math.min(n, SPECIALS.length)));
  return x;
};

const close = (got: TypedArray, want: TypedArray, atol = 1e-5, rtol = 1e-4): string | null =>
  got.length !== want.length ? `length ${got.length} vs ${want.length}` : allClose({ shape: [got.length], data: got }, { shape: [want.length], data: want }, { atol, rtol });

const sizeOf = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

describe.skipIf(!native)('native binary ops', () => {
  const floatOps = { add, sub, mul, div, pow, maximum, minimum, equal, greater, less } as const;
  it.each([
    ['same shape, threaded', [1001, 101], [1001, 101]],
    ['scalar b', [7, 9], []],
    ['scalar a', [1], [7, 9]],
    ['bias row', [4, 33, 65], [65]],
    ['column', [300, 1], [300, 17]],
    ['both broadcast', [3, 1, 5], [1, 4, 1]],
    ['size-1 axes in the middle', [2, 1, 3, 1, 4], [2, 5, 3, 6, 4]],
    ['0-d both', [], []],
    ['empty', [0, 3], [1, 3]],
  ] as const)('%s: float32 ops match the oracle, specials included', (_, sa, sb) => {
    const a = withSpecials(sizeOf(sa), 3);
    const b = withSpecials(sizeOf(sb), 5).reverse();
    for (const [name, f] of Object.entries(floatOps)) {
      const [got, want] = both([[a, sa], [b, sb]], (x, y) => f(x!, y!));
      expect(close(got, want), name).toBeNull();
    }
  });

  it('pow follows Math.pow where C differs: 1^NaN and (±1)^±inf are NaN, NaN^0 is 1', () => {
    const a = Float32Array.of(1, 1, -1, -1, NaN, 0, -0, -2, 2);
    const b = Float32Array.of(NaN, Infinity, -Infinity, Infinity, 0, -1, -1, 0.5, 3);
    const [got, want] = both([[a, [9]], [b, [9]]], (x, y) => pow(x!, y!));
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it('maximum/minimum order ±0 like Math.max/min and propagate NaN from either side', () => {
    const a = Float32Array.of(0, -0, -0, 0, NaN, 1, -Infinity);
    const b = Float32Array.of(-0, 0, -0, 0, 1, NaN, -Infinity);
    for (const f of [maximum, minimum]) {
      const [got, want] = both([[a, [7]], [b, [7]]], (x, y) => f(x!, y!));
      want.forEach((w, i) => expect(Object.is(got[i], w), `${f.name}(${a[i]}, ${b[i]}) = ${got[i]}, oracle ${w}`).toBe(true));
    }
  });

  it('int32 ops wrap modulo 2^32 and compare exactly, on broadcast shapes', () => {
    const a = Int32Array.from({ length: 60 }, (_, i) => (i * 71_582_788 * 31) | 0);
    a.set([2 ** 31 - 1, -(2 ** 31), -1, 0]);
    const b = Int32Array.from({ length: 12 }, (_, i) => (i * 1_000_003 - 5) | 0);
    b.set([1, -1, 2 ** 31 - 1]);
    for (const f of [add, sub, maximum, minimum, equal, greater, less]) {
      const [got, want] = both([[a, [5, 12]], [b, [12]]], (x, y) => f(x!, y!));
      expect(Array.from(got)).toEqual(Array.from(want));
    }
    // Products of small ints stay exact in the oracle's double arithmetic; 65536² wraps to 0.
    const c = Int32Array.of(65536, -7, 46341, 3);
    const [got, want] = both([[c, [4]], [c, [4]]], (x, y) => mul(x!, y!));
    expect(Array.from(got)).toEqual([0, 49, -2147479015, 9]);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});

describe.skipIf(!native)('native unary ops', () => {
  const ops = { neg, exp, log, sqrt, rsqrt, abs, sign, tanh, sigmoid, relu, erf, clone, geluErf: (x: Tensor) => gelu(x), geluTanh: (x: Tensor) => gelu(x, 'tanh') };
  it.each(Object.entries(ops))('%s matches the oracle on specials and a threaded odd size', (_, f) => {
    for (const lim of [3, 30]) {
      const x = withSpecials(100_003, 7, lim);
      const [got, want] = both([[x, [100_003]]], f);
      expect(close(got, want)).toBeNull();
    }
  });

  it.each([neg, abs, sign, clone])('%o on int32 wraps like Int32Array', (f) => {
    const x = Int32Array.of(-(2 ** 31), 2 ** 31 - 1, -1, 0, 1, -5, 7);
    const [got, want] = both([[x, [7]]], f);
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it('vmath exp/log/tanh/erf/sigmoid are within 2 ulp of double precision over the float range', () => {
    // Every 16411th bit pattern: all exponents, both signs, subnormals, ±inf and NaNs.
    const n = Math.floor(2 ** 32 / 16411);
    const x = new Float32Array(Uint32Array.from({ length: n }, (_, i) => i * 16411).buffer);
    const [erfRef] = both([[x, [n]]], erf).reverse(); // the oracle's erf is double-precision
    const ref: Record<string, (v: number, i: number) => number> = {
      exp: Math.exp, log: Math.log, tanh: Math.tanh, erf: (_, i) => erfRef![i]!,
      sigmoid: (v) => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))),
    };
    const fns = { exp, log, tanh, erf, sigmoid } as const;
    const prev = setBackend(native!);
    try {
      for (const [name, f] of Object.entries(fns)) {
        const got = f(tensor(x, [n])).dataSync();
        let worst = 0;
        for (let i = 0; i < n; i++) {
          const want = Math.fround(ref[name]!(x[i]!, i));
          if (Number.isNaN(want) || Number.isNaN(got[i]!)) {
            expect(Number.isNaN(got[i]!), `${name}(${x[i]})`).toBe(Number.isNaN(want));
            continue;
          }
          if (Math.abs(want) < 2 ** -126 && Math.abs(got[i]!) < 2 ** -126) continue; // subnormal results
          const ulp = 2 ** (Math.floor(Math.log2(Math.abs(want))) - 23);
          worst = Math.max(worst, want === got[i] ? 0 : Math.abs(got[i]! - want) / ulp);
        }
        expect(worst, name).toBeLessThanOrEqual(2);
      }
    } finally {
      setBackend(prev);
    }
  });

  it('GeluGrad (both forms) matches the oracle composite', () => {
    const x = withSpecials(50_001, 11, 6);
    const dy = values(50_001, 13);
    for (const approximate of ['none', 'tanh'] as const) {
      const [got, want] = both([[x, [50_001]], [dy, [50_001]]], (a, d) => runOp(GeluGrad, { x: a!, dy: d! }, { approximate }));
      expect(close(got, want), approximate).toBeNull();
    }
  });
});

describe.skipIf(!native)('native Cast, Where, Dropout', () => {
  it('Cast float → int truncates and wraps like ToInt32; NaN and ±inf give 0; int → float rounds', () => {
    const x = Float32Array.of(1.9, -1.9, -0.5, NaN, Infinity, -Infinity, 3e9, -3e9, 2 ** 31, -(2 ** 31), 1e20, 16777217, 123456789);
    const [got, want] = both([[x, [x.length]]], (t) => cast(t, 'int32'));
    expect(Array.from(got)).toEqual(Array.from(want));
    const i = Int32Array.of(16777217, -(2 ** 31), 2 ** 31 - 1, 7);
    const [gf, wf] = both([[i, [4]]], (t) => cast(t, 'float32'));
    expect(Array.from(gf)).toEqual(Array.from(wf));
  });

  it('Where selects with float (NaN ≠ 0, −0 = 0) and int conditions, broadcasting all three', () => {
    const cf = Float32Array.of(NaN, -0, 0, 2);
    const a = values(3 * 4, 3);
    const b = values(5 * 3 * 1, 5);
    const [got, want] = both([[cf, [4]], [a, [3, 4]], [b, [5, 3, 1]]], (c, x, y) => where(c!, x!, y!));
    expect(Array.from(got)).toEqual(Array.from(want));
    const ci = Int32Array.from({ length: 37 * 41 }, (_, k) => k % 3);
    const ia = Int32Array.from({ length: 41 }, (_, k) => k);
    const [gi, wi] = both([[ci, [37, 41]], [ia, [41]], [Int32Array.of(-1), []]], (c, x, y) => where(c!, x!, y!));
    expect(Array.from(gi)).toEqual(Array.from(wi));
  });

  it.each([
    [0.1, 0],
    [0.5, 0xffffffff],
    [0.999, 12345],
  ])('Dropout p=%d seed=%d: the oracle mask bit for bit; dropped NaN/inf give NaN', (p, seed) => {
    const n = 200_003;
    const x = withSpecials(n, 17);
    const [got, want] = both([[x, [n]]], (t) => dropout(t, p, { seed }));
    const mask = dropoutMaskData([n], p, seed);
    for (let i = 0; i < n; i++) {
      const e = Math.fround(x[i]! * mask[i]!);
      if (!(Object.is(got[i], e) && Object.is(want[i], e))) throw new Error(`element ${i}: ${got[i]} vs oracle ${want[i]} (x ${x[i]}, mask ${mask[i]})`);
    }
    expect(mask.filter((m) => m === dropoutScale(p)).length / n).toBeCloseTo(1 - p, 2);
  });
});

describe.skipIf(!native)('native elementwise boundary checks', () => {
  const addon = native!.addon;
  const f = (n: number) => new Float32Array(n);
  const i = (n: number) => new Int32Array(n);
  const detached = (): Float32Array => {
    const view = new Float32Array(4);
    structuredClone(view.buffer, { transfer: [view.buffer] });
    return view;
  };
  const one = Int32Array.of(1);
  it.each([
    ['binary: wrong out dtype', () => addon.binary(BINARY_OPS.Add, f(4), f(4), i(4), Int32Array.of(4), one, one), /native Add: out must be a Float32Array/],
    ['binary: comparison into a float out', () => addon.binary(BINARY_OPS.Less, f(4), f(4), f(4), Int32Array.of(4), one, one), /native Less: out must be a Int32Array/],
    ['binary: int Div', () => addon.binary(BINARY_OPS.Div, i(4), i(4), i(4), Int32Array.of(4), one, one), /native Div: int32 inputs are not supported/],
    ['binary: mixed dtypes', () => addon.binary(BINARY_OPS.Mul, f(4), i(4), f(4), Int32Array.of(4), one, one), /native Mul: b must be a Float32Array/],
    ['binary: detached input', () => addon.binary(BINARY_OPS.Sub, detached(), f(4), f(4), Int32Array.of(4), one, one), /native Sub: a is a detached buffer/],
    ['binary: out size ≠ shape', () => addon.binary(BINARY_OPS.Add, f(4), f(4), f(5), Int32Array.of(4), one, one), /native Add: out has 5 elements, the shape 4/],
    ['binary: input too small for its strides', () => addon.binary(BINARY_OPS.Add, f(4), f(3), f(4), Int32Array.of(4), one, one), /native Add: input 1 has 3 elements, too few/],
    ['binary: negative stride', () => addon.binary(BINARY_OPS.Add, f(4), f(4), f(4), Int32Array.of(4), one, Int32Array.of(-1)), /native Add: strides of input 1 has a negative stride/],
    ['binary: stride count ≠ rank', () => addon.binary(BINARY_OPS.Pow, f(4), f(4), f(4), Int32Array.of(2, 2), one, one), /native Pow: strides of input 0 has 1 entries, the shape 2/],
    ['binary: unknown op', () => addon.binary(99, f(4), f(4), f(4), Int32Array.of(4), one, one), /native binary: unknown op code 99/],
    ['unary: int Exp', () => addon.unary(UNARY_OPS.Exp, i(3), i(3)), /native Exp: int32 input is not supported/],
    ['unary: size mismatch', () => addon.unary(UNARY_OPS.Tanh, f(3), f(2)), /native Tanh: out has 2 elements, expected 3/],
    ['unary: detached out', () => addon.unary(UNARY_OPS.Relu, f(4), detached()), /native Relu: out is a detached buffer/],
    ['unary: not a typed array', () => addon.unary(UNARY_OPS.Sqrt, [1, 2] as unknown as Float32Array, f(2)), /native Sqrt: x must be a Float32Array/],
    ['geluGrad: dy size', () => addon.geluGrad(f(4), f(3), f(4), false), /native GeluGrad: dy has 3 elements, expected 4/],
    ['cast: size mismatch', () => addon.cast(f(4), i(5)), /native Cast: out has 5 elements, expected 4/],
    ['cast: detached x', () => addon.cast(detached(), i(4)), /native Cast: x is a detached buffer/],
    ['where: a and b dtypes differ', () => addon.where(i(4), f(4), i(4), f(4), Int32Array.of(4), one, one, one), /native Where: a, b and out must share one dtype/],
    ['where: cond too small', () => addon.where(i(3), f(4), f(4), f(4), Int32Array.of(4), one, one, one), /native Where: input 0 has 3 elements/],
    ['dropout: p = 1', () => addon.dropout(f(4), f(4), 1, 0, 1), /native Dropout: p must be in \[0, 1\)/],
    ['dropout: negative seed', () => addon.dropout(f(4), f(4), 0.5, -1, 2), /native Dropout: seed must be an integer in \[0, 2\^32\)/],
    ['dropout: int x', () => addon.dropout(i(4) as unknown as Float32Array, f(4), 0.5, 1, 2), /native Dropout: x must be a Float32Array/],
  ] as const)('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });

  it('a kernel given int32 to a float-only op through the engine names the op', () => {
    const prev = setBackend(native!);
    try {
      expect(() => exp(tensor([1, 2], [2], { dtype: 'int32' }))).toThrow(/Exp/);
    } finally {
      setBackend(prev);
    }
  });
});
