// OneHot: int32 indices → float32 indicator rows; an index outside [0, depth) gives a zero row.
import { metaPrelude, WG, type WgslProgram } from '../program.ts';

/** Meta: [out size, depth]. */
const META_WORDS = 2;

/** The one-hot program (one invocation per output element). */
export function indexingOneHotProgram(): WgslProgram {
  return {
    key: 'indexing/one-hot',
    metaWords: META_WORDS,
    source: `@group(0) @binding(0) var<storage, read> indices: array<i32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
${metaPrelude(2, META_WORDS)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid1(gid, nwg);
  if (i >= m(0u)) { return; }
  let depth = m(1u);
  out[i] = select(0.0, 1.0, indices[i / depth] == i32(i % depth));
}`,
  };
}
