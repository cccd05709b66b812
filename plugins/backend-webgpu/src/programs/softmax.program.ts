// Softmax and log-softmax along any axis: one invocation per row, three passes over it (max,
// Σ exp, write), elements read in place `inner` apart, so no axis needs a transpose first. The tree
// variant (hardware adapters, long rows) gives each row a workgroup and folds max and Σ in a tree.
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import { WGSL_MATH } from './math.wgsl.ts';
import { TREE_WG, wgslTreeF32 } from './workgroup-tree.wgsl.ts';

/** Which function of the row the program writes. */
export type SoftmaxKind = 'softmax' | 'log-softmax';

/** WGSL `neg_inf()`: −∞ built at run time (a constant −∞ is a WGSL compile error). */
export const WGSL_NEG_INF = 'fn neg_inf() -> f32 { var bits = 0xff800000u; return bitcast<f32>(bits); }';

/** WGSL of the row walk: `row_base(r)` is where row r starts; meta [rows, len, inner]. */
export const WGSL_ROWS = /* wgsl */ `
fn row_base(r: u32) -> u32 { let inner = m(2u); return (r / inner) * m(1u) * inner + r % inner; }
`;

/** What a fully masked row gets, and the write of element `o` given the row's `mx`, `s` and `ls`. */
function writes(kind: SoftmaxKind): { allMasked: string; write: string } {
  return {
    allMasked: kind === 'softmax' ? '0.0' : 'neg_inf()',
    // (x − max) − log Σ: x − max is exact near the maximum, so small log-probs keep their digits.
    write: kind === 'softmax' ? 'exp(x[o] - mx) / s' : '(x[o] - mx) - ls',
  };
}

/**
 * y = softmax(x) or log-softmax(x) along the axis; meta [rows, len, inner] (rows = outer·inner).
 * Stable: the row maximum is subtracted first. A row of only −∞ (or an empty one) gives zeros
 * (softmax) or stays −∞ (log-softmax), as the oracle; a NaN anywhere in a row makes it NaN.
 */
export function softmaxProgram(kind: SoftmaxKind, tree = false): WgslProgram {
  if (tree) return softmaxTreeProgram(kind);
  const metaWords = 3;
  const { allMasked, write } = writes(kind);
  return {
    key: `softmax/${kind}`,
    metaWords,
    source: /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
${metaPrelude(2, metaWords)}
${WGSL_MATH}
${WGSL_NEG_INF}
${WGSL_ROWS}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid1(gid, nwg);
  if (r >= m(0u)) { return; }
  let len = m(1u);
  let inner = m(2u);
  let base = row_base(r);
  var mx = neg_inf();
  for (var j = 0u; j < len; j++) { mx = fmax_nan(mx, x[base + j * inner]); }
  if (mx == neg_inf()) {
    for (var j = 0u; j < len; j++) { y[base + j * inner] = ${allMasked}; }
    return;
  }
  var s = 0.0;
  for (var j = 0u; j < len; j++) { s += exp(x[base + j * inner] - mx); }
  let ls = log(s);
  for (var j = 0u; j < len; j++) {
    let o = base + j * inner;
    y[o] = ${write};
  }
}`,
  };
}

/** The workgroup-tree softmax: same bindings, meta and results; one workgroup per row. */
function softmaxTreeProgram(kind: SoftmaxKind): WgslProgram {
  const metaWords = 3;
  const { allMasked, write } = writes(kind);
  return {
    key: `softmax-tree/${kind}`,
    metaWords,
    source: /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
${metaPrelude(2, metaWords)}
${WGSL_MATH}
${WGSL_NEG_INF}
${WGSL_ROWS}
${wgslTreeF32({ max: 'fmax_nan(a, b)', sum: 'a + b' })}
@compute @workgroup_size(${TREE_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r = wid.x + wid.y * nwg.x;
  if (r >= m(0u)) { return; }
  let len = m(1u);
  let inner = m(2u);
  let base = row_base(r);
  var pm = neg_inf();
  for (var j = lane; j < len; j += ${TREE_WG}u) { pm = fmax_nan(pm, x[base + j * inner]); }
  let mx = tree_max(lane, pm);
  if (mx == neg_inf()) {
    for (var j = lane; j < len; j += ${TREE_WG}u) { y[base + j * inner] = ${allMasked}; }
    return;
  }
  var ps = 0.0;
  for (var j = lane; j < len; j += ${TREE_WG}u) { ps += exp(x[base + j * inner] - mx); }
  let s = tree_sum(lane, ps);
  let ls = log(s);
  for (var j = lane; j < len; j += ${TREE_WG}u) {
    let o = base + j * inner;
    y[o] = ${write};
  }
}`,
  };
}
