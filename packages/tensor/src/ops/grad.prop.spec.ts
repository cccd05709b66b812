// Every differentiable op's gradient against central finite differences on random shapes, plus
// the broadcasting laws. Shapes stay tiny: a check costs two forward passes per input element.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ops from '../index.ts';
import { tensor, tidy, type Tensor } from '../index.ts';
import { arbBroadcastPair, arbPermutation, arbShape, arbValues, checkGrads, expectAllClose, numRuns } from '../testing/index.ts';

// Gradient checks are the slowest properties; a quarter of the runs keeps the suite in seconds.
const runs = { numRuns: Math.max(10, Math.floor(numRuns() / 4)) };
const leaf = (shape: readonly number[], data: Float32Array): Tensor => tensor(data, shape);
const withData = (shape: number[], bound = 2) => arbValues(shape.reduce((a, b) => a * b, 1), bound).map((d) => ({ shape, d }));
const check = (f: (...xs: Tensor[]) => Tensor, inputs: { shape: number[]; d: Float32Array }[], eps?: number) =>
  tidy(() => checkGrads(f, inputs.map(({ shape, d }) => leaf(shape, d)), eps ? { eps } : {}));

const unary: [string, (x: Tensor) => Tensor][] = [
  ['neg', ops.neg], ['exp', ops.exp], ['tanh', ops.tanh], ['sigmoid', ops.sigmoid], ['erf', ops.erf],
  ['gelu', (x) => ops.gelu(x)], ['gelu tanh', (x) => ops.gelu(x, 'tanh')],
  // x² + ½ keeps the argument positive without abs's kink at 0 (where differences are meaningless).
  ['log', (x) => ops.log(x.mul(x).add(0.5))], ['sqrt', (x) => ops.sqrt(x.mul(x).add(0.5))], ['rsqrt', (x) => ops.rsqrt(x.mul(x).add(0.5))],
  ['abs', (x) => ops.abs(x.sub(3)).add(ops.abs(x.add(3)))], // both branches, away from the kink (|x| ≤ 2)
  ['softmax', (x) => ops.softmax(x)], ['logSoftmax', (x) => ops.logSoftmax(x)], // A ramp of step 5 along the row (data span 4) keeps every row's variance ≥ ¼: near-constant rows
  // make layer norm's curvature too sharp for any finite-difference step.
  ['layerNorm', (x) => ops.layerNorm(x.add(ops.arange(0, 5 * x.shape.at(-1)!, 5, { dtype: 'float32' })))],
];

const binary: [string, (a: Tensor, b: Tensor) => Tensor][] = [
  ['add', ops.add], ['sub', ops.sub], ['mul', ops.mul], ['div', (a, b) => ops.div(a, b.mul(b).add(0.5))],
  ['pow', (a, b) => ops.pow(a.mul(a).add(0.5), b)], ['maximum', (a, b) => ops.maximum(a, b.add(0.125))],
];

