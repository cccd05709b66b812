// Strided reductions (sum, max, min, argmax, argmin): one invocation per output element — or per
// chunk of its reduced elements, for a second pass to combine — walking the reduced axes with an
// odometer whose innermost axis is a tight loop. Sums use Kahan compensation in f32.
import { f32, metaPrelude, WG, type MetaWord, type WgslProgram } from '../program.ts';
import { MAX_RANK } from './broadcast.ts';
import type { WgslType } from './elementwise.program.ts';
import { WGSL_MATH } from './math.wgsl.ts';
import { padWords } from './strided.ts';

/** What a reduction computes. */
export type ReduceMode = 'sum' | 'max' | 'min' | 'argmax' | 'argmin';

/** Meta (shared with the tree program): [invocations, keptRank, redRank, chunkLen, chunks, redCount, 1.0 (f32), _, keptShape, keptStrides, redShape, redStrides]. */
export const REDUCE_META_WORDS = 8 + 4 * MAX_RANK;

/** Where the reduction reads: kept axes (one output element each) and reduced axes, both as input strides. */
export interface ReducePlan {
  readonly keptShape: readonly number[];
  readonly keptStrides: readonly number[];
  /** At least one axis (a size-1 axis of stride 0 when nothing is reduced). */
  readonly redShape: readonly number[];
  readonly redStrides: readonly number[];
}

/** Meta words of one pass: `chunks` partial results per output element, each over `chunkLen` reduced elements. */
export function reduceMeta(plan: ReducePlan, nOut: number, chunkLen: number, chunks: number): MetaWord[] {
  const redCount = plan.redShape.reduce((a, b) => a * b, 1);
  return [
    nOut * chunks, plan.keptShape.length, plan.redShape.length, chunkLen, chunks, redCount, f32(1), 0,
    ...padWords(plan.keptShape), ...padWords(plan.keptStrides), ...padWords(plan.redShape), ...padWords(plan.redStrides),
  ];
}

/**
 * One compensated addition of `v` to `acc` (needs `comp`, `one` = 1.0 from meta, and WGSL_MATH).
 * Once the sum is ±inf or NaN the correction would be inf − inf = NaN, so it is only taken while
 * the sum is finite: an infinite input or an overflow then sums to ±inf, as in the oracle.
 */
export const KAHAN_STEP = 'let y = v - comp; let s = acc + y; comp = select(0.0, (s * one - acc) - y, is_finite(s)); acc = s;';
/** The compensated sum: acc − comp while finite, else acc itself (±inf stays ±inf, NaN stays NaN). */
export const KAHAN_RESULT = 'select(acc, acc - comp, is_finite(acc))';

/**
 * The accumulator's declaration, one step over `v` (reduced index `ri`), and the value stored (the
 * workgroup-tree program runs the same steps per lane). Needs `bits()` and, for f32, WGSL_MATH.
 */
export function accumulator(mode: ReduceMode, t: WgslType): { init: string; step: string; result: string } {
  const isF = t === 'f32';
  // ±inf from run-time bits: a constant infinity is a WGSL compile error.
  const lowest = isF ? 'bitcast<f32>(bits(0xff800000u))' : 'bitcast<i32>(0x80000000u)';
  const highest = isF ? 'bitcast<f32>(bits(0x7f800000u))' : 'bitcast<i32>(0x7fffffffu)';
  switch (mode) {
    case 'sum':
      // Kahan: `comp` carries the low bits each addition loses, so long rows stay near the exact sum.
      // NOTE: `one` is 1.0 read from meta: without it the compiler folds (s − acc) − y to 0.
      return isF ? { init: 'var acc = 0.0; var comp = 0.0; let one = mf(6u);', step: KAHAN_STEP, result: KAHAN_RESULT }
        : { init: 'var acc = 0i;', step: 'acc += v;', result: 'acc' };
    case 'max':
      return { init: `var acc = ${lowest};`, step: isF ? 'acc = fmax_nan(acc, v);' : 'acc = max(acc, v);', result: 'acc' };
    case 'min':
      return { init: `var acc = ${highest};`, step: isF ? 'acc = fmin_nan(acc, v);' : 'acc = min(acc, v);', result: 'acc' };
    default: {
      // First extreme wins (strict comparison); a NaN beats any number, and the first NaN stays.
      const cmp = mode === 'argmax' ? '>' : '<';
      const nan = isF ? ' || (is_nan(v) && !is_nan(best))' : '';
      return {
        init: `var best = ${mode === 'argmax' ? lowest : highest}; var bi = 0u; var have = false;`,
        step: `if (!have || v ${cmp} best${nan}) { best = v; bi = ri; have = true; }`,
        result: 'i32(bi)',
      };
    }
  }
}

