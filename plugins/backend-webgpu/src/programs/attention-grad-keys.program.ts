// The attention backward, pass 2: one invocation per (batch, key) loops the query rows with their
// pass-1 statistics and accumulates dk = scale·Σᵢ dSᵢⱼ·qᵢ and dv = Σᵢ dropout(P)ᵢⱼ·dOᵢ in
// registers (each output row has one writer: no atomics, deterministic sums).
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import { ATTENTION_META_WORDS, attentionBindings, WGSL_ATTENTION_META } from './attention-meta.ts';
import { wgslScore, type AttentionFlags } from './attention.program.ts';
import { WGSL_DP, wgslKeep } from './attention-grad-rows.program.ts';
import { WGSL_COUNTER_HASH } from './counter-hash.wgsl.ts';
import { WGSL_NEG_INF } from './softmax.program.ts';

/** Which of dk and dv pass 2 writes, and their register chunks (powers of two ≤ 128). */
export interface AttentionGradKeysOutputs {
  readonly dk: boolean;
  readonly dv: boolean;
  readonly chunkK: number;
  readonly chunkV: number;
}

/** The inputs pass 2 binds, in order (v only feeds dP, which only dk needs). */
export const attentionGradKeysInputs = (mask: AttentionFlags['mask'], dk: boolean): string[] =>
  ['q', 'k', ...(dk ? ['v'] : []), 'dO', ...(mask === 'none' ? [] : ['mask']), 'stats'];

/**
 * Bindings: `attentionGradKeysInputs`, then dk?, dv?. Meta: `attentionMeta` with word 0 replaced
 * by the invocation count batch·Tk (one per key row). Wide Dh/Dv take several passes over the queries, `chunkK`/`chunkV` columns each.
 */
export function attentionGradKeysProgram({ mask, dropout }: Omit<AttentionFlags, 'chunk'>, want: AttentionGradKeysOutputs): WgslProgram {
  // A chunk only matters for an output that is written (the key holds exactly those).
  const [ck, cv] = [want.dk ? want.chunkK : 1, want.dv ? want.chunkV : 1];
  const ins = attentionGradKeysInputs(mask, want.dk);
  const outs = [...(want.dk ? ['dk'] : []), ...(want.dv ? ['dv_out'] : [])];
  const bindings = attentionBindings(ins, outs, mask === 'i32' ? 'i32' : 'f32');
  const done = [...(want.dk ? [`k0 + ${ck}u >= dh()`] : []), ...(want.dv ? [`v0 + ${cv}u >= dv()`] : [])].join(' && ');
  return {
    key: `attention-grad-keys/${mask}/${dropout ? 'drop' : '-'}/${want.dk ? `dk${ck}` : '-'}/${want.dv ? `dv${cv}` : '-'}`,
    metaWords: ATTENTION_META_WORDS,
    source: /* wgsl */ `
${bindings.source}
${metaPrelude(bindings.params, ATTENTION_META_WORDS)}
${WGSL_NEG_INF}
${WGSL_ATTENTION_META}
${dropout ? WGSL_COUNTER_HASH : ''}
${wgslScore(mask)}
${wgslKeep(dropout)}
${want.dk ? WGSL_DP : ''}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = gid1(gid, nwg);
  if (n >= m(0u)) { return; }
  let t = n / tk();
  let j = n % tk();
  let o = batch_offsets(t);
  var chunk_i = 0u;
  loop {
    let k0 = chunk_i * ${ck}u;
    let v0 = chunk_i * ${cv}u;
    let nk = select(0u, min(${ck}u, dh() - k0), k0 < dh());
    let nv = select(0u, min(${cv}u, dv() - v0), v0 < dv());
    // NOTE: explicit initialisers: Dawn + lavapipe do not re-zero a var declared in a loop body.
    var ak = array<f32, ${ck}>();
    var av = array<f32, ${cv}>();
    for (var i = 0u; i < tq(); i++) {
      let row = t * tq() + i;
      let l = stats[row * 3u + 1u];
      let qo = o.x + i * dh();
      let s = score(qo, o.y, o.w, i, j);
      if (s == neg_inf() || l == 0.0) { continue; }
      let p = exp(s - stats[row * 3u]) / l;
      ${want.dk ? `let ds = p * (dp_of(row, j, o.z) - stats[row * 3u + 2u]);
      for (var c = 0u; c < nk; c++) { ak[c] += ds * q[qo + k0 + c]; }` : ''}
      ${want.dv ? `let pd = p * keep_of(row, j);
      for (var c = 0u; c < nv; c++) { av[c] += pd * dO[row * dv() + v0 + c]; }` : ''}
    }
    ${want.dk ? 'for (var c = 0u; c < nk; c++) { dk[n * dh() + k0 + c] = scale() * ak[c]; }' : ''}
    ${want.dv ? 'for (var c = 0u; c < nv; c++) { dv_out[n * dv() + v0 + c] = av[c]; }' : ''}
    chunk_i++;
    if (${done}) { break; }
  }
}`,
  };
}
