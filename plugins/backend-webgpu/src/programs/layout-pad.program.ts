// Constant padding: each output element is the input element it covers, or the fill value outside.
// Elements are u32 bits (the fill is passed as the dtype's bits), so float32 and int32 share it.
import { metaPrelude, WG, type MetaWord, type WgslProgram } from '../program.ts';
import { MAX_RANK } from './broadcast.ts';
import { padWords } from './strided.ts';

/** Meta: [n, rank, fill bits, _, outShape, before, inShape]. */
const META_WORDS = 4 + 3 * MAX_RANK;

/** The bits of `value` as a u32 word in `dtype`. */
function fillBits(value: number, dtype: 'float32' | 'int32'): number {
  const bits = new Uint32Array(1);
  if (dtype === 'float32') new Float32Array(bits.buffer)[0] = value;
  else new Int32Array(bits.buffer)[0] = value;
  return bits[0]!;
}

/** Meta words of a pad of an `inShape` tensor by `before` leading elements per axis into `outShape`. */
export function padMeta(inShape: readonly number[], outShape: readonly number[], before: readonly number[], value: number, dtype: 'float32' | 'int32'): MetaWord[] {
  const n = outShape.reduce((a, d) => a * d, 1);
  return [n, outShape.length, fillBits(value, dtype), 0, ...padWords(outShape), ...padWords(before), ...padWords(inShape)];
}

/** The pad program (one invocation per output element). */
export function layoutPadProgram(): WgslProgram {
  return {
    key: 'layout/pad',
    metaWords: META_WORDS,
    source: `@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
${metaPrelude(2, META_WORDS)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid1(gid, nwg);
  if (i >= m(0u)) { return; }
  var s = 0u;
  var stride = 1u;
  var inside = true;
  var rem = i;
  for (var a = m(1u); a > 0u; a--) {
    let dim = m(3u + a);
    // Input coordinate on this axis; below 'before' it wraps to a huge u32, so one test covers both sides.
    let c = rem % dim - m(${3 + MAX_RANK}u + a);
    rem = rem / dim;
    let inDim = m(${3 + 2 * MAX_RANK}u + a);
    inside = inside && c < inDim;
    s += c * stride;
    stride *= inDim;
  }
  if (inside) { dst[i] = src[s]; } else { dst[i] = m(2u); }
}`,
  };
}
