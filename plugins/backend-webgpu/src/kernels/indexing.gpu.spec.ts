// Indexing kernels on WebGPU against the CPU oracle: gather along any axis with indices of any
// rank, scatterAdd with heavily repeated indices (deterministic, compensated sums, ±inf and NaN),
// int32 data, oneHot with out-of-range indices, empty index lists — and what out-of-range indices
// do here (poison the result: a shader cannot throw).
import { describe, expect, it } from 'vitest';
import { gather, oneHot, reshape, scatterAdd, sum, tensor, type Tensor } from '@crossmodal/tensor';
import { testBackend, withGpuDevice } from '../testing/index.ts';
import { compareForward, hostInputs, onBoth } from '../testing/nn-parity.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;
const f = (...shape: number[]) => ({ shape });
const idx = (high: number, ...shape: number[]) => ({ shape, kind: 'int' as const, low: 0, high });
const exact = { atol: 0, rtol: 0 };

describe.skipIf(!gpu)('indexing kernels on WebGPU', () => {
  it.each([
    [[11, 6], [3, 4], 0],
    [[3, 8, 2], [5], 1],
    [[3, 4, 7], [2, 2, 2], 2],
    [[2, 3, 1, 4, 5, 2], [3], 3], // rank 6
    [[5], [], 0], // a rank-0 index: the axis disappears
  ])('gather of %j by indices %j along %i matches the oracle (float32 and int32)', async (shape, ishape, axis) => {
    const n = shape[axis]!;
    const fn = (x: Tensor, i: Tensor) => gather(x, i, axis);
    expect(await compareForward(gpu!, fn, hostInputs([f(...shape), idx(n, ...ishape)]), exact)).toBeNull();
    expect(await compareForward(gpu!, fn, hostInputs([idx(1000, ...shape), idx(n, ...ishape)]), exact)).toBeNull();
  });

  it.each([
    [[6, 3], [9], 0],
    [[4, 5, 3], [2, 7], 1],
    [[3, 4], [0], 1], // no indices: out = base
  ])('scatterAdd into %j by indices %j along %i matches the oracle (float32 and int32)', async (shape, ishape, axis) => {
    const srcShape = [...shape.slice(0, axis), ...ishape, ...shape.slice(axis + 1)];
    const fn = (b: Tensor, i: Tensor, s: Tensor) => scatterAdd(b, i, s, axis);
    expect(await compareForward(gpu!, fn, hostInputs([f(...shape), idx(shape[axis]!, ...ishape), f(...srcShape)]))).toBeNull();
    expect(await compareForward(gpu!, fn, hostInputs([idx(99, ...shape), idx(shape[axis]!, ...ishape), idx(99, ...srcShape)]), exact)).toBeNull();
  });

  it('accumulates thousands of repeats of one index within tolerance, identically on every run', async () => {
    // An embedding gradient where most tokens are padding (index 0): a chain of ~3000 terms.
    const ids = Int32Array.from({ length: 4000 }, (_, j) => (j % 4 === 0 ? 1 + (j % 13) : 0));
    const inputs = [{ data: new Float32Array(14 * 8), shape: [14, 8] }, { data: ids, shape: [4000] }, ...hostInputs([{ shape: [4000, 8], low: 0, high: 1 }])];
    const fn = (b: Tensor, i: Tensor, s: Tensor) => scatterAdd(b, i, s, 0);
    expect(await compareForward(gpu!, fn, inputs, { atol: 0, rtol: 1e-6 })).toBeNull();
    const first = await onBoth(gpu!, fn, inputs);
    const second = await onBoth(gpu!, fn, inputs);
    expect(Array.from(second.gpu['out']!.data)).toEqual(Array.from(first.gpu['out']!.data));
  });

  it('makes oneHot rows, zero for indices outside [0, depth)', async () => {
    const ids = Int32Array.from([2, -1, 0, 7, 6, -100, 3, 1, 5]);
    const fn = (i: Tensor) => ({ rows: oneHot(i, 7), grid: oneHot(reshape(i, [3, 3]), 4), none: oneHot(i, 0) });
    expect(await compareForward(gpu!, fn, [{ data: ids, shape: [9] }], exact)).toBeNull();
    expect(await compareForward(gpu!, (i: Tensor) => oneHot(i, 5), [{ data: Int32Array.from([4]), shape: [] }], exact)).toBeNull();
  });

  it('sums ±inf, overflow and NaN in scatterAdd chains to ±inf and NaN as the oracle does', async () => {
    const inf = Number.POSITIVE_INFINITY;
    // Row 0 takes inf then 1, and 3e38 twice (overflow); row 1 NaN then 2, and −inf then inf; row 2 one source.
    const src = Float32Array.from([inf, 3e38, 1, 3e38, Number.NaN, -inf, 2, inf, -inf, 5]);
    const inputs = [{ data: new Float32Array(6), shape: [3, 2] }, { data: Int32Array.from([0, 0, 1, 1, 2]), shape: [5] }, { data: src, shape: [5, 2] }];
    const fn = (b: Tensor, i: Tensor, s: Tensor) => scatterAdd(b, i, s, 0);
    const r = await onBoth(gpu!, fn, inputs);
    expect(Array.from(r.gpu['out']!.data)).toEqual([inf, inf, Number.NaN, Number.NaN, -inf, 5]);
    expect(await compareForward(gpu!, fn, inputs)).toBeNull();
  });

  it('poisons out-of-range indices instead of throwing: NaN (int32: its minimum) in gather, the whole scatterAdd output', async () => {
    // NOTE: a shader cannot throw the oracle's RangeError; code that needs it validates indices on the host.
    const nan = Number.NaN;
    const min = -(2 ** 31);
    const r = await withGpuDevice(gpu!, async () => {
      const i = tensor([2, -1, 3, 0], [4], { dtype: 'int32', backend: gpu! });
      const results = [];
      for (const dtype of ['float32', 'int32'] as const) {
        const x = tensor([1, 2, 3, 4, 5, 6], [3, 2], { dtype, backend: gpu! });
        const src = tensor([10, 20, 30, 40, 50, 60, 70, 80], [4, 2], { dtype, backend: gpu! });
        const g = gather(x, i, 0);
        const s = scatterAdd(x, i, src, 0);
        results.push({ g: Array.from(await g.data()), s: Array.from(await s.data()) });
        [x, src, g, s].forEach((t) => t.dispose());
      }
      // An embedding lookup with one bad token id: the loss goes NaN (and the Trainer stops), not quietly low.
      const table = tensor([0.5, 1, 1.5, 2], [2, 2], { backend: gpu! });
      const ids = tensor([1, 7, 0], [3], { dtype: 'int32', backend: gpu! });
      const loss = sum(gather(table, ids, 0));
      const lossValue = (await loss.data())[0];
      [i, table, ids, loss].forEach((t) => t.dispose());
      return { f: results[0]!, i: results[1]!, lossValue };
    });
    expect(r.f.g).toEqual([5, 6, nan, nan, nan, nan, 1, 2]);
    expect(r.f.s).toEqual(Array(6).fill(nan));
    expect(r.i.g).toEqual([5, 6, min, min, min, min, 1, 2]);
    expect(r.i.s).toEqual(Array(6).fill(min));
    expect(r.lossValue).toBeNaN();
  });
});
