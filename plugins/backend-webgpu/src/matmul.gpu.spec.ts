// MatMul on WebGPU against the CPU oracle: degenerate and odd sizes (not multiples of the 4×4
// tile), every transpose combination on aligned and unaligned operands, broadcast batch axes, and
// a 1024×64·64×1024 product checked on a sample of entries; and the f16-operand variant
// (`createWebGpuBackend({ f16: true })`) against double precision within f16's rounding.
import { afterAll, describe, expect, it } from 'vitest';
import { matmul, tensor, type Tensor } from '@crossmodal/tensor';
import { allClose } from '@crossmodal/tensor/testing';
import { createWebGpuBackend } from './create-backend.ts';
import { runMatmul } from './kernels/matmul.kernel.ts';
import { WebGpuBackend } from './webgpu-backend.ts';
import { testBackend, withGpuDevice } from './testing/index.ts';
import { compareForward, hostInputs } from './testing/nn-parity.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;
const f = (...shape: number[]) => ({ shape });

/** The stored shapes of a and b for op(a) of [m, k] and op(b) of [k, n]. */
const stored = (m: number, k: number, n: number, transA: boolean, transB: boolean): [number[], number[]] => [
  transA ? [k, m] : [m, k],
  transB ? [n, k] : [k, n],
];
const flags = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

/** op(a)·op(b) in double precision on the host, for a and b stored as given. */
function hostMatmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[transA ? p * m + i : i * k + p]! * b[transB ? j * k + p : p * n + j]!;
      out[i * n + j] = acc;
    }
  }
  return out;
}

/** op(a)·op(b) through runMatmul with a forced tile, read back. */
async function tiled(on: WebGpuBackend, a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean, tile: 4 | 8): Promise<Float32Array> {
  const [sa, sb] = stored(m, k, n, transA, transB);
  return withGpuDevice(on, async () => {
    const input = (data: Float32Array, shape: number[]) => ({ storage: on.upload(data), shape, dtype: 'float32' as const, size: data.length });
    const ins = [input(a, sa), input(b, sb)] as const;
    const y = runMatmul(on, ins[0], ins[1], { transA, transB }, { shape: [m, n], dtype: 'float32', size: m * n }, tile);
    const data = (await on.read(y, 'float32', m * n)) as Float32Array;
    for (const s of [ins[0].storage, ins[1].storage, y]) on.release(s);
    return data;
  });
}