describe('gradients match finite differences on random shapes', () => {
  it.each(unary)('%s', (_, f) => {
    fc.assert(fc.property(arbShape({ minRank: 1, maxRank: 3, maxDim: 4 }).chain((s) => withData(s)), (x) => void check((a) => f(a!), [x], 1e-3)), runs);
  });

  it.each(binary)('%s with broadcasting', (_, f) => {
    const arb = arbBroadcastPair({ maxRank: 3, maxDim: 3 }).chain(([a, b]) => fc.tuple(withData(a), withData(b)));
    fc.assert(fc.property(arb, ([a, b]) => void check((x, y) => f(x!, y!), [a, b], 1e-3)), runs);
  });

  it('reductions over random axes', () => {
    const arb = arbShape({ minRank: 1, maxRank: 3, maxDim: 4 }).chain((s) =>
      fc.tuple(withData(s), fc.subarray([...s.keys()], { minLength: 1 }), fc.boolean(), arbPermutation(s.reduce((a, b) => a * b, 1)),
        fc.constantFrom('sum', 'mean', 'max', 'min') as fc.Arbitrary<'sum' | 'mean' | 'max' | 'min'>),
    );
    // max/min: a permuted ramp (steps of 0.05) under a small multiple of the data keeps the values
    // distinct by more than the finite-difference step, so no difference straddles a tie.
    fc.assert(fc.property(arb, ([x, axes, keep, perm, name]) => {
      const ramp = tensor(Float32Array.from(perm, (i) => i * 0.05), x.shape);
      check((a) => ops[name](name === 'max' || name === 'min' ? a!.mul(0.01).add(ramp) : a!, axes, keep), [x], 1e-3);
      ramp.dispose();
    }), runs);
  });

  it('matmul with random sizes, batches and transposes', () => {
    const arb = fc.record({
      b: fc.integer({ min: 1, max: 2 }), m: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 4 }), n: fc.integer({ min: 1, max: 4 }),
      transA: fc.boolean(), transB: fc.boolean(), bBatched: fc.boolean(),
    }).chain((p) => fc.tuple(
      fc.constant(p),
      withData(p.transA ? [p.b, p.k, p.m] : [p.b, p.m, p.k]),
      withData([...(p.bBatched ? [p.b] : []), ...(p.transB ? [p.n, p.k] : [p.k, p.n])]),
    ));
    fc.assert(fc.property(arb, ([p, a, b]) => void check((x, y) => ops.matmul(x!, y!, { transA: p.transA, transB: p.transB }), [a, b])), runs);
  });

  it('permute, expand, slice and pad', () => {
    const arb = arbShape({ minRank: 1, maxRank: 3, maxDim: 3 }).chain((s) =>
      fc.tuple(withData(s), arbPermutation(s.length), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: s.length, maxLength: s.length })),
    );
    fc.assert(fc.property(arb, ([x, perm, extra]) => {
      check((a) => ops.permute(a!, perm), [x]);
      check((a) => ops.expand(a!.unsqueeze(0), [2, ...x.shape]), [x]);
      check((a) => ops.slice(a!, extra.map((e, i) => Math.min(e, x.shape[i]! - 1))), [x]);
      check((a) => ops.pad(a!, extra.map((e) => [e, 1] as const)), [x]);
    }), runs);
  });

  it('attention with random lengths and widths', () => {
    const arb = fc.record({ tq: fc.integer({ min: 1, max: 4 }), tk: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 1, max: 3 }), dv: fc.integer({ min: 1, max: 3 }), causal: fc.boolean() })
      .chain((p) => fc.tuple(fc.constant(p), withData([1, p.tq, p.d]), withData([1, p.tk, p.d]), withData([1, p.tk, p.dv])));
    fc.assert(fc.property(arb, ([p, q, k, v]) =>
      void check((a, b, c) => ops.scaledDotProductAttention(a!, b!, c!, { causal: p.causal && p.tq <= p.tk }).out, [q, k, v], 1e-3)), runs);
  });
});

describe('broadcasting laws', () => {
  const pairs = arbBroadcastPair({ maxRank: 4, maxDim: 3 }).chain(([a, b]) => fc.tuple(withData(a), withData(b)));

  it('a binary op on broadcast operands equals it on operands expanded to the result shape', () => {
    fc.assert(fc.property(pairs, ([a, b]) => tidy(() => {
      const x = leaf(a.shape, a.d);
      const y = leaf(b.shape, b.d);
      const out = ops.mul(x, y);
      expectAllClose(out, ops.mul(ops.expand(x, out.shape), ops.expand(y, out.shape)), { atol: 0, rtol: 0 });
    })), { numRuns: numRuns() });
  });

  it('add and mul commute and broadcasting is symmetric', () => {
    fc.assert(fc.property(pairs, ([a, b]) => tidy(() => {
      const x = leaf(a.shape, a.d);
      const y = leaf(b.shape, b.d);
      expect(ops.add(x, y).shape).toEqual(ops.add(y, x).shape);
      expectAllClose(ops.add(x, y), ops.add(y, x), { atol: 0, rtol: 0 });
      expectAllClose(ops.mul(x, y), ops.mul(y, x), { atol: 0, rtol: 0 });
    })), { numRuns: numRuns() });
  });

  it('sumTo undoes expand up to the number of copies', () => {
    fc.assert(fc.property(pairs, ([a, b]) => tidy(() => {
      const small = leaf(b.shape, b.d);
      const target = ops.broadcastShapes('law', a.shape, b.shape);
      const copies = target.reduce((p, d) => p * d, 1) / Math.max(1, small.size);
      expectAllClose(ops.sumTo(ops.expand(small, target), small.shape), small.mul(copies), { atol: 1e-5, rtol: 1e-5 });
    })), { numRuns: numRuns() });
  });
});
