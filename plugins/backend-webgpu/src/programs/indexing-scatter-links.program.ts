// ScatterAdd, pass 1 of 2: chains the positions of equal indices, so pass 2 can sum each target
// row's sources in index order without atomics (deterministic, bit for bit run to run).
import { metaPrelude, WG, type WgslProgram } from '../program.ts';

/** Meta: [m (index count), n (axis size)]. */
const META_WORDS = 2;

/**
 * One invocation per index j, over a zeroed `links` of n + m + 1 words: links[r] = 1 + the first j
 * with indices[j] = r (0: none), links[n + j] = 1 + the next j' > j with the same index (0: last).
 * Each j scans the other indices until it finds its predecessor and successor: O(m²) comparisons
 * at worst, independent of the row count and width that a gather-style pass would multiply in.
 * An out-of-range index is left out of every chain and sets the flag links[n + m] to 1, for pass 2
 * to poison the output (the CPU oracle throws instead). The words are atomic only so that several
 * invocations may set that flag at once; every other word has one writer.
 */
export function indexingScatterLinksProgram(): WgslProgram {
  return {
    key: 'indexing/scatter-links',
    metaWords: META_WORDS,
    source: `@group(0) @binding(0) var<storage, read> indices: array<i32>;
@group(0) @binding(1) var<storage, read_write> links: array<atomic<u32>>;
${metaPrelude(2, META_WORDS)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = gid1(gid, nwg);
  let count = m(0u);
  let n = m(1u);
  if (j >= count) { return; }
  let v = indices[j];
  // Negative indices become huge as u32: one comparison rejects both ends.
  if (u32(v) >= n) { atomicStore(&links[n + count], 1u); return; }
  var first = true;
  for (var k = 0u; k < j; k++) {
    if (indices[k] == v) { first = false; break; }
  }
  var next = 0u;
  for (var k = j + 1u; k < count; k++) {
    if (indices[k] == v) { next = k + 1u; break; }
  }
  atomicStore(&links[n + j], next);
  if (first) { atomicStore(&links[u32(v)], j + 1u); }
}`,
  };
}
