// Dropout on WebGPU: the device-side hash reproduces the oracle's mask bit for bit (every seed and
// p tried, indices past 2^22), with the oracle's scale and its −0 / NaN behaviour.
import { describe, expect, it } from 'vitest';
import { dropout, dropoutMaskData, type Tensor } from '@crossmodal/tensor';
import { testBackend } from '../testing/index.ts';
import { hostInputs, onBoth } from '../testing/nn-parity.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;

/** Bitwise equality, so −0 ≠ 0 and NaN = NaN. */
const sameBits = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  const [x, y] = [new Uint32Array(Float32Array.from(a).buffer), new Uint32Array(Float32Array.from(b).buffer)];
  let diff = x.length === y.length ? 0 : Math.abs(x.length - y.length);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) diff++;
  return diff;
};

describe.skipIf(!gpu)('dropout kernel on WebGPU', () => {
  it.each([
    [0.3, 1234, [8, 33]],
    [0.5, 0, [1000]],
    [0.1, 0xffffffff, [3, 1, 4, 1, 5, 9]],
    [1e-7, 7, [257]],
    [0.999, 42, [77]],
  ] as const)('p = %f, seed %i over %j equals the oracle bit for bit', async (p, seed, shape) => {
    const inputs = hostInputs([{ shape: [...shape] }]);
    const r = await onBoth(gpu!, (x: Tensor) => dropout(x, p, { seed }), inputs);
    expect(sameBits(r.gpu['out']!.data, r.cpu['out']!.data)).toBe(0);
  });

  it('multiplies by the mask: a dropped −x is −0, NaN stays NaN, ±∞ becomes NaN when dropped', async () => {
    const n = 4096;
    const data = Float32Array.from({ length: n }, (_, i) => [-1.5, Number.NaN, Number.NEGATIVE_INFINITY, 2][i % 4]!);
    const r = await onBoth(gpu!, (x: Tensor) => dropout(x, 0.4, { seed: 9 }), [{ data, shape: [n] }]);
    expect(sameBits(r.gpu['out']!.data, r.cpu['out']!.data)).toBe(0);
    expect(Array.from(r.gpu['out']!.data).some((v) => Object.is(v, -0))).toBe(true);
  });

  it('hashes flat indices past one dispatch axis (> 65535·64 elements) like the host', async () => {
    const n = 65535 * 64 + 1001;
    const ones = new Float32Array(n).fill(1);
    const r = await onBoth(gpu!, (x: Tensor) => dropout(x, 0.25, { seed: 31337 }), [{ data: ones, shape: [n] }]);
    expect(sameBits(r.gpu['out']!.data, dropoutMaskData([n], 0.25, 31337))).toBe(0);
  });

  it('gives an empty tensor back empty', async () => {
    const r = await onBoth(gpu!, (x: Tensor) => dropout(x, 0.5, { seed: 1 }), [{ data: new Float32Array(0), shape: [0, 3] }]);
    expect(r.gpu['out']!.shape).toEqual([0, 3]);
  });
});
