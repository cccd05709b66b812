// Row reductions as a workgroup tree (the hardware-adapter variant of reduce.program.ts): one
// workgroup per output element (or per chunk of its row, for a second pass to combine), lanes
// stepping through the row TREE_WG apart with the serial program's per-element step, then a
// halving tree in workgroup memory. One reduced axis only (after merging; the kernel checks).
import { metaPrelude, type WgslProgram } from '../program.ts';
import type { WgslType } from './elementwise.program.ts';
import { WGSL_MATH } from './math.wgsl.ts';
import { accumulator, REDUCE_META_WORDS, WGSL_BITS, WGSL_REDUCE_LAYOUT, type ReduceMode } from './reduce.program.ts';
import { TREE_WG, treeSteps } from './workgroup-tree.wgsl.ts';

/** Index of a lane that saw no element (its row share was empty). */
const NONE = '0xffffffffu';

/** How two lanes' partials combine into lane `lane` (the other at `lane + w`). */
function combine(mode: ReduceMode, t: WgslType): (w: number) => string {
  switch (mode) {
    case 'sum':
      return (w) => `tv[lane] = tv[lane] + tv[lane + ${w}u];`;
    case 'max':
      return (w) => `tv[lane] = ${t === 'f32' ? 'fmax_nan' : 'max'}(tv[lane], tv[lane + ${w}u]);`;
    case 'min':
      return (w) => `tv[lane] = ${t === 'f32' ? 'fmin_nan' : 'min'}(tv[lane], tv[lane + ${w}u]);`;
    default:
      return (w) => `if (beats(tv[lane + ${w}u], ti[lane + ${w}u], tv[lane], ti[lane])) { tv[lane] = tv[lane + ${w}u]; ti[lane] = ti[lane + ${w}u]; }`;
  }
}

/**
 * WGSL `beats(w, j, v, i)`: whether candidate (w at index j) wins over (v at i) — the serial scan's
 * order, though lanes' indices interleave: the extreme wins, a NaN beats any number, and on a tie
 * (or NaN against NaN) the lower index wins. An empty lane (index NONE) never wins.
 */
function wgslBeats(mode: 'argmax' | 'argmin', t: WgslType): string {
  const cmp = mode === 'argmax' ? '>' : '<';
  const nan = t === 'f32' ? `\n  if (is_nan(w) != is_nan(v)) { return is_nan(w); }\n  if (is_nan(w)) { return j < i; }` : '';
  return `fn beats(w: ${t}, j: u32, v: ${t}, i: u32) -> bool {
  if (j == ${NONE}) { return false; }
  if (i == ${NONE}) { return true; }${nan}
  return w ${cmp} v || (w == v && j < i);
}`;
}

/** The tree reduction of `T` elements; same bindings and meta as `reduceProgram` (one reduced axis). */
export function reduceTreeProgram(mode: ReduceMode, t: WgslType): WgslProgram {
  const { init, step, result } = accumulator(mode, t);
  const arg = mode === 'argmax' || mode === 'argmin';
  const outType = arg ? 'i32' : t;
  // What each lane contributes, and what lane 0 stores from the tree's root.
  const lanePartial = arg ? `tv[lane] = best; ti[lane] = select(${NONE}, bi, have);` : `tv[lane] = ${result};`;
  const stored = arg ? 'i32(ti[0])' : 'tv[0]';
  return {
    key: `reduce-tree/${mode}/${t}`,
    metaWords: REDUCE_META_WORDS,
    source: `@group(0) @binding(0) var<storage, read> x: array<${t}>;
@group(0) @binding(1) var<storage, read_write> out: array<${outType}>;
${metaPrelude(2, REDUCE_META_WORDS)}
${t === 'f32' ? WGSL_MATH : ''}
${WGSL_BITS}
${arg ? wgslBeats(mode, t) : ''}
var<workgroup> tv: array<${t}, ${TREE_WG}>;
${arg ? `var<workgroup> ti: array<u32, ${TREE_WG}>;` : ''}
${WGSL_REDUCE_LAYOUT}
@compute @workgroup_size(${TREE_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32) {
  // The whole workgroup takes one (output, chunk): a uniform exit.
  let o = wid.x + wid.y * nwg.x;
  if (o >= m(0u)) { return; }
  let chunks = m(4u);
  let off = kept_offset(o);
  let r0 = (o % chunks) * m(3u);
  let r1 = min(r0 + m(3u), m(5u));
  let sl = m(RT);
  ${init}
  for (var ri = r0 + lane; ri < r1; ri += ${TREE_WG}u) {
    let v = x[off + ri * sl];
    ${step}
  }
  ${lanePartial}
  workgroupBarrier();
  ${treeSteps(combine(mode, t))}
  if (lane == 0u) { out[o] = ${stored}; }
}`,
  };
}