/** WGSL `bits(b)`: b laundered through a var, so ±inf built from it is not a constant expression. */
export const WGSL_BITS = 'fn bits(b: u32) -> u32 { var v = b; return v; }';

/**
 * The reduce meta's layout constants and `kept_offset(o)`: the offset of output element o's first
 * input element (its kept coordinates, from o / chunks, times their strides). Shared by the serial
 * and the workgroup-tree programs, which read the same meta.
 */
export const WGSL_REDUCE_LAYOUT = `const KS = 8u; const KT = ${8 + MAX_RANK}u; const RS = ${8 + 2 * MAX_RANK}u; const RT = ${8 + 3 * MAX_RANK}u;
fn kept_offset(o: u32) -> u32 {
  var off = 0u;
  var rem = o / m(4u);
  for (var d = m(1u); d > 0u; d--) {
    let dim = m(KS + d - 1u);
    off += (rem % dim) * m(KT + d - 1u);
    rem = rem / dim;
  }
  return off;
}`;

/** A reduction of `T` elements; arg modes write i32, the others `T`. */
export function reduceProgram(mode: ReduceMode, t: WgslType): WgslProgram {
  const { init, step, result } = accumulator(mode, t);
  const outType = mode === 'argmax' || mode === 'argmin' ? 'i32' : t;
  return {
    key: `reduce/${mode}/${t}`,
    metaWords: REDUCE_META_WORDS,
    source: `@group(0) @binding(0) var<storage, read> x: array<${t}>;
@group(0) @binding(1) var<storage, read_write> out: array<${outType}>;
${metaPrelude(2, REDUCE_META_WORDS)}
${t === 'f32' ? WGSL_MATH : ''}
${WGSL_BITS}
${WGSL_REDUCE_LAYOUT}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = gid1(gid, nwg);
  if (o >= m(0u)) { return; }
  let chunks = m(4u);
  // Offset of this output element's first input element: its kept coordinates times their strides.
  var off = kept_offset(o);
  // This pass covers reduced elements [r0, r1) in row-major order of the reduced axes.
  var r = (o % chunks) * m(3u);
  let r1 = min(r + m(3u), m(5u));
  let last = m(2u) - 1u;
  var coord: array<u32, ${MAX_RANK}>;
  var rem = r;
  for (var d = m(2u); d > 0u; d--) {
    let dim = m(RS + d - 1u);
    coord[d - 1u] = rem % dim;
    off += coord[d - 1u] * m(RT + d - 1u);
    rem = rem / dim;
  }
  let dl = m(RS + last);
  let sl = m(RT + last);
  ${init}
  loop {
    if (r >= r1) { break; }
    // The rest of the innermost axis (or of the range) as one tight loop.
    let run = min(dl - coord[last], r1 - r);
    for (var k = 0u; k < run; k++) {
      let v = x[off + k * sl];
      let ri = r + k;
      ${step}
    }
    r += run;
    off += run * sl;
    coord[last] += run;
    // Carry into the outer reduced axes.
    var a = last;
    loop {
      if (a == 0u || coord[a] < m(RS + a)) { break; }
      off -= coord[a] * m(RT + a);
      coord[a] = 0u;
      a -= 1u;
      coord[a] += 1u;
      off += m(RT + a);
    }
  }
  out[o] = ${result};
}`,
  };
}
