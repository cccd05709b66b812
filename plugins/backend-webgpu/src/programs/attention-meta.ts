// Meta words shared by the attention programs: sizes, attrs, and the broadcast strides that map
// a flat batch index to offsets into q, k, v (and the mask over [...batch, Tq, Tk]).
import { dropoutScale, type AttentionAttrs, type AttentionDims } from '@crossmodal/tensor';
import { f32, type MetaWord } from '../program.ts';
import { broadcastStrides } from './broadcast.ts';
import { dropoutWords } from './counter-hash.wgsl.ts';

/** Largest batch rank (axes before [T, D]) the attention programs handle. */
export const MAX_BATCH_RANK = 6;

/** Words of the attention meta block (see `attentionMeta`). */
export const ATTENTION_META_WORDS = 13 + 5 * MAX_BATCH_RANK;

const R = MAX_BATCH_RANK;
/** Word offsets of the batch dims and each stride table. */
const DIMS = 11;
const Q = DIMS + R;
const K = Q + R;
const V = K + R;
const MASK = V + R;

/**
 * [rows = batch·Tq, Tq, Tk, Dh, Dv, scale (f32), causal, fmix32(seed), threshold, dropout scale
 * (f32), batch rank, batch dims ×R, q/k/v element strides per batch axis ×R each, mask strides
 * ×R then its Tq and Tk strides]. Strides are 0 on broadcast axes.
 */
export function attentionMeta(
  d: AttentionDims,
  a: Omit<AttentionAttrs, 'returnProbs'>,
  shapes: { q: readonly number[]; k: readonly number[]; v: readonly number[]; mask?: readonly number[] | undefined },
): MetaWord[] {
  const rank = d.batch.length;
  if (rank > R) throw new RangeError(`webgpu attention: ${rank} batch axes exceed the maximum ${R}`);
  const nbatch = d.batch.reduce((x, y) => x * y, 1);
  const pad = (xs: number[]): number[] => [...xs, ...new Array<number>(R - xs.length).fill(0)];
  const batchStrides = (s: readonly number[], matrix: number): number[] =>
    pad(broadcastStrides(d.batch, s.slice(0, -2)).map((x) => x * matrix));
  const [hseed, threshold] = a.dropoutP > 0 ? dropoutWords(a.dropoutP, a.seed) : [0, 0];
  const maskStrides = shapes.mask ? broadcastStrides([...d.batch, d.tq, d.tk], shapes.mask) : new Array<number>(rank + 2).fill(0);
  const words: MetaWord[] = [
    nbatch * d.tq, d.tq, d.tk, d.dh, d.dv, f32(a.scale), a.causal ? 1 : 0, hseed, threshold,
    f32(a.dropoutP > 0 ? dropoutScale(a.dropoutP) : 1), rank, ...pad([...d.batch]),
    ...batchStrides(shapes.q, d.tq * d.dh), ...batchStrides(shapes.k, d.tk * d.dh), ...batchStrides(shapes.v, d.tk * d.dv),
    ...pad(maskStrides.slice(0, rank)), maskStrides[rank]!, maskStrides[rank + 1]!,
  ];
  return words;
}

/**
 * WGSL over the meta block: `batch_offsets(t)` gives the element offsets of batch element t in q,
 * k, v and the mask; `mask_ij()` the mask's Tq and Tk strides; plus named accessors of the sizes.
 */
export const WGSL_ATTENTION_META = /* wgsl */ `
fn tq() -> u32 { return m(1u); }
fn tk() -> u32 { return m(2u); }
fn dh() -> u32 { return m(3u); }
fn dv() -> u32 { return m(4u); }
fn scale() -> f32 { return mf(5u); }
fn causal() -> bool { return m(6u) != 0u; }
fn mask_ij() -> vec2<u32> { return vec2<u32>(m(${MASK + R}u), m(${MASK + R + 1}u)); }
fn batch_offsets(t: u32) -> vec4<u32> {
  let rank = m(10u);
  var rem = t;
  var o = vec4<u32>(0u);
  for (var n = 0u; n < rank; n++) {
    let a = rank - 1u - n;
    let dim = m(${DIMS}u + a);
    let c = rem % dim;
    rem = rem / dim;
    o += c * vec4<u32>(m(${Q}u + a), m(${K}u + a), m(${V}u + a), m(${MASK}u + a));
  }
  return o;
}
`;

/**
 * WGSL storage bindings of an attention program: the inputs (read; the mask as `maskType`) from
 * binding 0, then the outputs (read_write); returns the source and the params block's binding.
 */
export function attentionBindings(ins: readonly string[], outs: readonly string[], maskType: 'f32' | 'i32'): { source: string; params: number } {
  const source = [
    ...ins.map((n, i) => `@group(0) @binding(${i}) var<storage, read> ${n}: array<${n === 'mask' ? maskType : 'f32'}>;`),
    ...outs.map((n, i) => `@group(0) @binding(${ins.length + i}) var<storage, read_write> ${n}: array<f32>;`),
  ].join('\n');
  return { source, params: ins.length + outs.length };
}
