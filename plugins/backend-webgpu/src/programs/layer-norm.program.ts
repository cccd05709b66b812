// LayerNorm over the last axis, one invocation per row, two passes in f32 (mean, then the biased
// variance of the centred row, more accurate than E[x²] − μ²), then the normalised write.
import { metaPrelude, WG, type WgslProgram } from '../program.ts';

/** Which affine inputs are bound (each changes the bindings, so each is in the key). */
export interface LayerNormFlags {
  readonly weight: boolean;
  readonly bias: boolean;
}

/**
 * out = (x − μ)·rstd·w + b per row of D, plus mean [rows] and rstd [rows]. Bindings: x, weight?,
 * bias?, then out, mean, rstd. Meta [rows, D, eps (f32)].
 */
export function layerNormProgram({ weight, bias }: LayerNormFlags): WgslProgram {
  const metaWords = 3;
  const ins = ['x', ...(weight ? ['w'] : []), ...(bias ? ['b'] : [])];
  const outs = ['out', 'mean', 'rstd'];
  const bindings = [
    ...ins.map((n, i) => `@group(0) @binding(${i}) var<storage, read> ${n}: array<f32>;`),
    ...outs.map((n, i) => `@group(0) @binding(${ins.length + i}) var<storage, read_write> ${n}: array<f32>;`),
  ].join('\n');
  const affine = `${weight ? ' * w[j]' : ''}${bias ? ' + b[j]' : ''}`;
  return {
    key: `layer-norm/${weight ? 'w' : '-'}${bias ? 'b' : '-'}`,
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
