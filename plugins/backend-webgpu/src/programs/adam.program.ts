// The fused Adam/AdamW update, one invocation per element: reads p, g, m, v (and v̂) and writes the
// new p, m, v (and v̂) in the composite's float32 steps and order, so it rounds like the oracle.
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import { WGSL_MATH } from './math.wgsl.ts';

/** Which outputs a dispatch writes: all of them, or (split AMSGrad, ≤ 8 storage buffers) a part. */
export type AdamWrites = 'all' | 'moments' | 'max';

/** Static shape of an Adam program: AMSGrad, whether v̂ is an input, and which outputs it writes. */
export interface AdamProgramParams {
  readonly amsgrad: boolean;
  /** AMSGrad with a running max input (else v̂ starts from v). */
  readonly hasMax: boolean;
  /** 'all' (one dispatch); 'moments' writes p, m, v and 'max' writes v̂ (AMSGrad split in two). */
  readonly writes: AdamWrites;
}

/** Meta layout: [n, flags (1 maximize, 2 weight decay, 4 decoupled), then f32 scalars]. */
export const ADAM_META_WORDS = 10;

/**
 * Inputs p, g, m, v[, v̂]; outputs by `writes`: 'all' → p′, m′, v′[, v̂′]; 'moments' → p′, m′, v′;
 * 'max' → v̂′. Meta f32 words 2..9: 1 − lr·wd, wd, 1 − β1, β2, 1 − β2, √(1 − β2^t), eps, lr/(1 − β1^t).
 */
export function adamProgram({ amsgrad, hasMax, writes }: AdamProgramParams): WgslProgram {
  const ins = ['p0', 'g0', 'm0', 'v0', ...(amsgrad && hasMax ? ['vmax0'] : [])];
  const outs = writes === 'max' ? ['vmax1'] : ['p1', 'm1', 'v1', ...(amsgrad && writes === 'all' ? ['vmax1'] : [])];
  const decl = [
    ...ins.map((n, i) => `@group(0) @binding(${i}) var<storage, read> ${n}: array<f32>;`),
    ...outs.map((n, i) => `@group(0) @binding(${ins.length + i}) var<storage, read_write> ${n}: array<f32>;`),
  ].join('\n');
  const vhat = amsgrad && hasMax ? 'fmax_nan(vmax0[i], vt)' : 'vt';
  const store = outs.map((n) => `  ${n}[i] = ${{ p1: 'p - (mt / denom) * mf(9u)', m1: 'mt', v1: 'vt', vmax1: 'vhat' }[n]};`).join('\n');
  return {
    key: `adam/${amsgrad ? 'ams' : 'plain'}/${hasMax ? 'max' : 'nomax'}/${writes}`,
    metaWords: ADAM_META_WORDS,
    source: /* wgsl */ `
${decl}
${metaPrelude(ins.length + outs.length, ADAM_META_WORDS)}
${WGSL_MATH}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid1(gid, nwg);
  if (i >= m(0u)) { return; }
  let flags = m(1u);
  var p = p0[i];
  var g = select(g0[i], -g0[i], (flags & 1u) != 0u);
  if ((flags & 2u) != 0u) {
    if ((flags & 4u) != 0u) { p = p * mf(2u); } else { g = g + p * mf(3u); }
  }
  let mt = m0[i] + (g - m0[i]) * mf(4u);
  let vt = v0[i] * mf(5u) + (g * g) * mf(6u);
  let vhat = ${vhat};
  let denom = sqrt(vhat) / mf(7u) + mf(8u);
${store}
}`,
  };
}
