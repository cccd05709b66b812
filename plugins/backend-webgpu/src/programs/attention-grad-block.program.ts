// The attention backward, register-blocked (vec4 q, k, v, dO: Dh and Dv multiples of 4, ≤ 128).
// Pass 1 takes `rows` query rows of one batch element per invocation: one sweep over the keys
// computes S = scale·q·kᵀ (+ mask) and dP = dropout(dO·vᵀ), stores both, and keeps the online
// softmax max, Σ and D = Σ dP·P; a second sweep reads them back, writes dS = P·(dP − D) and
// dropout(P) over them, and accumulates dq = scale·dS·k. Pass 2 takes `rows` keys per invocation
// and accumulates dk = scale·dSᵀ·q and dv = dropout(P)ᵀ·dO from the stored matrices: no score is
// computed twice, each loaded k, v, q or dO row serves several accumulators, and no barriers
// (they are what costs most on lavapipe). The price is two [rows, Tk] scratch buffers.
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import { ATTENTION_META_WORDS, attentionBindings, WGSL_ATTENTION_META } from './attention-meta.ts';
import type { AttentionFlags } from './attention.program.ts';
import { wgslKeep } from './attention-grad-rows.program.ts';
import { WGSL_COUNTER_HASH } from './counter-hash.wgsl.ts';
import { WGSL_NEG_INF } from './softmax.program.ts';

/** Static parameters of the blocked backward passes. */
export interface AttentionGradBlockFlags extends Omit<AttentionFlags, 'chunk'> {
  /** Query rows (pass 1) or keys (pass 2) per invocation. */
  readonly rows: number;
  /** Registers per q/k row and per dO/v row: powers of two ≥ Dh and ≥ Dv, at most 128. */
  readonly dchunk: number;
  readonly vchunk: number;
}

const each = (n: number, f: (r: number) => string, sep = '\n'): string => [...Array(n).keys()].map(f).join(sep);
const vec4Inputs = (source: string, names: string): string => source.replace(new RegExp(` (${names}): array<f32>`, 'g'), ' $1: array<vec4<f32>>');

/**
 * Pass 1. Bindings: q, k, v, dO, mask?, then s_ds [rows, Tk] (scores, then dS: the dmask output
 * when it is asked for), dp_p [rows, Tk] (dP, then dropout(P)), dq? (vec4). Meta: `attentionMeta`
 * with word 0 replaced by the batch count. Rows past Tq compute on the last row, never stored.
 */
export function attentionGradBlockRowsProgram(f: AttentionGradBlockFlags, dq: boolean): WgslProgram {
  const { mask, dropout, rows: R, dchunk, vchunk } = f;
  const ins = ['q', 'k', 'v', 'dO', ...(mask === 'none' ? [] : ['mask'])];
  const bindings = attentionBindings(ins, ['s_ds', 'dp_p', ...(dq ? ['dq'] : [])], mask === 'i32' ? 'i32' : 'f32');
  const at = (r: number): string => `mask[o.w + i${r} * mij.x + j * mij.y]`;
  const sweepA = (r: number): string => `var s${r} = scale() * (d${r}.x + d${r}.y + d${r}.z + d${r}.w)${mask === 'f32' ? ` + ${at(r)}` : ''};
      if (causal() && j + tq() > i${r} + tk()) { s${r} = neg_inf(); }
      ${mask === 'i32' ? `if (${at(r)} == 0) { s${r} = neg_inf(); }` : ''}
      let dp${r} = (e${r}.x + e${r}.y + e${r}.z + e${r}.w) * keep_of(row${r}, j);
      if (s${r} != neg_inf()) {
        if (s${r} > mx${r}) {
          // A new maximum rescales what was summed so far (exp(−∞) = 0 on the first key).
          let corr = exp(mx${r} - s${r});
          l${r} *= corr;
          dd${r} *= corr;
          mx${r} = s${r};
        }
        let w = exp(s${r} - mx${r});
        l${r} += w;
        dd${r} += w * dp${r};
      }
      if (ok${r}) { s_ds[row${r} * tk() + j] = s${r}; dp_p[row${r} * tk() + j] = dp${r}; }`;
  const sweepB = (r: number): string => `let s${r} = s_ds[row${r} * tk() + j];
      let p${r} = select(exp(s${r} - mx${r}) * inv${r}, 0.0, s${r} == neg_inf() || l${r} == 0.0);
      let ds${r} = p${r} * (dp_p[row${r} * tk() + j] - dsum${r});
      if (ok${r}) { s_ds[row${r} * tk() + j] = ds${r}; dp_p[row${r} * tk() + j] = p${r} * keep_of(row${r}, j); }`;
  return {
    key: `attention-grad-block-rows/${mask}/${dropout ? 'drop' : '-'}/d${dchunk}/v${vchunk}/r${R}/${dq ? 'dq' : '-'}`,
    metaWords: ATTENTION_META_WORDS,
    source: /* wgsl */ `
${vec4Inputs(bindings.source, 'q|k|v|dO|dq')}
${metaPrelude(bindings.params, ATTENTION_META_WORDS)}
${WGSL_NEG_INF}
${WGSL_ATTENTION_META}
${dropout ? WGSL_COUNTER_HASH : ''}
${wgslKeep(dropout)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let g = gid1(gid, nwg);
  let groups = (tq() + ${R - 1}u) / ${R}u;
  if (g >= m(0u) * groups) { return; }
  let t = g / groups;
  let ib = (g % groups) * ${R}u;
  let o = batch_offsets(t);
  let mij = mask_ij();
  let dh4 = dh() / 4u;
  let dv4 = dv() / 4u;
  ${each(R, (r) => `let ok${r} = ib + ${r}u < tq();
  let i${r} = min(ib + ${r}u, tq() - 1u);
  let row${r} = t * tq() + i${r};
  var q${r} = array<vec4<f32>, ${dchunk / 4}>();
  for (var c = 0u; c < dh4; c++) { q${r}[c] = q[((o.x + i${r} * dh()) >> 2u) + c]; }
  var o${r} = array<vec4<f32>, ${vchunk / 4}>();
  for (var c = 0u; c < dv4; c++) { o${r}[c] = dO[row${r} * dv4 + c]; }
  var mx${r} = neg_inf();
  var l${r} = 0.0;
  var dd${r} = 0.0;`, '\n  ')}
  for (var j = 0u; j < tk(); j++) {
    let kb = (o.y + j * dh()) >> 2u;
    let vb = (o.z + j * dv()) >> 2u;
    ${each(R, (r) => `var d${r} = vec4<f32>(0.0);\n    var e${r} = vec4<f32>(0.0);`, '\n    ')}
    for (var c = 0u; c < dh4; c++) { let kk = k[kb + c]; ${each(R, (r) => `d${r} += q${r}[c] * kk;`, ' ')} }
    for (var c = 0u; c < dv4; c++) { let vv = v[vb + c]; ${each(R, (r) => `e${r} += o${r}[c] * vv;`, ' ')} }
    ${each(R, sweepA, '\n    ')}
  }
  // D = Σ dP·P over the row (0 for a fully masked row, whose P is 0); NaN scores propagate.
  ${each(R, (r) => `let inv${r} = 1.0 / l${r};
  let dsum${r} = select(dd${r} * inv${r}, 0.0, l${r} == 0.0);
  var a${r} = array<vec4<f32>, ${dchunk / 4}>();`, '\n  ')}
  for (var j = 0u; j < tk(); j++) {
    ${each(R, sweepB, '\n    ')}
    ${dq ? `let kb = (o.y + j * dh()) >> 2u;
    for (var c = 0u; c < dh4; c++) { let kk = k[kb + c]; ${each(R, (r) => `a${r}[c] += ds${r} * kk;`, ' ')} }` : ''}
  }
  ${dq ? each(R, (r) => `if (ok${r}) { for (var c = 0u; c < dh4; c++) { dq[row${r} * dh4 + c] = scale() * a${r}[c]; } }`, '\n  ') : ''}
}`,
  };
}

