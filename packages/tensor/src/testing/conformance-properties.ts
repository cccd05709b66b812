// The conformance suite's fast-check half: op families on generated shapes (odd sizes, size-1 and
// broadcast axes, batched matmuls with transposes, random axes and permutations, masked and causal
// attention), each drawn case checked forward and through its gradients against the reference by
// compareBackends. Backend plugins run every property; the fixed cases in conformance.ts stay the
// quick, named regression set.
import fc from 'fast-check';
import * as ops from '../ops/index.ts';
import type { Backend } from '../backend.ts';
import type { Tensor } from '../tensor.ts';
import { ones } from '../creation.ts';
import { arbBroadcastPair, arbShape } from './arbitraries.ts';
import { compareBackends, type InputSpec, type ParityResult } from './parity.ts';

/** One generated case: inputs, the function, and its tolerances. */
export interface PropertyCase {
  readonly label: string;
  readonly inputs: readonly InputSpec[];
  readonly run: (...xs: Tensor[]) => ParityResult;
  readonly atol?: number;
  readonly rtol?: number;
}

/** A named family of generated cases. */
export interface ConformanceProperty {
  readonly name: string;
  readonly cases: fc.Arbitrary<PropertyCase>;
}

const f = (shape: readonly number[], low = -2, high = 2): InputSpec => ({ shape: [...shape], low, high });
const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
const dim = (max: number): fc.Arbitrary<number> => fc.integer({ min: 1, max });
/** A case: `run` gets the input tensors in order. */
const kase = (label: string, inputs: InputSpec[], run: PropertyCase['run'], tol: { atol?: number; rtol?: number } = {}): PropertyCase => ({ label, inputs, run, ...tol });

const BINARY: readonly [string, (a: Tensor, b: Tensor) => Tensor, [number, number], [number, number]][] = [
  ['add', ops.add, [-2, 2], [-2, 2]], ['sub', ops.sub, [-2, 2], [-2, 2]], ['mul', ops.mul, [-2, 2], [-2, 2]],
  ['div', ops.div, [-2, 2], [0.5, 2]], ['pow', ops.pow, [0.5, 2], [-2, 2]],
  ['maximum', ops.maximum, [-2, 2], [-2, 2]], ['minimum', ops.minimum, [-2, 2], [-2, 2]],
];
const UNARY: readonly [string, (x: Tensor) => Tensor, [number, number]][] = [
  ['neg', ops.neg, [-2, 2]], ['exp', ops.exp, [-2, 2]], ['log', ops.log, [0.5, 3]], ['sqrt', ops.sqrt, [0.5, 3]], ['rsqrt', ops.rsqrt, [0.5, 3]],
  ['abs', ops.abs, [-2, 2]], ['tanh', ops.tanh, [-3, 3]], ['sigmoid', ops.sigmoid, [-3, 3]], ['relu', ops.relu, [-2, 2]], ['erf', ops.erf, [-2, 2]],
  ['gelu', (x) => ops.gelu(x), [-3, 3]], ['gelu tanh', (x) => ops.gelu(x, 'tanh'), [-3, 3]],
];

