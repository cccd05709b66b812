// Cast on WebGPU against the CPU oracle: float32 → int32 is JavaScript's ToInt32, as an Int32Array
// store does it (truncate toward zero, wrap modulo 2^32; NaN and ±inf give 0), not WGSL's
// clamping i32() — over hand-picked edges and over random f32 bit patterns of every exponent.
import { describe, expect, it } from 'vitest';
import { cast, type Tensor } from '@crossmodal/tensor';
import { testBackend } from '../testing/index.ts';
import { compareForward, onBoth } from '../testing/nn-parity.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;
const exact = { atol: 0, rtol: 0 };
const toInt = (x: Tensor) => cast(x, 'int32');

describe.skipIf(!gpu)('Cast on WebGPU', () => {
  it('casts float32 to int32 with wrapping ToInt32 semantics', async () => {
    const edges: [number, number][] = [
      [3e9, -1294967296],
      [-3e9, 1294967296],
      [2 ** 31, -(2 ** 31)],
      [-(2 ** 31), -(2 ** 31)],
      [2147483520, 2147483520], // the largest f32 below 2^31
      [1e10, 1410065408],
      [2 ** 32 + 2 ** 9, 512],
      [1e20, 0], // a multiple of 2^32
      [Number.NaN, 0],
      [Number.POSITIVE_INFINITY, 0],
      [Number.NEGATIVE_INFINITY, 0],
      [1.5, 1],
      [-1.5, -1],
      [0.75, 0],
      [-0.75, 0],
      [-0, 0],
      [1e-40, 0], // subnormal
      [4194305.5, 4194305], // 2^22 + 1.5: the last exponent with a fraction bit
      [-4194305.5, -4194305],
      [-123456.7, -123456],
    ];
    const input = [{ data: Float32Array.from(edges, ([v]) => v), shape: [edges.length] }];
    const r = await onBoth(gpu!, toInt, input);
    expect(Array.from(r.gpu['out']!.data)).toEqual(edges.map(([, want]) => want));
    expect(Array.from(r.cpu['out']!.data)).toEqual(edges.map(([, want]) => want));
  });

  it('matches the oracle on random f32 bit patterns (every exponent, NaNs and infinities included)', async () => {
    let state = 12345;
    const bits = Uint32Array.from({ length: 4096 }, () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0));
    const input = [{ data: new Float32Array(bits.buffer), shape: [64, 64] }];
    expect(await compareForward(gpu!, toInt, input, exact)).toBeNull();
  });

  it('casts int32 to float32 and back exactly', async () => {
    const data = Int32Array.from([0, 1, -1, 2 ** 24, -(2 ** 31), 2 ** 31 - 1, 123456789]);
    const fn = (x: Tensor) => ({ f: cast(x, 'float32'), back: toInt(cast(x, 'float32')) });
    expect(await compareForward(gpu!, fn, [{ data, shape: [data.length] }], exact)).toBeNull();
  });
});
