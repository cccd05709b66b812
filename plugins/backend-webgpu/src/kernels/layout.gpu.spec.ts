// Layout kernels on WebGPU against the CPU oracle: permute up to rank 8, expand from rank 0,
// slices and pads (int32 too, empty results), concat with empty parts, and more elements than
// one dispatch axis holds. Reshape is an alias: it shares storage and runs no kernel.
import { describe, expect, it } from 'vitest';
import { concat, expand, pad, permute, reshape, slice, type Tensor } from '@crossmodal/tensor';
import { testBackend } from '../testing/index.ts';
import { compareForward, hostInputs, onBoth } from '../testing/nn-parity.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;
const f = (...shape: number[]) => ({ shape });
const int = (...shape: number[]) => ({ shape, kind: 'int' as const, low: -100, high: 100 });
const exact = { atol: 0, rtol: 0 };

describe.skipIf(!gpu)('layout kernels on WebGPU', () => {
  it.each([
    [[2, 3, 4, 5], [3, 1, 0, 2]],
    [[2, 1, 3, 2, 2, 3], [5, 0, 3, 1, 4, 2]], // rank 6
    [[2, 2, 1, 3, 2, 1, 2, 3], [7, 6, 5, 4, 3, 2, 1, 0]], // rank 8
    [[4, 5], [0, 1]], // identity: one contiguous run
  ])('permute of %j by %j matches the oracle (float32 and int32)', async (shape, axes) => {
    expect(await compareForward(gpu!, (x: Tensor) => permute(x, axes), hostInputs([f(...shape)]), exact)).toBeNull();
    expect(await compareForward(gpu!, (x: Tensor) => permute(x, axes), hostInputs([int(...shape)]), exact)).toBeNull();
  });

  it.each([
    [[], [2, 3]],
    [[3, 1, 5], [2, 3, 4, 5]],
    [[1, 4, 1], [3, 2, 4, 6]],
    [[2, 1, 1, 3, 1, 2], [2, 2, 3, 3, 2, 2]],
  ])('expand of %j to %j matches the oracle', async (shape, to) => {
    expect(await compareForward(gpu!, (x: Tensor) => expand(x, to), hostInputs([f(...shape)]), exact)).toBeNull();
    expect(await compareForward(gpu!, (x: Tensor) => expand(x, to), hostInputs([int(...shape)]), exact)).toBeNull();
  });

  it('slices boxes, including empty and whole ones, of float32 and int32 tensors', async () => {
    const fn = (x: Tensor) => ({
      box: slice(x, [1, -5, 0], [4, 6, 2]),
      empty: slice(x, [3, 2], [3, 9]),
      whole: slice(x, [0]),
      rank6: slice(reshape(x, [5, 7, 1, 3, 1, 1]), [1, 2, 0, 1], [4, 7, 1, 3]),
    });
    expect(await compareForward(gpu!, fn, hostInputs([f(5, 7, 3)]), exact)).toBeNull();
    expect(await compareForward(gpu!, fn, hostInputs([int(5, 7, 3)]), exact)).toBeNull();
  });

  it('pads with a value, int32 too, around empty and rank-0 tensors', async () => {
    const fn = (x: Tensor) => ({
      a: pad(x, [[1, 2], [0, 3]], x.dtype === 'int32' ? -7 : 0.5),
      none: pad(x, [[0, 0], [0, 0]]),
      rank6: pad(reshape(x, [3, 1, 4, 1, 1, 1]), [[0, 1], [2, 0], [1, 1], [0, 0], [1, 0], [0, 2]], 3),
    });
    expect(await compareForward(gpu!, fn, hostInputs([f(3, 4)]), exact)).toBeNull();
    expect(await compareForward(gpu!, fn, hostInputs([int(3, 4)]), exact)).toBeNull();
    const empty = [{ data: new Float32Array(0), shape: [2, 0] }];
    const r = await onBoth(gpu!, (x: Tensor) => pad(x, [[1, 0], [1, 2]], 9), empty);
    expect(Array.from(r.gpu['out']!.data)).toEqual(Array.from(r.cpu['out']!.data));
    expect(await compareForward(gpu!, (x: Tensor) => pad(x, [], 2), hostInputs([f()]), exact)).toBeNull();
  });

  it('concatenates along any axis, skipping empty parts, for float32 and int32', async () => {
    const fn = (a: Tensor, b: Tensor, c: Tensor) => ({
      mid: concat([a, b, c], 1),
      first: concat([a, a], 0),
      last: concat([reshape(a, [2, 3, 1]), reshape(c, [2, 3, 1])], 2),
      withEmpty: concat([a, slice(b, [0, 0], [2, 0]), c], 1),
      single: concat([b], 1),
    });
    expect(await compareForward(gpu!, fn, hostInputs([f(2, 3), f(2, 5), f(2, 3)]), exact)).toBeNull();
    expect(await compareForward(gpu!, fn, hostInputs([int(2, 3), int(2, 5), int(2, 3)]), exact)).toBeNull();
  });

  it('copies more elements than one dispatch axis holds (65535 workgroups)', async () => {
    const inputs = hostInputs([f(2, 65535 * 32 + 5)]);
    const fn = (x: Tensor) => ({ t: permute(x, [1, 0]), e: expand(reshape(x, [2, 1, 65535 * 32 + 5]), [2, 2, 65535 * 32 + 5]) });
    expect(await compareForward(gpu!, fn, inputs, exact)).toBeNull();
  });
});
