// Gather along one axis: x viewed as [outer, n, inner], out as [outer, m, inner] with
// out[p, j, q] = x[p, indices[j], q]. Elements move as u32 bits (float32 and int32 alike).
import { metaPrelude, WG, type WgslProgram } from '../program.ts';

/** Meta: [out size, m (index count), n (axis size), inner, poison bits]. */
const META_WORDS = 5;

/**
 * The bits an out-of-range index reads, by element dtype: a quiet NaN for float32 (a bad token id
 * turns the loss NaN, which stops training, instead of a silent zero embedding), and the most
 * negative int32 for int32 (no index accepts it, so a gather chained on it is poisoned in turn).
 */
export const GATHER_POISON_BITS = { float32: 0x7fc00000, int32: 0x80000000 } as const;

/**
 * The gather program. NOTE: the CPU oracle throws a RangeError on an index outside [0, n), which
 * a shader cannot do: here its output slice is filled with the poison bits from meta word 4.
 */
export function indexingGatherProgram(): WgslProgram {
  return {
    key: 'indexing/gather',
    metaWords: META_WORDS,
    source: `@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read> indices: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
${metaPrelude(3, META_WORDS)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid1(gid, nwg);
  if (i >= m(0u)) { return; }
  let inner = m(3u);
  let q = i % inner;
  let t = i / inner;
  let j = t % m(1u);
  let p = t / m(1u);
  let n = m(2u);
  // Negative indices become huge as u32: one comparison rejects both ends.
  let r = u32(indices[j]);
  if (r >= n) { out[i] = m(4u); return; }
  out[i] = x[(p * n + r) * inner + q];
}`,
  };
}
