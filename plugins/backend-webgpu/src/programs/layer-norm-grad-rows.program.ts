// The LayerNorm backward's dx, one invocation per row: with x̂ = (x − μ)·rstd and dx̂ = dy·w,
// dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)).
import { metaPrelude, WG, type WgslProgram } from '../program.ts';

/** dx per row of D. Bindings: dy, x, mean, rstd, weight? then dx. Meta [rows, D]. */
export function layerNormGradRowsProgram({ weight }: { readonly weight: boolean }): WgslProgram {
  const metaWords = 2;
  const n = weight ? 5 : 4;
  const dxhat = weight ? 'dy[base + j] * w[j]' : 'dy[base + j]';
  return {
    key: `layer-norm-grad-rows/${weight ? 'w' : '-'}`,
    metaWords,
    source: /* wgsl */ `
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> rstd: array<f32>;
${weight ? '@group(0) @binding(4) var<storage, read> w: array<f32>;' : ''}
@group(0) @binding(${n}) var<storage, read_write> dx: array<f32>;
${metaPrelude(n + 1, metaWords)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid1(gid, nwg);
  if (r >= m(0u)) { return; }
  let d = m(1u);
  let base = r * d;
  let mu = mean[r];
  let rs = rstd[r];
  var sg = 0.0;
  var sgx = 0.0;
  for (var j = 0u; j < d; j++) {
    let g = ${dxhat};
    sg += g;
    sgx += g * (x[base + j] - mu) * rs;
  }
  let mg = sg / f32(d);
  let mgx = sgx / f32(d);
  for (var j = 0u; j < d; j++) {
    let g = ${dxhat};
    dx[base + j] = rs * (g - mg - (x[base + j] - mu) * rs * mgx);
  }
}`,
  };
}
