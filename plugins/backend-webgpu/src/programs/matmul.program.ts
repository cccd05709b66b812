// Batched matmul, register-blocked: each invocation computes a rows×cols tile of op(A)·op(B) held
// in registers, reading blocks of A and B per step of 4 along k (vec4 loads where the operand's
// contiguous axis is a multiple of 4), with no workgroup memory — on lavapipe barriers cost more
// than shared memory saves. Rows and columns past the edge read a clamped (valid) element and are
// never stored; a k tail of 1–3 runs as scalar steps. The f16 variant (shader-f16) converts each
// loaded operand to f16 and multiplies vec4<f16>s, but accumulates every product in f32 and
// stores f32: the rounding is that of the operands (and one product), not of a growing sum.
import { metaPrelude, WG, type MetaWord, type WgslProgram } from '../program.ts';
import { MAX_RANK } from './broadcast.ts';
import { padWords } from './strided.ts';

/** Static shape of the program: transposed operands, vec4 bindings, and the tile per invocation. */
export interface MatmulVariant {
  readonly transA: boolean;
  readonly transB: boolean;
  /** A's contiguous axis (k, or m when transposed) is a multiple of 4. */
  readonly vecA: boolean;
  /** B's contiguous axis (n, or k when transposed) is a multiple of 4. */
  readonly vecB: boolean;
  /** Output rows per invocation (a multiple of 4). */
  readonly rows: number;
  /** Output columns per invocation (a multiple of 4). */
  readonly cols: number;
  /** Operands as f16 (`enable f16;`), f32 accumulation; needs the device's shader-f16. */
  readonly f16?: boolean;
}

/** Meta: [m, n, k, tiles, tilesM, tilesN, batchRank, _, batchShape, aBatchStrides, bBatchStrides]. */
const META_WORDS = 8 + 3 * MAX_RANK;

/** Sizes and broadcast batch strides (elements, 0 where broadcast); batch axes already merged. */
export interface MatmulDims {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batchShape: readonly number[];
  readonly aBatchStrides: readonly number[];
  readonly bBatchStrides: readonly number[];
}

/** Meta words of one matmul; the dispatch has one invocation per output tile of every batch. */
export function matmulMeta(d: MatmulDims, rows: number, cols: number): { meta: MetaWord[]; tiles: number } {
  const tilesM = Math.ceil(d.m / rows);
  const tilesN = Math.ceil(d.n / cols);
  const tiles = d.batchShape.reduce((a, s) => a * s, 1) * tilesM * tilesN;
  const meta = [d.m, d.n, d.k, tiles, tilesM, tilesN, d.batchShape.length, 0, ...padWords(d.batchShape), ...padWords(d.aBatchStrides), ...padWords(d.bBatchStrides)];
  return { meta, tiles };
}

const C = ['x', 'y', 'z', 'w'] as const;
const range = (n: number): number[] => [...Array(n).keys()];
/** Element type of the operands in registers. */
type Elem = 'f32' | 'f16';
const vec4Of = (parts: readonly string[], e: Elem = 'f32'): string => `vec4<${e}>(${parts.join(', ')})`;

/**
 * WGSL statements that define `a<r>` (vec4 over p..p+3 of op(A) row i0+r) and `b<t>_<g>` (vec4 over
 * columns j0+4g..j0+4g+3 of op(B) row p+t) for the k step at `p`.
 */
function loadBlocks(v: MatmulVariant): string[] {
  const e: Elem = v.f16 ? 'f16' : 'f32';
  const rows = range(v.rows);
  const groupsR = range(v.rows / 4);
  const groupsC = range(v.cols / 4);
  const t4 = range(4);
  // Row-major A (m×k): rows are contiguous along p. Transposed A (k×m): stored rows run along i;
  // a vec4 group past the edge is clamped to the last whole group (m % 4 = 0 there).
  const a = v.transA
    ? [
        ...t4.flatMap((t) => groupsR.map((g) => `let ac${t}_${g} = ${v.vecA
          ? `av((aBase + (p + ${t}u) * M + min(i0 + ${4 * g}u, M - 4u)) >> 2u)`
          : vec4Of(t4.map((r) => `ga(aBase + (p + ${t}u) * M + ir${4 * g + r})`), e)};`)),
        ...rows.map((r) => `let a${r} = ${vec4Of(t4.map((t) => `ac${t}_${r >> 2}.${C[r & 3]}`), e)};`),
      ]
    : rows.map((r) => `let a${r} = ${v.vecA ? `av((aBase + ir${r} * K + p) >> 2u)` : vec4Of(t4.map((t) => `ga(aBase + ir${r} * K + p + ${t}u)`), e)};`);
  // Row-major B (k×n): rows run along j. Transposed B (n×k): stored rows run along p.
  const b = v.transB
    ? [
        ...range(v.cols).map((c) => `let bc${c} = ${v.vecB ? `bv((bBase + jc${c} * K + p) >> 2u)` : vec4Of(t4.map((t) => `gb(bBase + jc${c} * K + p + ${t}u)`), e)};`),
        ...t4.flatMap((t) => groupsC.map((g) => `let b${t}_${g} = ${vec4Of(t4.map((c) => `bc${4 * g + c}.${C[t]}`), e)};`)),
      ]
    : t4.flatMap((t) => groupsC.map((g) => `let b${t}_${g} = ${v.vecB
        ? `bv((bBase + (p + ${t}u) * N + min(j0 + ${4 * g}u, N - 4u)) >> 2u)`
        : vec4Of(t4.map((c) => `gb(bBase + (p + ${t}u) * N + jc${4 * g + c})`), e)};`));
  return [...a, ...b];
}

