// The GELU backward, one invocation per element: dx = dy·GELU′(x), in the same steps as the op's
// composite (so it rounds like the oracle), for the exact (erf) and the tanh forms.
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import { WGSL_MATH } from './math.wgsl.ts';

/** The derivative of each form (a WGSL expression of x and dy). */
const DERIVATIVE = {
  // y = xΦ(x) ⇒ y′ = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)
  none: /* wgsl */ `
  let cdf = (erff(x * 0.7071067811865476) + 1.0) * 0.5;
  let pdf = exp(x * x * -0.5) * 0.3989422804014327;
  dx[i] = dy[i] * (cdf + x * pdf);`,
  // u = √(2/π)(x + 0.044715x³), y = ½x(1 + tanh u) ⇒ y′ = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²)
  tanh: /* wgsl */ `
  let x2 = x * x;
  let t = tanhf((x + x2 * x * 0.044715) * 0.7978845608028654);
  let du = (x2 * 0.134145 + 1.0) * 0.7978845608028654;
  dx[i] = dy[i] * ((t + 1.0) * 0.5 + x * 0.5 * (1.0 - t * t) * du);`,
} as const;

/** dx from x and dy (same shape); meta [n]. */
export function geluGradProgram(approximate: 'none' | 'tanh'): WgslProgram {
  const metaWords = 1;
  return {
    key: `gelu-grad/${approximate}`,
    metaWords,
    source: /* wgsl */ `
@group(0) @binding(0) var<storage, read> xs: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
${metaPrelude(3, metaWords)}
${WGSL_MATH}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid1(gid, nwg);
  if (i >= m(0u)) { return; }
  let x = xs[i];${DERIVATIVE[approximate]}
}`,
  };
}
