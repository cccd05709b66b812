// Indexing kernels on WebGPU against the CPU oracle: gather along any axis with indices of any
// rank, scatterAdd with heavily repeated indices (deterministic, compensated sums), int32 data,
// oneHot with out-of-range indices, empty index lists — and what out-of-range indices do here.
import { describe, expect, it } from 'vitest';
import { gather, oneHot, reshape, scatterAdd, tensor, type Tensor } from '@crossmodal/tensor';
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

  it('reads 0 for out-of-range gather indices and skips them in scatterAdd (the oracle throws instead)', async () => {
    // NOTE: a shader cannot throw; code that needs the RangeError validates indices on the host.
    const r = await withGpuDevice(gpu!, async () => {
      const x = tensor([1, 2, 3, 4, 5, 6], [3, 2], { backend: gpu! });
      const i = tensor([2, -1, 3, 0], [4], { dtype: 'int32', backend: gpu! });
      const src = tensor([10, 20, 30, 40, 50, 60, 70, 80], [4, 2], { backend: gpu! });
      const g = gather(x, i, 0);
      const s = scatterAdd(x, i, src, 0);
      const out = { g: Array.from(await g.data()), s: Array.from(await s.data()) };
      [x, i, src, g, s].forEach((t) => t.dispose());
      return out;
    });
    expect(r.g).toEqual([5, 6, 0, 0, 0, 0, 1, 2]);
    expect(r.s).toEqual([71, 82, 3, 4, 15, 26]);
  });
});
