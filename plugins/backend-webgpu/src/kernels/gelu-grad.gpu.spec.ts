// GeluGrad on WebGPU against the op's composite on the CPU oracle, both approximations, over a
// wide range (tails where tanh saturates and φ underflows), odd sizes and empty tensors.
import { describe, expect, it } from 'vitest';
import { GeluGrad, runOp, type Tensor } from '@crossmodal/tensor';
import { testBackend } from '../testing/index.ts';
import { compareForward, hostInputs } from '../testing/nn-parity.ts';

const backend = await testBackend();
const gpu = typeof backend === 'string' ? undefined : backend;

describe.skipIf(!gpu)('gelu-grad kernel on WebGPU', () => {
  it.each([
    ['none', [5, 13]],
    ['tanh', [5, 13]],
    ['none', [1031]],
    ['tanh', [2, 1, 3, 1, 1, 7]],
    ['none', [0, 4]],
  ] as const)('%s over %j matches the composite', async (approximate, shape) => {
    const inputs = hostInputs([{ shape: [...shape], low: -12, high: 12 }, { shape: [...shape] }]);
    const fn = (x: Tensor, dy: Tensor) => runOp(GeluGrad, { x, dy }, { approximate });
    expect(await compareForward(gpu!, fn, inputs, { atol: 1e-5, rtol: 1e-4 })).toBeNull();
  });
});