/**
 * Read helpers of a binding that is array<f32> or array<vec4<f32>>: scalar `g<x>(i)` and, for vec4,
 * `<x>v(i)`; they return `e`, converting on load for f16.
 */
function getters(x: string, binding: string, vec: boolean, e: Elem): string {
  const as = (value: string, type: string) => (e === 'f32' ? value : `${type}(${value})`);
  return vec
    ? `fn g${x}(i: u32) -> ${e} { return ${as(`${binding}[i >> 2u][i & 3u]`, e)}; }\nfn ${x}v(i: u32) -> vec4<${e}> { return ${as(`${binding}[i]`, `vec4<${e}>`)}; }`
    : `fn g${x}(i: u32) -> ${e} { return ${as(`${binding}[i]`, e)}; }`;
}

/** `sum` of f16 products widened to f32 term by term (the f32 accumulation); f32 terms as they are. */
const widened = (terms: readonly string[], f16: boolean): string => (f16 ? terms.map((t) => `vec4<f32>(${t})`) : terms).join(' + ');

/** The k tail (one p at a time): a scalar of op(A) per row times a vec4 of op(B) per column group. */
function tailStep(v: MatmulVariant): string[] {
  const b = range(v.cols / 4).map((g) => `let t${g} = ${vec4Of(range(4).map((c) => {
    const j = `jc${4 * g + c}`;
    return v.transB ? `gb(bBase + ${j} * K + p)` : `gb(bBase + p * N + ${j})`;
  }), v.f16 ? 'f16' : 'f32')};`);
  const acc = range(v.rows).flatMap((r) => {
    const a = v.transA ? `ga(aBase + p * M + ir${r})` : `ga(aBase + ir${r} * K + p)`;
    return [`let s${r} = ${a};`, ...range(v.cols / 4).map((g) => `acc${r}_${g} += ${widened([`s${r} * t${g}`], v.f16 === true)};`)];
  });
  return [...b, ...acc];
}

/** The matmul program for one variant. */
export function matmulProgram(v: MatmulVariant): WgslProgram {
  const rows = range(v.rows);
  const groupsC = range(v.cols / 4);
  const e: Elem = v.f16 ? 'f16' : 'f32';
  const fma = rows.flatMap((r) => groupsC.map((g) => `acc${r}_${g} += ${widened(range(4).map((t) => `a${r}.${C[t]} * b${t}_${g}`), v.f16 === true)};`));
  const stores = rows.flatMap((r) => groupsC.map((g) => `if (i0 + ${r}u < M) { store(oBase + (i0 + ${r}u) * N, j0 + ${4 * g}u, N, acc${r}_${g}); }`));
  return {
    key: `matmul/${v.transA ? 'T' : 'N'}${v.transB ? 'T' : 'N'}/${v.vecA ? 'v' : 's'}${v.vecB ? 'v' : 's'}/${v.rows}x${v.cols}${v.f16 ? '/f16' : ''}`,
    metaWords: META_WORDS,
    source: `${v.f16 ? 'enable f16;\n' : ''}@group(0) @binding(0) var<storage, read> A: array<${v.vecA ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(1) var<storage, read> B: array<${v.vecB ? 'vec4<f32>' : 'f32'}>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
${metaPrelude(3, META_WORDS)}
${getters('a', 'A', v.vecA, e)}
${getters('b', 'B', v.vecB, e)}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let tile = gid1(gid, nwg);
  if (tile >= m(3u)) { return; }
  let M = m(0u); let N = m(1u); let K = m(2u);
  let tilesN = m(5u);
  // Neighbouring invocations take neighbouring column tiles: they share A's rows.
  let j0 = (tile % tilesN) * ${v.cols}u;
  let rest = tile / tilesN;
  let i0 = (rest % m(4u)) * ${v.rows}u;
  var bt = rest / m(4u);
  let oBase = bt * M * N;
  var aBase = 0u;
  var bBase = 0u;
  for (var d = m(6u); d > 0u; d--) {
    let dim = m(7u + d);
    let c = bt % dim;
    bt = bt / dim;
    aBase += c * m(${7 + MAX_RANK}u + d);
    bBase += c * m(${7 + 2 * MAX_RANK}u + d);
  }
  // Rows and columns past the edge read the last valid one; their results are never stored.
  ${rows.map((r) => `let ir${r} = min(i0 + ${r}u, M - 1u);`).join(' ')}
  ${range(v.cols).map((c) => `let jc${c} = min(j0 + ${c}u, N - 1u);`).join(' ')}
  ${rows.flatMap((r) => groupsC.map((g) => `var acc${r}_${g} = vec4<f32>(0.0);`)).join(' ')}
  let k4 = K & ~3u;
  for (var p = 0u; p < k4; p += 4u) {
    ${loadBlocks(v).join('\n    ')}
    ${fma.join('\n    ')}
  }
  for (var p = k4; p < K; p++) {
    ${tailStep(v).join('\n    ')}
  }
  ${stores.join('\n  ')}
}
fn store(row: u32, j0: u32, N: u32, v: vec4<f32>) {
  for (var c = 0u; c < 4u; c++) {
    if (j0 + c < N) { out[row + j0 + c] = v[c]; }
  }
}`,
  };
}
