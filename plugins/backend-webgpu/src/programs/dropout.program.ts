// Inverted dropout, one invocation per element: the counter-based mask of (seed, flat index),
// out = x·(keep ? scale : 0) — a product, not a select, so a dropped −x gives −0 and NaN stays NaN.
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import { WGSL_COUNTER_HASH } from './counter-hash.wgsl.ts';

/** Meta [n, fmix32(seed), threshold, scale (f32)] (see `dropoutWords`). */
export function dropoutProgram(): WgslProgram {
  const metaWords = 4;
  return {
    key: 'dropout',
    metaWords,
    source: /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
${metaPrelude(2, metaWords)}
${WGSL_COUNTER_HASH}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid1(gid, nwg);
  if (i >= m(0u)) { return; }
  y[i] = x[i] * select(0.0, mf(3u), dropout_keeps(m(1u), i, m(2u)));
}`,
  };
}
