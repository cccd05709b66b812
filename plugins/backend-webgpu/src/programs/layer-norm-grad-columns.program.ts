// The LayerNorm backward's dweight = Σ dy·x̂ and dbias = Σ dy over every row: one invocation per
// column, looping the rows (adjacent invocations read adjacent columns, so each row is one read).
import { metaPrelude, WG, type WgslProgram } from '../program.ts';

/** Which of dweight/dbias the program writes (each is a binding, so each is in the key). */
export interface LayerNormColumnsFlags {
  readonly dweight: boolean;
  readonly dbias: boolean;
}

/**
 * Bindings: dy, then x, mean, rstd when dweight; then dweight?, dbias?. Meta [rows, D]. Columns of
 * an empty batch (rows = 0) are written as 0.
 */
export function layerNormGradColumnsProgram({ dweight, dbias }: LayerNormColumnsFlags): WgslProgram {
  const metaWords = 2;
  const ins = ['dy', ...(dweight ? ['x', 'mean', 'rstd'] : [])];
  const outs = [...(dweight ? ['dw'] : []), ...(dbias ? ['db'] : [])];
  const bindings = [
    ...ins.map((n, i) => `@group(0) @binding(${i}) var<storage, read> ${n}: array<f32>;`),
    ...outs.map((n, i) => `@group(0) @binding(${ins.length + i}) var<storage, read_write> ${n}: array<f32>;`),
  ].join('\n');
  return {
    key: `layer-norm-grad-columns/${dweight ? 'w' : '-'}${dbias ? 'b' : '-'}`,
    metaWords,
    source: /* wgsl */ `
${bindings}
${metaPrelude(ins.length + outs.length, metaWords)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = gid1(gid, nwg);
  let d = m(1u);
  if (j >= d) { return; }
  var sw = 0.0;
  var sb = 0.0;
  for (var r = 0u; r < m(0u); r++) {
    let g = dy[r * d + j];
    ${dweight ? 'sw += g * (x[r * d + j] - mean[r]) * rstd[r];' : ''}
    sb += g;
  }
  ${dweight ? 'dw[j] = sw;' : ''}
  ${dbias ? 'db[j] = sb;' : ''}
}`,
  };
}
