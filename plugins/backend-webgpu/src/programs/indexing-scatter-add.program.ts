// ScatterAdd, pass 2 of 2: each output element out[p, r, q] = base[p, r, q] plus the sources of
// every index equal to r, in index order, following the chains pass 1 built.
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import type { WgslType } from './elementwise.program.ts';
import { WGSL_MATH } from './math.wgsl.ts';
import { KAHAN_RESULT, KAHAN_STEP } from './reduce.program.ts';

/** Meta: [out size, m (index count), n (axis size), inner, 1.0 as f32]. */
const META_WORDS = 5;

/** What every output element becomes when an index was out of range: NaN, or the most negative int32 (which no index accepts). */
export const SCATTER_POISON: Readonly<Record<WgslType, string>> = { f32: 'nan()', i32: 'bitcast<i32>(0x80000000u)' };

/**
 * The accumulation pass; f32 sums use Kahan compensation (repeated indices may add up many terms).
 * links[n + m] is pass 1's flag for an index outside [0, n): a shader cannot throw the oracle's
 * RangeError, so the whole output is poisoned instead (NaN for f32), never silently short.
 * NOTE: `one` is 1.0 read from meta: without it the compiler folds Kahan's (s − acc) − y to 0.
 */
export function indexingScatterAddProgram(t: WgslType): WgslProgram {
  const isF = t === 'f32';
  return {
    key: `indexing/scatter-add/${t}`,
    metaWords: META_WORDS,
    source: `@group(0) @binding(0) var<storage, read> base: array<${t}>;
@group(0) @binding(1) var<storage, read> src: array<${t}>;
@group(0) @binding(2) var<storage, read> links: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
${metaPrelude(4, META_WORDS)}
${isF ? WGSL_MATH : ''}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid1(gid, nwg);
  if (i >= m(0u)) { return; }
  let count = m(1u);
  let n = m(2u);
  if (links[n + count] != 0u) { out[i] = ${SCATTER_POISON[t]}; return; }
  let inner = m(3u);
  let q = i % inner;
  let t = i / inner;
  let r = t % n;
  let p = t / n;
  var acc = base[i];
  var comp = ${t}(0);
  let one = mf(4u);
  var j = links[r];
  loop {
    if (j == 0u) { break; }
    let v = src[(p * count + j - 1u) * inner + q];
    ${isF ? KAHAN_STEP : 'acc += v;'}
    j = links[n + j - 1u];
  }
  out[i] = ${isF ? KAHAN_RESULT : 'acc'};
}`,
  };
}