/** Every property; names are unique. */
export const conformanceProperties: readonly ConformanceProperty[] = [
  {
    name: 'binary ops with broadcasting',
    cases: fc.tuple(arbBroadcastPair({ maxRank: 4, maxDim: 6 }), pick(BINARY)).map(([[sa, sb], [name, fn, ra, rb]]) =>
      kase(`${name} [${sa}]·[${sb}]`, [f(sa, ...ra), f(sb, ...rb)], (a, b) => fn(a!, b!), { rtol: 1e-4 })),
  },
  {
    name: 'comparisons and where with broadcasting',
    cases: arbBroadcastPair({ maxRank: 3, maxDim: 6 }).map(([sa, sb]) =>
      kase(`where [${sa}]·[${sb}]`, [f(sa), f(sb)], (a, b) => ops.where(ops.greater(a!, b!), a!, ops.where(ops.less(a!, b!), b!.mul(2), ops.cast(ops.equal(a!, b!), 'float32'))))),
  },
  {
    name: 'unary ops',
    cases: fc.tuple(arbShape({ maxRank: 3, maxDim: 9 }), pick(UNARY)).map(([s, [name, fn, r]]) => kase(`${name} [${s}]`, [f(s, ...r)], (x) => fn(x!))),
  },
  {
    name: 'sum, mean, max and min over random axes',
    cases: arbShape({ minRank: 1, maxRank: 4, maxDim: 7 }).chain((s) =>
      fc.tuple(fc.subarray(s.map((_, i) => i), { minLength: 1 }), fc.boolean(), pick(['sum', 'mean', 'max', 'min'] as const)).map(([axes, keep, op]) =>
        kase(`${op} [${s}] axes ${axes}${keep ? ' keepDim' : ''}`, [f(s)], (x) => ops[op](x!, axes, keep)))),
  },
  {
    name: 'argmax and argmin along a random axis',
    cases: arbShape({ minRank: 1, maxRank: 3, maxDim: 7 }).chain((s) =>
      fc.tuple(fc.integer({ min: 0, max: s.length - 1 }), fc.boolean()).map(([axis, keep]) =>
        kase(`arg [${s}] axis ${axis}`, [f(s)], (x) => ops.cast(ops.argmax(x!, axis, keep), 'float32').add(ops.cast(ops.argmin(x!, axis, keep), 'float32'))))),
  },
  {
    name: 'matmul: odd sizes, broadcast batch axes, transposed operands',
    cases: fc.tuple(arbBroadcastPair({ maxRank: 2, maxDim: 3 }), dim(17), dim(17), dim(17), fc.boolean(), fc.boolean()).map(([[ba, bb], m, k, n, ta, tb]) => {
      const a = [...ba, ...(ta ? [k, m] : [m, k])];
      const b = [...bb, ...(tb ? [n, k] : [k, n])];
      return kase(`matmul [${a}]${ta ? 'ᵀ' : ''}·[${b}]${tb ? 'ᵀ' : ''}`, [f(a), f(b)], (x, y) => ops.matmul(x!, y!, { transA: ta, transB: tb }), { atol: 1e-4, rtol: 1e-4 });
    }),
  },
  {
    name: 'softmax and logSoftmax along a random axis',
    cases: arbShape({ minRank: 1, maxRank: 4, maxDim: 9 }).chain((s) =>
      fc.tuple(fc.integer({ min: 0, max: s.length - 1 }), fc.boolean()).map(([axis, log]) =>
        kase(`${log ? 'logSoftmax' : 'softmax'} [${s}] axis ${axis}`, [f(s, -4, 4)], (x) => (log ? ops.logSoftmax(x!, axis) : ops.softmax(x!, axis))))),
  },
  {
    // Values in ±0.05 (variance up to ≈ 8e-4) against ε up to 0.1 make ε change the output (and rows of
    // one element are constant: rstd = 1/√ε), so mean and rstd are compared too.
    name: 'layerNorm with and without affine parameters, over eps and the scale of x',
    cases: fc.tuple(arbShape({ minRank: 0, maxRank: 2, maxDim: 5 }), dim(33), fc.boolean(), pick([1e-5, 1e-3, 0.1]), pick([2, 0.05])).map(([lead, d, affine, eps, s]) => {
      const x = f([...lead, d], -s, s);
      return kase(`layerNorm [${[...lead, d]}]${affine ? ' affine' : ''} eps ${eps} x in ±${s}`, affine ? [x, f([d]), f([d])] : [x],
        (xs, w, b) => ops.layerNormWithStats(xs!, w, b, eps), { atol: 1e-4, rtol: 1e-4 });
    }),
  },
  {
    name: 'permute by a random permutation',
    cases: arbShape({ minRank: 1, maxRank: 5, maxDim: 5 }).chain((s) =>
      fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }).map((axes) => kase(`permute [${s}] → ${axes}`, [f(s)], (x) => ops.permute(x!, axes)))),
  },
  {
    name: 'slice, pad and expand',
    cases: arbShape({ minRank: 1, maxRank: 3, maxDim: 6 }).chain((s) =>
      fc.tuple(
        fc.tuple(...s.map((d) => fc.integer({ min: 0, max: d - 1 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 1, max: d - b }))))),
        fc.tuple(...s.map(() => fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })))),
        fc.integer({ min: 1, max: 3 }),
      ).map(([bs, pads, rep]) =>
        kase(`slice/pad/expand [${s}]`, [f(s)], (x) => {
          const sliced = ops.slice(x!, bs.map(([b]) => b), bs.map(([b, n]) => b + n)); // [begin, end)
          return ops.pad(sliced, pads, 0.25).unsqueeze(0).expand([rep, ...pads.map(([lo, hi], i) => lo + hi + bs[i]![1])]);
        }))),
  },
  {
    name: 'concat along a random axis',
    cases: arbShape({ minRank: 1, maxRank: 3, maxDim: 5 }).chain((s) =>
      fc.tuple(fc.integer({ min: 0, max: s.length - 1 }), fc.array(dim(4), { minLength: 1, maxLength: 3 })).map(([axis, sizes]) => {
        const shapes = sizes.map((n) => s.map((d, i) => (i === axis ? n : d)));
        return kase(`concat axis ${axis} of ${shapes.map((x) => `[${x}]`).join(', ')}`, shapes.map((x) => f(x)), (...xs) => ops.concat(xs, axis));
      })),
  },
  {
    name: 'gather rows (and its scatter-add gradient with repeated indices)',
    cases: fc.tuple(dim(9), dim(5), arbShape({ minRank: 1, maxRank: 2, maxDim: 6 })).map(([rows, width, idx]) =>
      kase(`gather [${rows},${width}] by [${idx}]`, [f([rows, width]), { shape: idx, kind: 'int', low: 0, high: rows }], (x, i) => ops.gather(x!, i!, 0))),
  },
  {
    name: 'attention: odd sizes, cross lengths, causal, key-padding masks',
    cases: fc.tuple(dim(2), dim(3), dim(9), dim(9), dim(9), dim(7), fc.boolean(), fc.boolean()).map(([b, h, tq, tk, d, dv, causal, masked]) => {
      const inputs = [f([b, h, tq, d]), f([b, h, tk, d]), f([b, h, tk, dv])];
      // The key-padding mask keeps key 0, so no row is fully masked (that case has its own spec).
      if (masked && tk >= 2) inputs.push({ shape: [b, 1, 1, tk - 1], kind: 'int', low: 0, high: 2 });
      return kase(`attention b${b} h${h} tq${tq} tk${tk} d${d} dv${dv}${causal ? ' causal' : ''}${masked && tk >= 2 ? ' masked' : ''}`, inputs, (q, k, v, m) => {
        const mask = m ? ops.concat([ones([b, 1, 1, 1], { dtype: 'int32', backend: m.backend }), m], 3) : undefined;
        return ops.scaledDotProductAttention(q!, k!, v!, { ...(mask && { mask }), causal: causal && tq <= tk });
      }, { atol: 1e-4, rtol: 1e-4 });
    }),
  },
];

/** Options of a property run. */
export interface PropertyRunOptions {
  /** Cases per property (default: `numRuns()`, 100, or FC_RUNS). GPU adapters in software may want fewer. */
  readonly numRuns?: number;
  /** fast-check's seed, for a reproducible run. */
  readonly seed?: number;
}

/**
 * Checks one property on `backend` against `reference`: every generated case, forward and
 * gradients. Resolves, or rejects with fast-check's report (the shrunk case's label and the mismatch).
 */
export async function checkConformanceProperty(prop: ConformanceProperty, backend: Backend, reference: Backend, options: PropertyRunOptions = {}): Promise<void> {
  await fc.assert(
    fc.asyncProperty(prop.cases, fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (c, seed) => {
      const msg = await compareBackends(c.run, c.inputs, backend, reference, { atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4, seed });
      if (msg !== null) throw new Error(`${c.label}: ${msg}`);
    }),
    { numRuns: options.numRuns ?? Number(globalThis.process?.env?.FC_RUNS ?? 100), ...(options.seed !== undefined && { seed: options.seed }) },
  );
}
