// A strided copy, the one walk behind Permute, Expand, Slice and Concat: for every coordinate of a
// box, dst[dstBase + c·dstStrides] = src[srcBase + c·srcStrides]. Elements are moved as u32 bits, so
// one pipeline serves float32 and int32 and NaN payloads survive.
import { metaPrelude, WG, type MetaWord, type WgslProgram } from '../program.ts';
import { MAX_RANK } from './broadcast.ts';
import { collapseAxes, padWords } from './strided.ts';

/** Meta: [n, rank, srcBase, dstBase, shape, srcStrides, dstStrides]. */
const META_WORDS = 4 + 3 * MAX_RANK;

/** One box copy: its shape and where it sits in the source and destination (element offsets and strides). */
export interface CopyBox {
  readonly shape: readonly number[];
  readonly srcBase: number;
  readonly srcStrides: readonly number[];
  readonly dstBase: number;
  readonly dstStrides: readonly number[];
}

/** Meta words of a box copy, with contiguous axes merged. */
export function copyMeta(box: CopyBox): MetaWord[] {
  const walk = collapseAxes(box.shape, [box.srcStrides, box.dstStrides]);
  const n = box.shape.reduce((a, d) => a * d, 1);
  return [n, walk.shape.length, box.srcBase, box.dstBase, ...padWords(walk.shape), ...padWords(walk.strides[0]!), ...padWords(walk.strides[1]!)];
}

/** The strided copy program (one invocation per element of the box). */
export function layoutCopyProgram(): WgslProgram {
  return {
    key: 'layout/copy',
    metaWords: META_WORDS,
    source: `@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
${metaPrelude(2, META_WORDS)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid1(gid, nwg);
  if (i >= m(0u)) { return; }
  var s = m(2u);
  var d = m(3u);
  var rem = i;
  for (var a = m(1u); a > 0u; a--) {
    let dim = m(3u + a);
    let c = rem % dim;
    rem = rem / dim;
    s += c * m(${3 + MAX_RANK}u + a);
    d += c * m(${3 + 2 * MAX_RANK}u + a);
  }
  dst[d] = src[s];
}`,
  };
}
