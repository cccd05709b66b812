// The attention backward, pass 1: one invocation per (batch, query row) recomputes the row's
// softmax statistics (max, Σ) and D = Σⱼ dPᵢⱼ·Pᵢⱼ, stores them for pass 2, and writes the row's
// dq = scale·Σⱼ dSᵢⱼ·kⱼ and dmask = dS, with dS = P·(dP − D) and dP = dropout(dO·vᵀ).
// Paper: https://arxiv.org/abs/2205.14135 (recompute instead of saving P)
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import { ATTENTION_META_WORDS, attentionBindings, WGSL_ATTENTION_META } from './attention-meta.ts';
import { wgslScore, type AttentionFlags } from './attention.program.ts';
import { WGSL_COUNTER_HASH } from './counter-hash.wgsl.ts';
import { WGSL_NEG_INF } from './softmax.program.ts';

/** Which of dq and dmask pass 1 writes (its stats are always written). */
export interface AttentionGradRowsOutputs {
  readonly dq: boolean;
  readonly dmask: boolean;
}

/** WGSL `keep_of(row, j)`: the dropout factor of P[row, j] (the f32 keep scale or 0; 1 without dropout). */
export function wgslKeep(dropout: boolean): string {
  const keep = dropout ? 'select(0.0, mf(9u), dropout_keeps(m(7u), row * tk() + j, m(8u)))' : '1.0';
  return `fn keep_of(row: u32, j: u32) -> f32 { return ${keep}; }`;
}

/** WGSL `dp_of(row, j, vb)` = dropout(dO_row·v_j) (v's batch offset vb). Needs bindings v and dO, and `keep_of`. */
export const WGSL_DP = /* wgsl */ `
fn dp_of(row: u32, j: u32, vb: u32) -> f32 {
  let ob = row * dv();
  var acc = 0.0;
  for (var c = 0u; c < dv(); c++) { acc += dO[ob + c] * v[vb + j * dv() + c]; }
  return acc * keep_of(row, j);
}`;

/** WGSL of the row's dS loop: dmask = dS (first chunk), dq = scale·Σ dS·k, `chunk` columns per pass. */
function wgslRowGrads(want: AttentionGradRowsOutputs, chunk: number): string {
  return /* wgsl */ `
  var c0 = 0u;
  loop {
    // NOTE: explicit initialiser: Dawn + lavapipe do not re-zero a var declared in a loop body.
    var acc = array<f32, ${chunk}>();
    let nc = select(0u, min(${chunk}u, dh() - c0), c0 < dh());
    for (var j = 0u; j < tk(); j++) {
      let s = score(qo, o.y, o.w, i, j);
      var ds = 0.0;
      if (s != neg_inf() && l != 0.0) { ds = exp(s - mx) / l * (dp_of(row, j, o.z) - dsum); }
      ${want.dmask ? 'if (c0 == 0u) { dmask[row * tk() + j] = ds; }' : ''}
      ${want.dq ? 'let kb = o.y + j * dh() + c0;\n      for (var c = 0u; c < nc; c++) { acc[c] += ds * k[kb + c]; }' : ''}
    }
    ${want.dq ? 'for (var c = 0u; c < nc; c++) { dq[row * dh() + c0 + c] = scale() * acc[c]; }' : ''}
    c0 += ${chunk}u;
    if (${want.dq ? 'c0 >= dh()' : 'true'}) { break; }
  }`;
}

/**
 * Bindings: q, k, v, dO, mask?, then stats [rows, 3] (max, Σ, D), dq?, dmask?. Meta:
 * `attentionMeta`. `chunk` columns of dq are held in registers per pass over the keys.
 */
export function attentionGradRowsProgram({ mask, dropout, chunk }: AttentionFlags, want: AttentionGradRowsOutputs): WgslProgram {
  const ins = ['q', 'k', 'v', 'dO', ...(mask === 'none' ? [] : ['mask'])];
  const outs = ['stats', ...(want.dq ? ['dq'] : []), ...(want.dmask ? ['dmask'] : [])];
  const bindings = attentionBindings(ins, outs, mask === 'i32' ? 'i32' : 'f32');
  // The chunk only shapes the dq loop; without dq it is 1 and left out of the key.
  const c = want.dq ? chunk : 1;
  const grads = want.dq || want.dmask ? wgslRowGrads(want, c) : '';
  return {
    key: `attention-grad-rows/${mask}/${dropout ? 'drop' : '-'}/c${c}/${want.dq ? 'dq' : '-'}${want.dmask ? 'dmask' : '-'}`,
    metaWords: ATTENTION_META_WORDS,
    source: /* wgsl */ `
${bindings.source}
${metaPrelude(bindings.params, ATTENTION_META_WORDS)}
${WGSL_NEG_INF}
${WGSL_ATTENTION_META}
${dropout ? WGSL_COUNTER_HASH : ''}
${wgslScore(mask)}
${wgslKeep(dropout)}
${WGSL_DP}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid1(gid, nwg);
  if (row >= m(0u)) { return; }
  let i = row % tq();
  let o = batch_offsets(row / tq());
  let qo = o.x + i * dh();
  var mx = neg_inf();
  var l = 0.0;
  for (var j = 0u; j < tk(); j++) {
    let s = score(qo, o.y, o.w, i, j);
    if (s == neg_inf()) { continue; }
    if (s > mx) { l *= exp(mx - s); mx = s; }
    l += exp(s - mx);
  }
  // D = Σ dP·P over the row (0 for a fully masked row, whose P is 0).
  var dsum = 0.0;
  if (l != 0.0) {
    for (var j = 0u; j < tk(); j++) {
      let s = score(qo, o.y, o.w, i, j);
      if (s == neg_inf()) { continue; }
      dsum += dp_of(row, j, o.z) * (exp(s - mx) / l);
    }
  }
  stats[row * 3u] = mx;
  stats[row * 3u + 1u] = l;
  stats[row * 3u + 2u] = dsum;${grads}
}`,
  };
}
