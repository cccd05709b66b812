// LayerNorm over the last axis, one invocation per row, two passes in f32 (mean, then the biased
// variance of the centred row, more accurate than E[x²] − μ²), then the normalised write. The tree
// variant (hardware adapters, long rows) gives each row a workgroup and sums in a workgroup tree.
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import { TREE_WG, wgslTreeF32 } from './workgroup-tree.wgsl.ts';

/** Which affine inputs are bound (each changes the bindings, so each is in the key). */
export interface LayerNormFlags {
  readonly weight: boolean;
  readonly bias: boolean;
}

/**
 * out = (x − μ)·rstd·w + b per row of D, plus mean [rows] and rstd [rows]. Bindings: x, weight?,
 * bias?, then out, mean, rstd. Meta [rows, D, eps (f32)].
 */
export function layerNormProgram({ weight, bias }: LayerNormFlags, tree = false): WgslProgram {
  const metaWords = 3;
  const ins = ['x', ...(weight ? ['w'] : []), ...(bias ? ['b'] : [])];
  const outs = ['out', 'mean', 'rstd'];
  const bindings = [
    ...ins.map((n, i) => `@group(0) @binding(${i}) var<storage, read> ${n}: array<f32>;`),
    ...outs.map((n, i) => `@group(0) @binding(${ins.length + i}) var<storage, read_write> ${n}: array<f32>;`),
  ].join('\n');
  const affine = `${weight ? ' * w[j]' : ''}${bias ? ' + b[j]' : ''}`;
  const flags = `${weight ? 'w' : '-'}${bias ? 'b' : '-'}`;
  if (tree) return { key: `layer-norm-tree/${flags}`, metaWords, source: treeSource(bindings, metaPrelude(ins.length + outs.length, metaWords), affine) };
  return {
    key: `layer-norm/${flags}`,
    metaWords,
    source: /* wgsl */ `
${bindings}
${metaPrelude(ins.length + outs.length, metaWords)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid1(gid, nwg);
  if (r >= m(0u)) { return; }
  let d = m(1u);
  let base = r * d;
  var s = 0.0;
  for (var j = 0u; j < d; j++) { s += x[base + j]; }
  let mu = s / f32(d);
  var v = 0.0;
  for (var j = 0u; j < d; j++) { let c = x[base + j] - mu; v += c * c; }
  // 1/sqrt rather than inverseSqrt: the builtin may be a fast approximation.
  let rs = 1.0 / sqrt(v / f32(d) + mf(2u));
  for (var j = 0u; j < d; j++) { out[base + j] = (x[base + j] - mu) * rs${affine}; }
  mean[r] = mu;
  rstd[r] = rs;
}`,
  };
}

/** The workgroup-tree layer norm: same bindings, meta and results; one workgroup per row. */
const treeSource = (bindings: string, prelude: string, affine: string): string => /* wgsl */ `
${bindings}
${prelude}
${wgslTreeF32({ sum: 'a + b' })}
@compute @workgroup_size(${TREE_WG})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r = wid.x + wid.y * nwg.x;
  if (r >= m(0u)) { return; }
  let d = m(1u);
  let base = r * d;
  var s = 0.0;
  for (var j = lane; j < d; j += ${TREE_WG}u) { s += x[base + j]; }
  let mu = tree_sum(lane, s) / f32(d);
  var v = 0.0;
  for (var j = lane; j < d; j += ${TREE_WG}u) { let c = x[base + j] - mu; v += c * c; }
  let rs = 1.0 / sqrt(tree_sum(lane, v) / f32(d) + mf(2u));
  for (var j = lane; j < d; j += ${TREE_WG}u) { out[base + j] = (x[base + j] - mu) * rs${affine}; }
  if (lane == 0u) {
    mean[r] = mu;
    rstd[r] = rs;
  }
}`;
