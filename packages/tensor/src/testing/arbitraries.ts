// fast-check arbitraries for tensors: shapes, broadcastable pairs, bounded finite values and
// permutations. fc.float bounds must be float32-exact, hence Math.fround.
import fc from 'fast-check';
import type { Shape } from '../shape.ts';
import { sizeOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';
import { tensor } from '../creation.ts';

/** Runs per property: 100 in CI, `FC_RUNS=2000` for a long local run. */
export const numRuns = (): number => Number(globalThis.process?.env?.FC_RUNS ?? 100);

/** A shape with `minRank..maxRank` axes of size `1..maxDim`. */
export const arbShape = ({ minRank = 0, maxRank = 4, maxDim = 5 } = {}): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

/** Two shapes that broadcast together: the second drops leading axes and sets some axes to 1. */
export const arbBroadcastPair = (opts: { maxRank?: number; maxDim?: number } = {}): fc.Arbitrary<[number[], number[]]> =>
  arbShape({ minRank: 0, ...opts }).chain((a) =>
    fc
      .tuple(fc.integer({ min: 0, max: a.length }), fc.array(fc.boolean(), { minLength: a.length, maxLength: a.length }), fc.boolean())
      .map(([drop, ones, swap]) => {
        const b = a.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
        return swap ? [b, a] : [a, b];
      }),
  );

/** Finite float32 values in [−bound, bound]. */
export const arbValues = (n: number, bound = 4): fc.Arbitrary<Float32Array> =>
  fc
    .array(fc.float({ min: Math.fround(-bound), max: Math.fround(bound), noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n })
    .map((xs) => Float32Array.from(xs, (x) => (Object.is(x, -0) ? 0 : x)));

/** Host data for a float32 tensor of `shape` (build the tensor inside the property, so scopes apply). */
export const arbData = (shape: Shape, bound = 4): fc.Arbitrary<{ shape: Shape; data: Float32Array }> =>
  arbValues(sizeOf(shape), bound).map((data) => ({ shape, data }));

/** A float32 tensor of `shape` with bounded finite values, on the default backend. */
export const arbTensor = (shape: Shape, bound = 4): fc.Arbitrary<Tensor> =>
  arbValues(sizeOf(shape), bound).map((data) => tensor(data, shape));

/** A float32 matrix [r, c]. */
export const arbMatrix = (r: number, c: number, bound = 4): fc.Arbitrary<Tensor> => arbTensor([r, c], bound);

/** A random permutation of 0..n−1. */
export const arbPermutation = (n: number): fc.Arbitrary<number[]> =>
  fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });

/** Query/key/value matrices with random lengths and widths: q [tq, d], k [tk, d], v [tk, dv]. */
export const arbQkv = ({ maxLen = 8, maxDim = 8, bound = 4 } = {}) =>
  fc
    .record({
      tq: fc.integer({ min: 1, max: maxLen }),
      tk: fc.integer({ min: 1, max: maxLen }),
      d: fc.integer({ min: 1, max: maxDim }),
      dv: fc.integer({ min: 1, max: maxDim }),
    })
    .chain(({ tq, tk, d, dv }) =>
      fc.record({ q: arbData([tq, d], bound), k: arbData([tk, d], bound), v: arbData([tk, dv], bound) }),
    );
