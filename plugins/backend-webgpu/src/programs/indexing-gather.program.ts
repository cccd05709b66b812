// Gather along one axis: x viewed as [outer, n, inner], out as [outer, m, inner] with
// out[p, j, q] = x[p, indices[j], q]. Elements move as u32 bits (float32 and int32 alike).
import { metaPrelude, WG, type WgslProgram } from '../program.ts';

/** Meta: [out size, m (index count), n (axis size), inner]. */
const META_WORDS = 4;

/**
 * The gather program. NOTE: an index outside [0, n) yields 0 here; the CPU oracle throws a
 * RangeError instead, which a shader cannot do, so callers validate indices on the host.
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
  if (r >= n) { out[i] = 0u; return; }
  out[i] = x[(p * n + r) * inner + q];
}`,
  };
}
