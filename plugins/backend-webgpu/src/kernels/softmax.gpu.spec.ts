// Softmax, LogSoftmax and SoftmaxGrad on WebGPU against the CPU oracle: any axis, odd sizes,
// rows of −∞ and NaN, rank 0 and rank 6, empty tensors, and more rows than one dispatch axis holds;
// the forward also as workgroup trees (the backend's `reductions: 'tree'`).
import { afterAll, describe, expect, it } from 'vitest';
import { logSoftmax, runOp, softmax, SoftmaxGrad, type Tensor } from '@crossmodal/tensor';
import { createWebGpuBackend } from '../create-backend.ts';
import { testBackend } from '../testing/index.ts';
import { compareForward, hostInputs, onBoth } from '../testing/nn-parity.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;
const f = (...shape: number[]) => ({ shape });
const NEG = Number.NEGATIVE_INFINITY;

describe.skipIf(!gpu)('softmax kernels on WebGPU', () => {
  it.each([
    [[6, 37], -1],
    [[3, 9, 4], 1],
    [[5, 7, 2], 0],
    [[1], 0],
    [[2, 1, 3, 1, 2, 3], 3], // rank 6
    [[2, 3, 2, 1, 2, 5], -1],
  ])('softmax and logSoftmax of %j along %i match the oracle', async (shape, axis) => {
    const inputs = hostInputs([{ shape, low: -6, high: 6 }]);
    const fn = (x: Tensor) => ({ out: softmax(x, axis), log: logSoftmax(x, axis) });
    expect(await compareForward(gpu!, fn, inputs)).toBeNull();
  });

  it('handles rank 0 and empty tensors', async () => {
    // A scalar is one row of one: softmax 1, log-softmax 0 on both backends.
    const s = await onBoth(gpu!, (x: Tensor) => ({ out: softmax(x, 0), log: logSoftmax(x, 0) }), hostInputs([f()]));
    expect([s.gpu['out']!.data[0], s.gpu['log']!.data[0], s.cpu['out']!.data[0], s.cpu['log']!.data[0]]).toEqual([1, 0, 1, 0]);
    const empty = [{ data: new Float32Array(0), shape: [3, 0, 2] }];
    const r = await onBoth(gpu!, (x: Tensor) => ({ out: softmax(x, 1), rows: softmax(x, 2) }), empty);
    expect(r.gpu['out']!.shape).toEqual([3, 0, 2]);
    expect(r.gpu['rows']!.data.length).toBe(0);
  });

  it('is stable for ±1000, gives 0 / −∞ for a row of −∞, and propagates NaN', async () => {
    const data = Float32Array.from([1000, -1000, 999, 0, NEG, NEG, NEG, NEG, NEG, 1, NEG, 2, 1, Number.NaN, 3, 4]);
    const r = await onBoth(gpu!, (x: Tensor) => ({ out: softmax(x, -1), log: logSoftmax(x, -1) }), [{ data, shape: [4, 4] }]);
    expect(Array.from(r.gpu['out']!.data.slice(4, 8))).toEqual([0, 0, 0, 0]);
    expect(Array.from(r.gpu['log']!.data.slice(4, 8))).toEqual([NEG, NEG, NEG, NEG]);
    expect(r.gpu['out']!.data[8]).toBe(0); // exp(−∞) is exactly 0
    expect(Array.from(r.gpu['out']!.data.slice(12)).every(Number.isNaN)).toBe(true);
    expect(await compareForward(gpu!, (x: Tensor) => ({ out: softmax(x, -1), log: logSoftmax(x, -1) }), [{ data, shape: [4, 4] }])).toBeNull();
  });

  it('runs more rows than one dispatch axis holds (65535 workgroups)', async () => {
    const rows = 65535 * 64 + 9;
    const inputs = hostInputs([f(rows, 2)]);
    expect(await compareForward(gpu!, (x: Tensor) => softmax(x, -1), inputs)).toBeNull();
  });

  it.each([
    [[6, 37], -1],
    [[3, 9, 4], 1],
    [[4, 1, 3, 2, 1, 5], 2],
  ])('SoftmaxGrad of %j along %i matches the composite', async (shape, axis) => {
    const inputs = hostInputs([{ shape, low: 0, high: 1 }, f(...shape)]);
    const fn = (y: Tensor, dy: Tensor) => runOp(SoftmaxGrad, { y, dy }, { axis });
    expect(await compareForward(gpu!, fn, inputs)).toBeNull();
  });
});

// Every row through the tree (treeMinLength 1): rows shorter than the workgroup leave lanes empty.
const treeGpu = gpu ? await createWebGpuBackend({ reductions: 'tree', treeMinLength: 1 }) : undefined;
afterAll(() => treeGpu?.destroy());

describe.skipIf(!gpu)('softmax as workgroup trees', () => {
  it.each([
    [[6, 37], -1],
    [[3, 257], -1],
    [[2, 1001], 1],
    [[3, 300, 5], 1], // strided rows
    [[1], 0],
  ])('softmax and logSoftmax of %j along %i match the oracle', async (shape, axis) => {
    const inputs = hostInputs([{ shape, low: -6, high: 6 }]);
    const fn = (x: Tensor) => ({ out: softmax(x, axis), log: logSoftmax(x, axis) });
    expect(await compareForward(treeGpu!, fn, inputs)).toBeNull();
  });

  it('gives 0 / −∞ for a row of −∞ and propagates NaN', async () => {
    const data = new Float32Array(3 * 300).map((_, i) => Math.sin(i));
    data.fill(NEG, 300, 600);
    data[600 + 299] = Number.NaN;
    const fn = (x: Tensor) => ({ out: softmax(x, -1), log: logSoftmax(x, -1) });
    const r = await onBoth(treeGpu!, fn, [{ data, shape: [3, 300] }]);
    expect(r.gpu['out']!.data.slice(300, 600).every((v) => v === 0)).toBe(true);
    expect(r.gpu['log']!.data.slice(300, 600).every((v) => v === NEG)).toBe(true);
    expect(r.gpu['out']!.data.slice(600).every(Number.isNaN)).toBe(true);
    expect(await compareForward(treeGpu!, fn, [{ data, shape: [3, 300] }])).toBeNull();
  });
  // More rows than one dispatch axis holds: reduce.gpu.spec.ts runs the shared dispatchRows there.
});