describe.skipIf(!gpu)('matmul kernel on WebGPU', () => {
  it.each([
    [1, 1, 1],
    [1, 9, 1],
    [1, 5, 7], // 1×N
    [7, 5, 1], // N×1
    [33, 17, 65],
    [8, 16, 12], // every axis a multiple of 4: the vec4 paths
    [6, 3, 2],
  ])('m=%i k=%i n=%i matches the oracle for every transpose', async (m, k, n) => {
    for (const [transA, transB] of flags) {
      const [sa, sb] = stored(m, k, n, transA, transB);
      const fn = (a: Tensor, b: Tensor) => matmul(a, b, { transA, transB });
      expect(await compareForward(gpu!, fn, hostInputs([f(...sa), f(...sb)])), `transA=${transA} transB=${transB}`).toBeNull();
    }
  });

  it('broadcasts batch axes: [3, 1, 5, 7]·[4, 7, 2] → [3, 4, 5, 2], with every transpose', async () => {
    for (const [transA, transB] of flags) {
      const sa = [3, 1, ...(transA ? [7, 5] : [5, 7])];
      const sb = [4, ...(transB ? [2, 7] : [7, 2])];
      const fn = (a: Tensor, b: Tensor) => matmul(a, b, { transA, transB });
      expect(await compareForward(gpu!, fn, hostInputs([f(...sa), f(...sb)])), `transA=${transA} transB=${transB}`).toBeNull();
    }
  });

  it('handles a broadcast a over batched b, rank 6, and aligned batched operands', async () => {
    const cases: [number[], number[]][] = [
      [[5, 8], [2, 3, 8, 4]],
      [[2, 1, 3, 1, 6, 5], [1, 2, 1, 4, 5, 3]],
      [[2, 4, 8, 4], [2, 1, 4, 8]],
    ];
    for (const [sa, sb] of cases) {
      expect(await compareForward(gpu!, (a: Tensor, b: Tensor) => matmul(a, b), hostInputs([f(...sa), f(...sb)])), `${sa}·${sb}`).toBeNull();
    }
  });

  it('gives zeros for k = 0 and empty outputs for m = 0 or a zero batch', async () => {
    const cases: [number[], number[]][] = [
      [[3, 0], [0, 5]],
      [[0, 4], [4, 3]],
      [[0, 2, 4], [4, 3]],
    ];
    for (const [sa, sb] of cases) {
      expect(await compareForward(gpu!, (a: Tensor, b: Tensor) => matmul(a, b), hostInputs([f(...sa), f(...sb)])), `${sa}·${sb}`).toBeNull();
    }
  });

  it('runs more tiles than one dispatch axis holds (65535 workgroups)', async () => {
    // One 1×1 matrix per batch element, one tile each: 65535·64 + 3 tiles, b broadcast over the batch.
    const batch = 65535 * 64 + 3;
    expect(await compareForward(gpu!, (a: Tensor, b: Tensor) => matmul(a, b), hostInputs([f(batch, 1, 2), f(2, 1)]))).toBeNull();
  });

  // The 8×8 program normally runs only on large products; force it onto edges that are not
  // multiples of 8 (vec4 groups clamped at the edge) and onto unaligned (scalar) operands.
  it.each([
    [36, 20, 44, false, false],
    [36, 20, 44, true, false],
    [36, 20, 44, false, true],
    [36, 20, 44, true, true],
    [33, 17, 65, false, false],
    [33, 17, 65, true, true],
  ])('the 8×8 tile matches for m=%i k=%i n=%i transA=%s transB=%s', async (m, k, n, transA, transB) => {
    const [sa, sb] = stored(m, k, n, transA, transB);
    const [a, b] = hostInputs([f(...sa), f(...sb)]).map((x) => x.data as Float32Array);
    const out = await tiled(gpu!, a!, b!, m, k, n, transA, transB, 8);
    const expected = hostMatmul(a!, b!, m, k, n, transA, transB);
    expect(allClose({ shape: [m, n], data: out }, { shape: [m, n], data: expected }, { atol: 1e-5, rtol: 1e-4 })).toBeNull();
  });

  it('matches double-precision dot products on a sample of a 1024×64·64×1024 product', async () => {
    const [m, k, n] = [1024, 64, 1024];
    const [a, b] = hostInputs([f(m, k), f(k, n)]).map((x) => x.data as Float32Array);
    const out = await withGpuDevice(gpu!, async () => {
      const y = matmul(tensor(a!, [m, k], { backend: gpu! }), tensor(b!, [k, n], { backend: gpu! }));
      const data = await y.data();
      y.dispose();
      return data;
    });
    let worst = 0;
    for (let s = 0; s < 2000; s++) {
      // A fixed stride through the output, covering every row-tile and column-tile position.
      const i = (s * 523) % m;
      const j = (s * 331 + (s >> 3)) % n;
      let exact = 0;
      for (let p = 0; p < k; p++) exact += a![i * k + p]! * b![p * n + j]!;
      worst = Math.max(worst, Math.abs(out[i * n + j]! - exact) / (1e-5 + 1e-4 * Math.abs(exact)));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });
});

// f16 operands: each product carries three f16 roundings (2^-11 relative each: a, b, a·b) and the
// f32 sum adds them like a random walk, so the error of an entry grows as √k·max|a|·max|b|.
const f16Gpu = gpu?.device.features.has('shader-f16') ? await createWebGpuBackend({ f16: true }) : undefined;
afterAll(() => f16Gpu?.destroy());

/** Worst |out − exact| over 1e-2·√k·max|a|·max|b| (≤ 1 passes), against double-precision products. */
function f16Error(out: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean): number {
  const exact = hostMatmul(a, b, m, k, n, transA, transB);
  const amax = a.reduce((x, v) => Math.max(x, Math.abs(v)), 0);
  const bmax = b.reduce((x, v) => Math.max(x, Math.abs(v)), 0);
  const scale = 1e-2 * Math.sqrt(Math.max(1, k)) * amax * bmax;
  return out.reduce((w, v, i) => Math.max(w, Math.abs(v - exact[i]!) / scale), 0);
}

describe.skipIf(!f16Gpu)('matmul with f16 operands (shader-f16)', () => {
  it('is off unless asked for', () => {
    expect([gpu!.settings.f16, f16Gpu!.settings.f16]).toEqual([false, true]);
  });

  // NOTE: lavapipe takes 5–20 s to compile each f16 pipeline, so the cases share few variants:
  // plain and both-transposed loads, scalar and vec4, one 8×8 tile with clamped edges.
  const plainAndBoth = [flags[0], flags[3]];
  it.each([
    [1, 1, 1, 4, [flags[0]]],
    [7, 5, 1, 4, [flags[0]]],
    [33, 17, 65, 4, plainAndBoth],
    [8, 16, 12, 4, plainAndBoth], // the vec4 paths
    [36, 20, 44, 8, [flags[0]]],
  ] as const)('m=%i k=%i n=%i (tile %i) is within f16 rounding of the exact product', async (m, k, n, tile, transposes) => {
    for (const [transA, transB] of transposes) {
      const [sa, sb] = stored(m, k, n, transA, transB);
      const [a, b] = hostInputs([f(...sa), f(...sb)]).map((x) => x.data as Float32Array);
      const out = await tiled(f16Gpu!, a!, b!, m, k, n, transA, transB, tile);
      expect(f16Error(out, a!, b!, m, k, n, transA, transB), `transA=${transA} transB=${transB}`).toBeLessThanOrEqual(1);
    }
  });

  it('rounds like f16 (not like the f32 path) on a 96×256·256×80 product, and accumulates in f32', async () => {
    const [m, k, n] = [96, 256, 80];
    const [a, b] = hostInputs([f(m, k), f(k, n)]).map((x) => x.data as Float32Array);
    const run = (on: WebGpuBackend) => withGpuDevice(on, async () => {
      const y = matmul(tensor(a!, [m, k], { backend: on }), tensor(b!, [k, n], { backend: on }));
      const data = (await y.data()) as Float32Array;
      y.dispose();
      return data;
    });
    const [half, single] = [await run(f16Gpu!), await run(gpu!)];
    expect(f16Error(half, a!, b!, m, k, n, false, false)).toBeLessThanOrEqual(1);
    // The flag took effect: f16 operands move results by far more than f32 rounding does (~1e-6)…
    const moved = half.reduce((w, v, i) => Math.max(w, Math.abs(v - single[i]!)), 0);
    expect(moved).toBeGreaterThan(1e-4);
    // …yet an f16 accumulator would be off by ~k·2^-11 relative on these sums of positive terms.
    const ones = new Float32Array(m * k).fill(1);
    const third = new Float32Array(k * n).fill(1 / 3);
    const sums = await withGpuDevice(f16Gpu!, async () => {
      const y = matmul(tensor(ones, [m, k], { backend: f16Gpu! }), tensor(third, [k, n], { backend: f16Gpu! }));
      const data = (await y.data()) as Float32Array;
      y.dispose();
      return data;
    });
    // f16(1/3) = 0.333251953125 exactly; 256 of them sum exactly in f32.
    expect(sums.every((v) => v === 256 * 0.333251953125)).toBe(true);
  });
});
