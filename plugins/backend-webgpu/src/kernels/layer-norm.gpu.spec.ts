// LayerNorm and LayerNormGrad on WebGPU against the CPU oracle: with and without the affine
// inputs, odd widths, rank 6, rows of a constant, every subset of the gradients, empty tensors;
// the forward also as workgroup trees (the backend's `reductions: 'tree'`).
import { afterAll, describe, expect, it } from 'vitest';
import { LayerNorm, LayerNormGrad, runOpMulti, zeros, type Tensor } from '@crossmodal/tensor';
import { createWebGpuBackend } from '../create-backend.ts';
import { testBackend, withGpuDevice } from '../testing/index.ts';
import { compareForward, hostInputs, onBoth } from '../testing/nn-parity.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;
const f = (...shape: number[]) => ({ shape });
const tol = { atol: 1e-5, rtol: 1e-5 };

const forward = (eps: number, affine: 'none' | 'weight' | 'both') => (x: Tensor, w?: Tensor, b?: Tensor) =>
  runOpMulti(LayerNorm, { x, weight: affine === 'none' ? undefined : w, bias: affine === 'both' ? b : undefined }, { eps });

describe.skipIf(!gpu)('layer-norm kernels on WebGPU', () => {
  it.each([
    [[2, 5, 24], 'both', 1e-5],
    [[7, 10], 'none', 1e-6],
    [[3, 33], 'weight', 1e-5],
    [[1, 1], 'both', 1e-5],
    [[2, 1, 3, 1, 2, 7], 'both', 1e-12], // rank 6
    [[130], 'none', 1e-5],
  ] as const)('LayerNorm of %j (%s, eps %f) matches the oracle to 1e-5', async (shape, affine, eps) => {
    const d = shape.at(-1)!;
    const inputs = hostInputs([{ shape: [...shape], low: -3, high: 5 }, f(d), f(d)]);
    expect(await compareForward(gpu!, forward(eps, affine), inputs, tol)).toBeNull();
  });

  it('normalises a constant row to 0 with rstd = 1/√eps, and handles empty tensors', async () => {
    const data = new Float32Array(12).fill(2.5);
    const r = await onBoth(gpu!, forward(1e-4, 'none'), [{ data, shape: [2, 6] }]);
    expect(Array.from(r.gpu['out']!.data)).toEqual(new Array(12).fill(0));
    expect(r.gpu['rstd']!.data[0]).toBeCloseTo(100, 3);
    const none = await onBoth(gpu!, forward(1e-5, 'none'), [{ data: new Float32Array(0), shape: [0, 4] }]);
    expect([none.gpu['out']!.data.length, none.gpu['mean']!.data.length]).toEqual([0, 0]);
  });

  it('gives rows of width 0 a mean and rstd of 0', async () => {
    // The CPU oracle gives the same (see its LayerNorm kernel).
    await withGpuDevice(gpu!, async () => {
      const r = runOpMulti(LayerNorm, { x: zeros([3, 0], { backend: gpu! }) }, { eps: 1e-5 });
      expect([r.out!.shape, Array.from(await r.mean!.data()), Array.from(await r.rstd!.data())]).toEqual([[3, 0], [0, 0, 0], [0, 0, 0]]);
      for (const t of Object.values(r)) t?.dispose();
    });
  });

  const wants = [
    { dx: true, dweight: true, dbias: true },
    { dx: true, dweight: false, dbias: false },
    { dx: false, dweight: true, dbias: false },
    { dx: false, dweight: false, dbias: true },
    { dx: false, dweight: true, dbias: true },
  ];
  it.each([
    [[2, 5, 24], true],
    [[7, 10], false],
    [[3, 2, 1, 2, 2, 9], true],
    [[300, 3], true], // more rows than columns: the column program loops them
  ])('LayerNormGrad of %j (weight %s) matches the oracle for every subset of outputs', async (shape, weighted) => {
    const d = shape.at(-1)!;
    const inputs = hostInputs([f(...shape), f(...shape), f(d)]);
    for (const want of wants) {
      const fn = (dy: Tensor, x: Tensor, w: Tensor) => {
        const { mean, rstd } = runOpMulti(LayerNorm, { x }, { eps: 1e-5 });
        return runOpMulti(LayerNormGrad, { dy, x, mean: mean!, rstd: rstd!, weight: weighted ? w : undefined }, weighted ? want : { ...want, dweight: false });
      };
      expect(await compareForward(gpu!, fn, inputs, { atol: 2e-5, rtol: 1e-4 })).toBeNull();
    }
  });

  it('LayerNormGrad of an empty batch gives zero dweight and dbias', async () => {
    const fn = (dy: Tensor, x: Tensor, w: Tensor) => {
      const { mean, rstd } = runOpMulti(LayerNorm, { x }, { eps: 1e-5 });
      return runOpMulti(LayerNormGrad, { dy, x, mean: mean!, rstd: rstd!, weight: w }, { dx: true, dweight: true, dbias: true });
    };
    const empty = { data: new Float32Array(0), shape: [0, 5] };
    const r = await onBoth(gpu!, fn, [empty, empty, { data: new Float32Array(5).fill(1), shape: [5] }]);
    expect(Array.from(r.gpu['dweight']!.data)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(r.gpu['dbias']!.data)).toEqual([0, 0, 0, 0, 0]);
  });
});

// Every row through the tree (treeMinLength 1): rows shorter than the workgroup leave lanes empty.
const treeGpu = gpu ? await createWebGpuBackend({ reductions: 'tree', treeMinLength: 1 }) : undefined;
afterAll(() => treeGpu?.destroy());

describe.skipIf(!gpu)('layer norm as workgroup trees', () => {
  it.each([
    [[2, 5, 24], 'both', 1e-5],
    [[3, 33], 'weight', 1e-5],
    [[1, 1], 'none', 1e-5],
    [[4, 257], 'both', 1e-5],
    [[2, 1001], 'none', 1e-6],
  ] as const)('LayerNorm of %j (%s, eps %f) matches the oracle to 1e-5', async (shape, affine, eps) => {
    const d = shape.at(-1)!;
    const inputs = hostInputs([{ shape: [...shape], low: -3, high: 5 }, f(d), f(d)]);
    expect(await compareForward(treeGpu!, forward(eps, affine), inputs, tol)).toBeNull();
  });

  it('normalises a constant row to 0 with rstd = 1/√eps', async () => {
    const r = await onBoth(treeGpu!, forward(1e-4, 'none'), [{ data: new Float32Array(600).fill(2.5), shape: [2, 300] }]);
    expect(r.gpu['out']!.data.every((v) => v === 0)).toBe(true);
    expect(r.gpu['rstd']!.data[1]).toBeCloseTo(100, 3);
  });
});
