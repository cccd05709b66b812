// The softmax backward along any axis, one invocation per row: dx = y·(dy − Σ dy·y).
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import { WGSL_ROWS } from './softmax.program.ts';

/** dx from y and dy (same shape); meta [rows, len, inner] as `softmaxProgram`. */
export function softmaxGradProgram(): WgslProgram {
  const metaWords = 3;
  return {
    key: 'softmax-grad',
    metaWords,
    source: /* wgsl */ `
@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
${metaPrelude(3, metaWords)}
${WGSL_ROWS}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = gid1(gid, nwg);
  if (r >= m(0u)) { return; }
  let len = m(1u);
  let inner = m(2u);
  let base = row_base(r);
  var dot = 0.0;
  for (var j = 0u; j < len; j++) { let o = base + j * inner; dot += dy[o] * y[o]; }
  for (var j = 0u; j < len; j++) { let o = base + j * inner; dx[o] = y[o] * (dy[o] - dot); }
}`,
  };
}
