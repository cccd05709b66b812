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

/** Static parameters of the register-blocked forward (vec4 q, k, v: Dh and Dv multiples of 4). */
export interface AttentionBlockFlags extends AttentionFlags {
  /** Query rows per invocation, sharing each loaded key and value row. */
  readonly rows: number;
  /** Query columns held in registers per row (a power of two ≥ Dh; Dh ≤ 128). */
  readonly dchunk: number;
}

const each = (n: number, f: (r: number) => string, sep = '\n'): string => [...Array(n).keys()].map(f).join(sep);

/**
 * The forward with `rows` query rows of one batch element per invocation: each key row (vec4) is
 * loaded once for all of them, the q rows sit in registers, and every value row updates `rows`
 * accumulators. Same results and bindings as `attentionProgram` (vec4 q, k, v); rows past Tq
 * compute on the last row and are never stored.
 */
export function attentionBlockProgram(f: AttentionBlockFlags, probs: boolean): WgslProgram {
  const { mask, dropout, chunk, rows: R, dchunk } = f;
  const ins = ['q', 'k', 'v', ...(mask === 'none' ? [] : ['mask'])];
  const outs = ['out', ...(probs ? ['probs'] : [])];
  const bindings = attentionBindings(ins, outs, mask === 'i32' ? 'i32' : 'f32');
  const source = bindings.source.replace(/ (q|k|v): array<f32>/g, ' $1: array<vec4<f32>>');
  const at = (r: number): string => `mask[o.w + i${r} * mij.x + j * mij.y]`;
  // s<r> from the dot d<r>: −∞ where causality or the int mask excludes key j.
  const score = (r: number): string => `var s${r} = scale() * (d${r}.x + d${r}.y + d${r}.z + d${r}.w)${mask === 'f32' ? ` + ${at(r)}` : ''};
      if (causal() && j + tq() > i${r} + tk()) { s${r} = neg_inf(); }
      ${mask === 'i32' ? `if (${at(r)} == 0) { s${r} = neg_inf(); }` : ''}`;
  const dot = `for (var c = 0u; c < dh4; c++) { let kk = k[kb + c]; ${each(R, (r) => `d${r} += q${r}[c] * kk;`, ' ')} }`;
  const update = (r: number): string => `var w${r} = 0.0;
      if (s${r} != neg_inf()) {
        if (s${r} > mx${r}) {
          let corr = exp(mx${r} - s${r});
          l${r} *= corr;
          for (var c = 0u; c < nc4; c++) { acc${r}[c] *= corr; }
          mx${r} = s${r};
        }
        w${r} = exp(s${r} - mx${r});
        l${r} += w${r};
        ${dropout ? `if (!dropout_keeps(m(7u), row${r} * tk() + j, m(8u))) { w${r} = 0.0; }` : ''}
      }`;
  const probsPass = (r: number): string => `if (ok${r}) {
    for (var j = 0u; j < tk(); j++) {
      let kb = (o.y + j * dh()) >> 2u;
      var d${r} = vec4<f32>(0.0);
      for (var c = 0u; c < dh4; c++) { d${r} += q${r}[c] * k[kb + c]; }
      ${score(r)}
      probs[row${r} * tk() + j] = select(exp(s${r} - mx${r}) / l${r}, 0.0, s${r} == neg_inf() || l${r} == 0.0);
    }
  }`;
  return {
    key: `attention-block/${mask}/${dropout ? 'drop' : '-'}/c${chunk}/d${dchunk}/r${R}/${probs ? 'probs' : '-'}`,
    metaWords: ATTENTION_META_WORDS,
    source: /* wgsl */ `
${source}
${metaPrelude(bindings.params, ATTENTION_META_WORDS)}
${WGSL_NEG_INF}
${WGSL_ATTENTION_META}
${dropout ? WGSL_COUNTER_HASH : ''}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let g = gid1(gid, nwg);
  let groups = (tq() + ${R - 1}u) / ${R}u;
  if (g >= (m(0u) / tq()) * groups) { return; }
  let t = g / groups;
  let ib = (g % groups) * ${R}u;
  let o = batch_offsets(t);
  let mij = mask_ij();
  let dh4 = dh() / 4u;
  ${each(R, (r) => `let ok${r} = ib + ${r}u < tq();
  let i${r} = min(ib + ${r}u, tq() - 1u);
  let row${r} = t * tq() + i${r};
  var q${r} = array<vec4<f32>, ${dchunk / 4}>();
  for (var c = 0u; c < dh4; c++) { q${r}[c] = q[((o.x + i${r} * dh()) >> 2u) + c]; }
  var mx${r} = neg_inf();
  var l${r} = 0.0;`)}
  var c0 = 0u;
  loop {
    // Each pass over the keys recomputes the scores and the running max and sum from scratch.
    // NOTE: explicit initialisers: Dawn + lavapipe do not re-zero a var declared in a loop body.
    ${each(R, (r) => `var acc${r} = array<vec4<f32>, ${chunk / 4}>();
    mx${r} = neg_inf();
    l${r} = 0.0;`)}
    let nc4 = min(${chunk / 4}u, (dv() - c0) / 4u);
    for (var j = 0u; j < tk(); j++) {
      let kb = (o.y + j * dh()) >> 2u;
      ${each(R, (r) => `var d${r} = vec4<f32>(0.0);`, ' ')}
      ${dot}
      ${each(R, (r) => `${score(r)}\n      ${update(r)}`, '\n      ')}
      let vb = (o.z + j * dv() + c0) >> 2u;
      for (var c = 0u; c < nc4; c++) { let vv = v[vb + c]; ${each(R, (r) => `acc${r}[c] += w${r} * vv;`, ' ')} }
    }
    // NaN scores leave l NaN, which propagates; only a fully masked row has l = 0.
    ${each(R, (r) => `if (ok${r}) {
      let inv = select(mf(9u) / l${r}, 0.0, l${r} == 0.0);
      for (var c = 0u; c < nc4; c++) {
        let a = acc${r}[c] * inv;
        for (var e = 0u; e < 4u; e++) { out[row${r} * dv() + c0 + 4u * c + e] = a[e]; }
      }
    }`, '\n    ')}
    c0 += ${chunk}u;
    if (c0 >= dv()) { break; }
  }
  ${probs ? each(R, probsPass, '\n  ') : ''}
}`,
  };
}
