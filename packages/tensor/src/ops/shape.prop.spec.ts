// Laws of the shape and indexing ops: slice undoes concat and pad, inverse permutations undo
// gather, and scatterAdd is gather's adjoint (which is why it is gather's gradient).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, gather, pad, scatterAdd, sizeOf, slice, tensor, tidy, zeros, type Shape } from '../index.ts';

const numRuns = Number(process.env['FC_RUNS'] ?? 100);
// fc.float bounds must be float32-exact.
const finite = fc.float({ min: Math.fround(-4), max: Math.fround(4), noNaN: true });
const arbData = (n: number) => fc.array(finite, { minLength: n, maxLength: n }).map((xs) => Float32Array.from(xs));
const arbShape = (minRank: number, maxRank: number, maxDim = 3) =>
  fc.array(fc.integer({ min: 0, max: maxDim }), { minLength: minRank, maxLength: maxRank });
const arbValues = (shape: Shape) => arbData(sizeOf(shape)).map((data) => ({ shape, data }));
const arbPermutation = (n: number) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });
const host = (data: Float32Array | Int32Array): number[] => Array.from(data);

describe('shape ops laws', () => {
  it('slices the parts back out of a concat', () => {
    const arb = arbShape(1, 3).chain((shape) =>
      fc.integer({ min: 0, max: shape.length - 1 }).chain((axis) =>
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }).chain((sizes) =>
          fc.tuple(fc.constant(axis), fc.tuple(...sizes.map((d) => arbValues(shape.map((s, i) => (i === axis ? d : s)))))),
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([axis, parts]) =>
        tidy(() => {
          const xs = parts.map(({ shape, data }) => tensor(data, shape));
          const y = concat(xs, axis);
          let at = 0;
          for (const x of xs) {
            const begin = y.shape.map((_, i) => (i === axis ? at : 0));
            at += x.shape[axis]!;
            const back = slice(y, begin, y.shape.map((d, i) => (i === axis ? at : d)));
            expect(back.shape).toEqual(x.shape);
            expect(host(back.dataSync())).toEqual(host(x.dataSync()));
          }
          expect(at).toBe(y.shape[axis]);
        }),
      ),
      { numRuns },
    );
  });

  it('slices the input back out of a pad', () => {
    const arb = arbShape(0, 3).chain((shape) =>
      fc.record({
        x: arbValues(shape),
        pads: fc.tuple(...shape.map(() => fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })))),
        value: finite,
      }),
    );
    fc.assert(
      fc.property(arb, ({ x: { shape, data }, pads, value }) =>
        tidy(() => {
          const y = pad(tensor(data, shape), pads, value);
          const back = slice(y, pads.map(([b]) => b), pads.map(([b], i) => b + shape[i]!));
          expect(back.shape).toEqual(shape);
          expect(host(back.dataSync())).toEqual(host(data));
        }),
      ),
      { numRuns },
    );
  });

  it('undoes a gather by a permutation with a gather by its inverse', () => {
    const arb = arbShape(1, 3)
      .filter((shape) => shape.every((d) => d > 0))
      .chain((shape) =>
        fc.integer({ min: 0, max: shape.length - 1 }).chain((axis) =>
          fc.record({ x: arbValues(shape), axis: fc.constant(axis), perm: arbPermutation(shape[axis]!) }),
        ),
      );
    fc.assert(
      fc.property(arb, ({ x: { shape, data }, axis, perm }) =>
        tidy(() => {
          const inverse = new Array<number>(perm.length);
          perm.forEach((p, i) => (inverse[p] = i));
          const back = gather(gather(tensor(data, shape), perm, axis), inverse, axis);
          expect(back.shape).toEqual(shape);
          expect(host(back.dataSync())).toEqual(host(data));
        }),
      ),
      { numRuns },
    );
  });

  it('makes scatterAdd the adjoint of gather: sum(gather(x, idx)·w) = sum(x·scatterAdd(0, idx, w))', () => {
    const arb = arbShape(1, 3)
      .filter((shape) => shape.every((d) => d > 0))
      .chain((shape) =>
        fc.integer({ min: 0, max: shape.length - 1 }).chain((axis) =>
          arbShape(1, 2).chain((idxShape) =>
            fc.record({
              x: arbValues(shape),
              axis: fc.constant(axis),
              idx: fc.array(fc.integer({ min: 0, max: shape[axis]! - 1 }), { minLength: sizeOf(idxShape), maxLength: sizeOf(idxShape) }),
              idxShape: fc.constant(idxShape),
              w: arbData(sizeOf([...shape.slice(0, axis), ...idxShape, ...shape.slice(axis + 1)])),
            }),
          ),
        ),
      );
    fc.assert(
      fc.property(arb, ({ x: { shape, data }, axis, idx, idxShape, w }) =>
        tidy(() => {
          const x = tensor(data, shape).requireGrad();
          const indices = tensor(idx, idxShape, { dtype: 'int32' });
          const g = gather(x, indices, axis);
          const s = scatterAdd(zeros(shape), indices, tensor(w, g.shape), axis);
          const lhs = dot(g.dataSync(), w);
          const rhs = dot(data, s.dataSync());
          expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-5 * (1 + absDot(g.dataSync(), w)));
          // ScatterAdd of the cotangent is exactly what autograd hands back for x.
          g.backward(tensor(w, g.shape));
          expect(host(x.grad!.dataSync())).toEqual(host(s.dataSync()));
        }),
      ),
      { numRuns },
    );
  });
});

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc += a[i]! * b[i]!;
  return acc;
};
const absDot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc += Math.abs(a[i]! * b[i]!);
  return acc;
};
