// Elementwise programs (unary, binary, where) with broadcasting: one invocation per output element.
// The key holds the expression, the element types and each input's access mode.
import { metaPrelude, WG, type WgslProgram } from '../program.ts';
import { offsetsWgsl, type Access } from './broadcast.ts';
import { WGSL_MATH } from './math.wgsl.ts';

/** WGSL element type of a tensor dtype. */
export type WgslType = 'f32' | 'i32';

/**
 * out[i] = expr over the inputs `x0…xk` (each read at its broadcast offset), with `T<k>` element
 * types and `O` the output type. `expr` may use the helpers in WGSL_MATH.
 */
export function elementwiseProgram(name: string, expr: string, inTypes: readonly WgslType[], outType: WgslType, access: readonly Access[]): WgslProgram {
  const k = inTypes.length;
  const bindings = inTypes.map((t, j) => `@group(0) @binding(${j}) var<storage, read> in${j}: array<${t}>;`).join('\n');
  const reads = inTypes.map((_, j) => `let x${j} = in${j}[off${j}];`).join('\n  ');
  const metaWords = 2 + 8 * (k + 1);
  return {
    key: `ew/${name}/${inTypes.join(',')}>${outType}/${access.join(',')}`,
    metaWords,
    source: `${bindings}
@group(0) @binding(${k}) var<storage, read_write> out: array<${outType}>;
${metaPrelude(k + 1, metaWords)}
${WGSL_MATH}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid1(gid, nwg);
  if (i >= m(0u)) { return; }
  ${offsetsWgsl(access)}
  ${reads}
  out[i] = ${expr};
}`,
  };
}
