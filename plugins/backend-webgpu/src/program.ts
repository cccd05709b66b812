// WGSL programs as pure functions of static parameters, and how one is run: every input a
// read-only storage buffer, every output a read-write one, then one uniform block of u32 meta
// (sizes, shapes, strides, bit-cast floats) — so one pipeline serves every shape.

/** A compute program. `key` encodes everything that changes `source`, and nothing else. */
export interface WgslProgram {
  /** Cache key of the pipeline: equal keys ⇒ equal sources. */
  readonly key: string;
  /** WGSL with bindings: inputs 0..n−1, outputs n..n+m−1, then the params block (see metaPrelude). */
  readonly source: string;
  /** Words the params block declares (what `metaPrelude` was given); meta is padded to it. */
  readonly metaWords: number;
}

/** Workgroup size of the 1-D programs. */
export const WG = 64;

/**
 * The uniform block every program declares last, and helpers: `m(i)` is meta word i (u32),
 * `mf(i)` the same bits as f32; `gid1(gid, nwg)` folds a 2-D dispatch into a linear invocation id
 * (a dispatch dimension holds at most 65535 workgroups).
 */
export const metaPrelude = (binding: number, words: number): string => `
struct Params { v: array<vec4<u32>, ${Math.max(1, Math.ceil(words / 4))}> }
@group(0) @binding(${binding}) var<uniform> params: Params;
fn m(i: u32) -> u32 { return params.v[i / 4u][i % 4u]; }
fn mf(i: u32) -> f32 { return bitcast<f32>(m(i)); }
fn gid1(gid: vec3u, nwg: vec3u) -> u32 { return gid.x + gid.y * nwg.x * ${WG}u; }
`;

/** Workgroup counts for `n` invocations of WG lanes: [x, y, 1] with x ≤ 65535. */
export function dispatch1d(n: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(n / WG));
  if (groups <= 65535) return [groups, 1, 1];
  const x = 65535;
  return [x, Math.ceil(groups / x), 1];
}

/** Meta words: numbers as u32, or f32 bits when wrapped with `f32()`. */
export type MetaWord = number | { readonly f32: number };

/** Marks a meta word as an f32 (its bits are stored). */
export const f32 = (v: number): MetaWord => ({ f32: v });

/** Packs meta words into a Uint32Array padded to the program's declared block (whole vec4s). */
export function packMeta(words: readonly MetaWord[], declared = words.length): Uint32Array<ArrayBuffer> {
  if (words.length > declared) throw new RangeError(`packMeta: ${words.length} words do not fit the declared ${declared}`);
  const out = new Uint32Array(Math.max(4, Math.ceil(declared / 4) * 4));
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  words.forEach((w, i) => {
    if (typeof w === 'number') {
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) throw new RangeError(`packMeta: word ${i} is ${w}, expected a u32`);
      out[i] = w;
    } else {
      f[0] = w.f32;
      out[i] = u[0]!;
    }
  });
  return out;
}
