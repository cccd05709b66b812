// Fused attention forward, flash style: one invocation per (batch, query row) streams the keys
// once with an online softmax (running max and sum), accumulating the output row in registers;
// nothing of size Tq·Tk is stored unless the probabilities are asked for (a second pass).
// Paper: https://arxiv.org/abs/2205.14135
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import { ATTENTION_META_WORDS, attentionBindings, WGSL_ATTENTION_META } from './attention-meta.ts';
import { WGSL_COUNTER_HASH } from './counter-hash.wgsl.ts';
import { WGSL_NEG_INF } from './softmax.program.ts';

/** Static parameters of the attention programs (each changes the source). */
export interface AttentionFlags {
  /** The mask input: none, float32 additive, or int32 keep-mask (0 = masked). */
  readonly mask: 'none' | 'f32' | 'i32';
  /** Whether the dropout hash runs (dropoutP > 0). */
  readonly dropout: boolean;
  /** Output columns held in registers per pass over the keys; wider Dv takes ⌈Dv/chunk⌉ passes. */
  readonly chunk: number;
}

/** The register chunk for `dv` columns: a power of two in [4, 128]. */
export const attentionChunk = (dv: number): number => Math.min(128, Math.max(4, 2 ** Math.ceil(Math.log2(Math.max(1, dv)))));

/**
 * WGSL `score(qo, ko, mo, i, j)`: scale·q_i·k_j (+ the float mask), or −∞ where the int mask or
 * causality excludes key j (those skip the dot product). Needs bindings q, k and `mask`.
 */
export function wgslScore(mask: AttentionFlags['mask']): string {
  const at = 'mask[mo + i * mij.x + j * mij.y]';
  return /* wgsl */ `
fn score(qo: u32, ko: u32, mo: u32, i: u32, j: u32) -> f32 {
  let mij = mask_ij();
  if (causal() && j + tq() > i + tk()) { return neg_inf(); }
  ${mask === 'i32' ? `if (${at} == 0) { return neg_inf(); }` : ''}
  let kb = ko + j * dh();
  var acc = 0.0;
  for (var c = 0u; c < dh(); c++) { acc += q[qo + c] * k[kb + c]; }
  return scale() * acc${mask === 'f32' ? ` + ${at}` : ''};
}`;
}

/** The second pass, only when probs are asked for: P[row, j] from the final max and sum. */
const WGSL_PROBS_PASS = /* wgsl */ `
  for (var j = 0u; j < tk(); j++) {
    let s = score(qo, o.y, o.w, i, j);
    probs[row * tk() + j] = select(exp(s - mx) / l, 0.0, s == neg_inf() || l == 0.0);
  }`;

/**
 * out [rows, Dv] and, with `probs`, the post-softmax pre-dropout probabilities [rows, Tk]. A row
 * with every key masked gets probabilities 0 and output 0 (l = 0), as the oracle. Bindings: q, k,
 * v, mask?, then out, probs?. Meta: `attentionMeta`.
 */
export function attentionProgram({ mask, dropout, chunk }: AttentionFlags, probs: boolean): WgslProgram {
  const ins = ['q', 'k', 'v', ...(mask === 'none' ? [] : ['mask'])];
  const outs = ['out', ...(probs ? ['probs'] : [])];
  const bindings = attentionBindings(ins, outs, mask === 'i32' ? 'i32' : 'f32');
  // Dropout scales the kept terms only; l (the softmax denominator) sums every key.
  const drop = dropout ? 'if (!dropout_keeps(m(7u), row * tk() + j, m(8u))) { continue; }' : '';
  return {
    key: `attention/${mask}/${dropout ? 'drop' : '-'}/c${chunk}/${probs ? 'probs' : '-'}`,
    metaWords: ATTENTION_META_WORDS,
    source: /* wgsl */ `
${bindings.source}
${metaPrelude(bindings.params, ATTENTION_META_WORDS)}
${WGSL_NEG_INF}
${WGSL_ATTENTION_META}
${dropout ? WGSL_COUNTER_HASH : ''}
${wgslScore(mask)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid1(gid, nwg);
  if (row >= m(0u)) { return; }
  let i = row % tq();
  let o = batch_offsets(row / tq());
  let qo = o.x + i * dh();
  var mx = neg_inf();
  var l = 0.0;
  var c0 = 0u;
  loop {
    // Each pass over the keys recomputes the scores and the running max and sum from scratch.
    // NOTE: explicit initialiser: Dawn + lavapipe do not re-zero a var declared in a loop body.
    var acc = array<f32, ${chunk}>();
    mx = neg_inf();
    l = 0.0;
    let nc = min(${chunk}u, dv() - c0);
    for (var j = 0u; j < tk(); j++) {
      let s = score(qo, o.y, o.w, i, j);
      if (s == neg_inf()) { continue; }
      if (s > mx) {
        // A new maximum rescales what was summed so far (exp(−∞) = 0 on the first key).
        let corr = exp(mx - s);
        l *= corr;
        for (var c = 0u; c < nc; c++) { acc[c] *= corr; }
        mx = s;
      }
      let e = exp(s - mx);
      l += e;
      ${drop}
      let vb = o.z + j * dv() + c0;
      for (var c = 0u; c < nc; c++) { acc[c] += e * v[vb + c]; }
    }
    // NaN scores leave l NaN, which propagates; only a fully masked row has l = 0.
    let inv = select(mf(9u) / l, 0.0, l == 0.0);
    for (var c = 0u; c < nc; c++) { out[row * dv() + c0 + c] = acc[c] * inv; }
    c0 += ${chunk}u;
    if (c0 >= dv()) { break; }
  }${probs ? WGSL_PROBS_PASS : ''}
}`,
  };
}
