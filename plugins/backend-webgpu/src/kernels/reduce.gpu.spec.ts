// Reductions on WebGPU against the CPU oracle: any axes with keepDim, rank 0 and rank 6, empty
// axes and outputs, int32, NaN, sums that come out ±inf or NaN, ties, long rows (the split
// two-pass path) and more outputs than one dispatch axis holds — on the serial programs and,
// forced by the backend's `reductions` setting, on the workgroup trees a hardware adapter gets.
import { afterAll, describe, expect, it } from 'vitest';
import { argmax, argmin, max, mean, min, sum, type Tensor } from '@crossmodal/tensor';
import { createWebGpuBackend } from '../create-backend.ts';
import { reduceMeta, reduceProgram } from '../programs/reduce.program.ts';
import { testBackend, withGpuDevice } from '../testing/index.ts';
import { compareForward, hostInputs, onBoth } from '../testing/nn-parity.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;
const f = (...shape: number[]) => ({ shape });
const INF = Number.POSITIVE_INFINITY;
const NAN = Number.NaN;

/**
 * Rows of 600 whose sums are not finite: ±inf, overflow, inf − inf and NaN (and one finite row).
 * Both big terms of an overflowing row sit 256 apart, so one tree lane (lanes stride by 256) adds
 * both; the serial path splits each row into chunks of 200 and overflows in its second pass. The
 * last row overflows only across chunks: each chunk's partial sum is finite.
 */
function nonFiniteRows(): { input: { data: Float32Array; shape: number[] }; sums: number[] } {
  const rows: [number, number][][] = [
    [[5, INF]],
    [[1, -INF]],
    [[0, 3e38], [256, 3e38]],
    [[0, -3e38], [256, -3e38]],
    [[0, INF], [256, -INF]],
    [[3, NAN]],
    [[0, INF], [300, NAN]],
    [[7, 1.5], [400, -2.25]],
  ];
  const data = new Float32Array((rows.length + 1) * 600);
  rows.forEach((set, r) => set.forEach(([at, v]) => (data[r * 600 + at] = v)));
  data.fill(6e35, rows.length * 600); // 3.6e38 in all: over f32's 3.4e38, though each chunk of 200 is not
  return { input: { data, shape: [rows.length + 1, 600] }, sums: [INF, -INF, INF, -INF, NAN, NAN, NAN, -0.75, INF] };
}

const all = (x: Tensor, axes: number[], keepDim: boolean) => ({
  sum: sum(x, axes, keepDim),
  max: max(x, axes, keepDim),
  min: min(x, axes, keepDim),
});