/**
 * Pass 2. Bindings: q, dO, ds, p (pass 1's s_ds and dp_p), then dk?, dv_out? (vec4). Meta:
 * `attentionMeta` with word 0 replaced by the batch count. Keys past Tk compute on the last key,
 * never stored.
 */
export function attentionGradBlockKeysProgram(f: AttentionGradBlockFlags, want: { dk: boolean; dv: boolean }): WgslProgram {
  const { rows: R, dchunk, vchunk } = f;
  const ins = [...(want.dk ? ['q'] : []), ...(want.dv ? ['dO'] : []), ...(want.dk ? ['ds'] : []), ...(want.dv ? ['p'] : [])];
  const outs = [...(want.dk ? ['dk'] : []), ...(want.dv ? ['dv_out'] : [])];
  const bindings = attentionBindings(ins, outs, 'f32');
  return {
    key: `attention-grad-block-keys/d${dchunk}/v${vchunk}/r${R}/${want.dk ? 'dk' : '-'}${want.dv ? 'dv' : '-'}`,
    metaWords: ATTENTION_META_WORDS,
    source: /* wgsl */ `
${vec4Inputs(bindings.source, 'q|dO|dk|dv_out')}
${metaPrelude(bindings.params, ATTENTION_META_WORDS)}
${WGSL_ATTENTION_META}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let g = gid1(gid, nwg);
  let groups = (tk() + ${R - 1}u) / ${R}u;
  if (g >= m(0u) * groups) { return; }
  let t = g / groups;
  let jb = (g % groups) * ${R}u;
  let o = batch_offsets(t);
  let dh4 = dh() / 4u;
  let dv4 = dv() / 4u;
  ${each(R, (r) => `let j${r} = min(jb + ${r}u, tk() - 1u);
  ${want.dk ? `var ak${r} = array<vec4<f32>, ${dchunk / 4}>();` : ''}
  ${want.dv ? `var av${r} = array<vec4<f32>, ${vchunk / 4}>();` : ''}`, '\n  ')}
  // Causality leaves dS and P zero above the diagonal: the first row that sees key jb.
  let i0 = select(0u, min(tq(), (jb + tq()) - min(jb + tq(), tk())), causal());
  for (var i = i0; i < tq(); i++) {
    let row = t * tq() + i;
    ${want.dk ? `${each(R, (r) => `let ds${r} = ds[row * tk() + j${r}];`, ' ')}
    let qb = (o.x + i * dh()) >> 2u;
    for (var c = 0u; c < dh4; c++) { let qq = q[qb + c]; ${each(R, (r) => `ak${r}[c] += ds${r} * qq;`, ' ')} }` : ''}
    ${want.dv ? `${each(R, (r) => `let p${r} = p[row * tk() + j${r}];`, ' ')}
    for (var c = 0u; c < dv4; c++) { let oo = dO[row * dv4 + c]; ${each(R, (r) => `av${r}[c] += p${r} * oo;`, ' ')} }` : ''}
  }
  ${each(R, (r) => `if (jb + ${r}u < tk()) {
    let n = t * tk() + j${r};
    ${want.dk ? `for (var c = 0u; c < dh4; c++) { dk[n * dh4 + c] = scale() * ak${r}[c]; }` : ''}
    ${want.dv ? `for (var c = 0u; c < dv4; c++) { dv_out[n * dv4 + c] = av${r}[c]; }` : ''}
  }`, '\n  ')}
}`,
  };
}