describe.skipIf(!gpu)('reduction kernels on WebGPU', () => {
  it.each([
    [[3, 5, 7], [0, 2], true],
    [[3, 5, 7], [1], false],
    [[3, 5, 7], [0, 1, 2], false],
    [[2, 3, 1, 4, 5, 3], [1, 3, 4], false], // rank 6, kept and reduced axes interleaved
    [[2, 3, 1, 4, 5, 3], [0, 5], true],
    [[4, 1, 6], [1], false], // reducing a size-1 axis only
    [[4, 6], [], false], // nothing reduced: a copy
  ])('sum, max and min of %j over %j (keepDim %s) match the oracle', async (shape, axes, keepDim) => {
    expect(await compareForward(gpu!, (x: Tensor) => all(x, axes, keepDim), hostInputs([f(...shape)]))).toBeNull();
  });

  it.each([
    [[5, 7], 1],
    [[5, 7], 0],
    [[2, 3, 4, 1, 2, 5], 2],
    [[9], 0],
  ])('argmax and argmin of %j along %i match the oracle', async (shape, axis) => {
    const fn = (x: Tensor) => ({ hi: argmax(x, axis), lo: argmin(x, axis, true) });
    expect(await compareForward(gpu!, fn, hostInputs([f(...shape)]))).toBeNull();
  });

  it('reduces int32 tensors (sum, max, min, argmax) exactly', async () => {
    const fn = (x: Tensor) => ({ ...all(x, [1], false), arg: argmax(x, 0), total: sum(x) });
    const inputs = hostInputs([{ shape: [6, 9], kind: 'int', low: -50, high: 50 }]);
    expect(await compareForward(gpu!, fn, inputs, { atol: 0, rtol: 0 })).toBeNull();
  });

  it('propagates NaN through max and min, and takes the first extreme or NaN in arg reductions', async () => {
    const nan = Number.NaN;
    const data = Float32Array.from([1, 3, 3, 0, 2, nan, 5, nan, 7, 7, 7, 7]);
    const fn = (x: Tensor) => ({ max: max(x, 1), min: min(x, 1), hi: argmax(x, 1), lo: argmin(x, 1) });
    const r = await onBoth(gpu!, fn, [{ data, shape: [3, 4] }]);
    expect(Array.from(r.gpu['max']!.data)).toEqual([3, nan, 7]);
    expect(Array.from(r.gpu['min']!.data)).toEqual([0, nan, 7]);
    expect(Array.from(r.gpu['hi']!.data)).toEqual([1, 1, 0]);
    expect(Array.from(r.gpu['lo']!.data)).toEqual([3, 1, 0]);
    expect(await compareForward(gpu!, fn, [{ data, shape: [3, 4] }])).toBeNull();
  });

  it('sums ±inf, overflow and NaN to ±inf and NaN as the oracle does (split rows too)', async () => {
    const { input, sums } = nonFiniteRows();
    const fn = (x: Tensor) => ({ rows: sum(x, 1), cols: sum(x, 0), total: sum(x), mean: mean(x, 1) });
    const r = await onBoth(gpu!, fn, [input]);
    expect(Array.from(r.gpu['rows']!.data)).toEqual(sums);
    expect(await compareForward(gpu!, fn, [input])).toBeNull();
    const single = (v: number[]) => [{ data: Float32Array.from(v), shape: [v.length] }];
    for (const [v, want] of [[[INF], INF], [[-INF, 2], -INF], [[3e38, 3e38], INF], [[2, NAN], NAN]] as const) {
      expect(Array.from((await onBoth(gpu!, (x: Tensor) => sum(x), single([...v]))).gpu['out']!.data)).toEqual([want]);
    }
  });

  it('handles rank 0, empty reduced axes and empty outputs', async () => {
    expect(await compareForward(gpu!, (x: Tensor) => ({ s: sum(x), m: max(x) }), hostInputs([f()]))).toBeNull();
    const empty = [{ data: new Float32Array(0), shape: [3, 0, 2] }];
    const r = await onBoth(gpu!, (x: Tensor) => ({ zeros: sum(x, 1), none: max(x, [0, 2]) }), empty);
    expect(Array.from(r.gpu['zeros']!.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(r.gpu['none']!.shape).toEqual([0]);
  });

  it('keeps long rows within 1e-5 of the double-precision sum (split and unsplit paths)', async () => {
    // Positive values: f32 left-to-right summation would drift by ~1e-4 relative over 2^20 terms.
    const long = hostInputs([{ shape: [3, 1 << 20], low: 0, high: 1 }]);
    const fn = (x: Tensor) => ({ rows: sum(x, 1), total: sum(x), strided: sum(x, 0) });
    expect(await compareForward(gpu!, fn, long, { atol: 0, rtol: 1e-5 })).toBeNull();
    const many = hostInputs([{ shape: [5000, 3001], low: 0, high: 1 }]);
    expect(await compareForward(gpu!, (x: Tensor) => sum(x, 1), many, { atol: 0, rtol: 1e-5 })).toBeNull();
    expect(await compareForward(gpu!, (x: Tensor) => ({ max: max(x), min: min(x, 0) }), many)).toBeNull();
  });

  it('keeps Kahan compensation through the shader compiler on one serial row of 2^22', async () => {
    // Naive f32 summation of these values is off by 5.6e-4 relative; compensated, by ~1e-8.
    const n = 1 << 22;
    const host = Float32Array.from({ length: n }, (_, i) => 0.1 + (i % 7) * 0.013);
    const exact = host.reduce((a, v) => a + v, 0);
    const got = await withGpuDevice(gpu!, async () => {
      const x = gpu!.upload(host);
      const out = gpu!.alloc(4);
      const plan = { keptShape: [1], keptStrides: [0], redShape: [n], redStrides: [1] };
      gpu!.run(reduceProgram('sum', 'f32'), [x], [out], reduceMeta(plan, 1, n, 1), [1, 1, 1]);
      const r = await gpu!.read(out, 'float32', 1);
      gpu!.release(x);
      gpu!.release(out);
      return r[0]!;
    });
    expect(Math.abs(got - exact) / exact).toBeLessThan(1e-6);
  });

  it('runs more outputs than one dispatch axis holds (65535 workgroups)', async () => {
    const inputs = hostInputs([f(65535 * 64 + 9, 2)]);
    expect(await compareForward(gpu!, (x: Tensor) => ({ s: sum(x, 1), a: argmin(x, 1) }), inputs)).toBeNull();
  });
});

// Every row through the tree (treeMinLength 1), so short and odd rows exercise empty lanes too.
const treeGpu = gpu ? await createWebGpuBackend({ reductions: 'tree', treeMinLength: 1 }) : undefined;
afterAll(() => treeGpu?.destroy());

describe.skipIf(!gpu)('reduction kernels as workgroup trees', () => {
  it('picks the strategy from the adapter: serial on a software adapter, tree on a hardware one', () => {
    expect(gpu!.settings.reductions).toBe(gpu!.acquired.software ? 'serial' : 'tree');
    expect(treeGpu!.settings.reductions).toBe('tree');
  });

  it.each([
    [[3, 1], [1]],
    [[4, 5], [1]],
    [[3, 257], [1]], // one more than the lanes: one lane folds two elements
    [[2, 1001], [0, 1]],
    [[1001, 3], [0]], // strided rows
    [[2, 255, 3], [1]],
    [[3, 5, 7], [0, 2]], // two reduced axes that do not merge: the serial fallback
  ])('sum, max, min and mean of %j over %j match the oracle', async (shape, axes) => {
    const fn = (x: Tensor) => ({ ...all(x, axes, false), mean: mean(x, axes) });
    expect(await compareForward(treeGpu!, fn, hostInputs([f(...shape)]))).toBeNull();
  });

  it.each([
    [[5, 7], 1],
    [[3, 999], 1],
    [[513, 2], 0],
  ])('argmax and argmin of %j along %i match the oracle', async (shape, axis) => {
    const fn = (x: Tensor) => ({ hi: argmax(x, axis), lo: argmin(x, axis) });
    expect(await compareForward(treeGpu!, fn, hostInputs([f(...shape)]))).toBeNull();
  });

  it('takes the first extreme and the first NaN although lanes interleave indices', async () => {
    // Row 0: ties at 3 and 260 (different lanes; 3 first). Row 1: NaN at 300 and 40 (40 first).
    const data = new Float32Array(2 * 600).fill(0);
    data[3] = 9;
    data[260] = 9;
    data[100] = -9;
    data[356] = -9;
    data[600 + 300] = Number.NaN;
    data[600 + 40] = Number.NaN;
    const fn = (x: Tensor) => ({ hi: argmax(x, 1), lo: argmin(x, 1), max: max(x, 1), min: min(x, 1) });
    const r = await onBoth(treeGpu!, fn, [{ data, shape: [2, 600] }]);
    expect(Array.from(r.gpu['hi']!.data)).toEqual([3, 40]);
    expect(Array.from(r.gpu['lo']!.data)).toEqual([100, 40]);
    expect(Array.from(r.gpu['max']!.data)).toEqual([9, Number.NaN]);
    expect(await compareForward(treeGpu!, fn, [{ data, shape: [2, 600] }])).toBeNull();
  });

  it('sums ±inf, overflow and NaN within one lane to ±inf and NaN as the oracle does', async () => {
    const { input, sums } = nonFiniteRows();
    const fn = (x: Tensor) => ({ rows: sum(x, 1), mean: mean(x, 1) });
    const r = await onBoth(treeGpu!, fn, [input]);
    expect(Array.from(r.gpu['rows']!.data)).toEqual(sums);
    expect(await compareForward(treeGpu!, fn, [input])).toBeNull();
  });

  it('reduces int32 rows exactly', async () => {
    const fn = (x: Tensor) => ({ ...all(x, [1], false), arg: argmin(x, 1) });
    const inputs = hostInputs([{ shape: [4, 301], kind: 'int', low: -50, high: 50 }]);
    expect(await compareForward(treeGpu!, fn, inputs, { atol: 0, rtol: 0 })).toBeNull();
  });

  it('keeps long rows within 1e-5 of the double-precision sum (split into tree chunks and whole)', async () => {
    const long = hostInputs([{ shape: [3, 1 << 20], low: 0, high: 1 }]);
    const fn = (x: Tensor) => ({ rows: sum(x, 1), total: sum(x), max: max(x, 1), arg: argmax(x, 1) });
    expect(await compareForward(treeGpu!, fn, long, { atol: 0, rtol: 1e-5 })).toBeNull();
  });

  it('runs more rows than one dispatch axis holds (65535 workgroups)', async () => {
    const inputs = hostInputs([f(65535 + 9, 3)]);
    expect(await compareForward(treeGpu!, (x: Tensor) => sum(x, 1), inputs)).toBeNull();
  });
});
