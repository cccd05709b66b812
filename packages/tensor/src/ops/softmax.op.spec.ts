import { describe, expect, it } from 'vitest';
import {
  logSoftmax, logSoftmaxComposite, manualSeed, memory, randn, softmax, softmaxComposite, tensor, tidy,
} from '../index.ts';
import { checkGrads, cpuWithoutKernels, expectAllClose, gradsOf } from '../testing/index.ts';

const inf = Number.POSITIVE_INFINITY;



describe('softmax', () => {
  it('matches known values', () => {
    expectAllClose(softmax(tensor([2, 1, 3])), tensor([0.24472847, 0.09003057, 0.66524095]), { atol: 1e-7 });
    expectAllClose(softmax(tensor([[1, 2, 3], [5, 5, 5]])), tensor([[0.09003057, 0.24472847, 0.66524095], [1 / 3, 1 / 3, 1 / 3]]), { atol: 1e-7 });
  });

  it('does not overflow with inputs in the thousands', () => {
    expect(softmax(tensor([1000, 1000])).toArray()).toEqual([0.5, 0.5]);
    expectAllClose(softmax(tensor([1000, 2000, 1000])), tensor([0, 1, 0]), { atol: 0 });
    expectAllClose(softmax(tensor([3000, 3001])), tensor([0.26894142, 0.73105858]), { atol: 1e-7 });
  });

  it('does not underflow with inputs of minus thousands', () => {
    expect(softmax(tensor([-1000, -1000])).toArray()).toEqual([0.5, 0.5]);
    expectAllClose(softmax(tensor([-3001, -3000])), tensor([0.26894142, 0.73105858]), { atol: 1e-7 });
  });

  it('gives −∞ entries probability exactly 0', () => {
    expect(softmax(tensor([0, -inf, 0])).toArray()).toEqual([0.5, 0, 0.5]);
    expect(softmax(tensor([-inf, 7, -inf])).toArray()).toEqual([0, 1, 0]);
  });

  it('gives zeros (not NaN) for a row that is entirely −∞, leaving other rows alone', () => {
    const y = softmax(tensor([[-inf, -inf, -inf], [0, Math.log(3), -inf]]));
    expectAllClose(y, tensor([[0, 0, 0], [0.25, 0.75, 0]]), { atol: 1e-7 });
    expect(softmaxComposite(tensor([-inf, -inf])).toArray()).toEqual([0, 0]);
  });

  it('has a zero gradient on a fully masked row', () => {
    const x = tensor([[-inf, -inf], [1, 2]], undefined, { requiresGrad: true });
    softmax(x).mul(tensor([[3, 4], [5, 7]])).sum().backward();
    const g = x.grad!.dataSync();
    expect([g[0], g[1]]).toEqual([0, 0]);
    expect(Number.isFinite(g[2]) && Number.isFinite(g[3])).toBe(true);
  });

  it('propagates NaN inputs', () => {
    expect(softmax(tensor([1, Number.NaN])).toArray()).toEqual([Number.NaN, Number.NaN]);
  });

  it('normalises along a chosen axis', () => {
    manualSeed(1);
    const x = randn([3, 4, 2]);
    expectAllClose(softmax(x, 1), softmax(x.transpose(1, 2), -1).transpose(1, 2), { atol: 1e-7 });
    expectAllClose(softmax(x, 1).sum(1), tensor(new Float32Array(6).fill(1), [3, 2]), { atol: 1e-6 });
  });

  it('matches its composite forward and backward', () => {
    manualSeed(2);
    const x = randn([4, 7], { std: 3 });
    expectAllClose(softmax(x), softmaxComposite(x), { atol: 1e-6 });
    const [fused] = gradsOf((a) => softmax(a!), [x]);
    const [composite] = gradsOf((a) => softmaxComposite(a!), [x]);
    expectAllClose({ shape: x.shape, data: fused! }, { shape: x.shape, data: composite! }, { atol: 1e-6 });
  });

  it('has gradients that agree with finite differences', () => {
    manualSeed(3);
    checkGrads((x) => softmax(x!, 0), [randn([5, 3])]);
    checkGrads((x) => softmax(x!), [randn([2, 3, 6])]);
  });

  it('runs its composite and SoftmaxGrad on a backend without the kernels', () => {
    const bare = cpuWithoutKernels('Softmax', 'SoftmaxGrad');
    const data = [[1, -2, 0.5, -inf], [-inf, -inf, -inf, -inf]];
    const y = softmax(tensor(data, undefined, { backend: bare }));
    expect(y.backend).toBe(bare);
    expectAllClose(y, softmax(tensor(data)), { atol: 1e-6 });
    manualSeed(4);
    const x = randn([3, 5]);
    const [ref] = gradsOf((a) => softmax(a!), [x]);
    const [viaComposite] = gradsOf((a) => softmax(a!), [x.to(bare)]);
    expectAllClose({ shape: x.shape, data: viaComposite! }, { shape: x.shape, data: ref! }, { atol: 1e-6 });
  });

  it('frees every intermediate after backward', () => {
    const before = memory();
    tidy(() => {
      const x = randn([3, 4]).requireGrad();
      softmax(x).mul(randn([3, 4])).sum().backward();
    });
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().savedTensors).toBe(before.savedTensors);
  });

  it('rejects int32 inputs and bad axes with the op named', () => {
    expect(() => softmax(tensor([1, 2], undefined, { dtype: 'int32' }))).toThrow(/Softmax.*int32/);
    expect(() => softmax(tensor([[1, 2]]), 2)).toThrow(/softmax: axis 2 is out of range for a tensor of rank 2/);
  });
});

describe('logSoftmax', () => {
  it('equals log(softmax(x)) where that is finite', () => {
    manualSeed(5);
    const x = randn([4, 6], { std: 2 });
    expectAllClose(logSoftmax(x), softmax(x).log(), { atol: 1e-6 });
    expectAllClose(logSoftmax(x).exp().sum(-1), tensor([1, 1, 1, 1]), { atol: 1e-6 });
  });

  it('stays finite where log(softmax(x)) underflows to −∞', () => {
    expect(logSoftmax(tensor([1000, 0])).toArray()).toEqual([0, -1000]);
    expect(softmax(tensor([1000, 0])).log().toArray()).toEqual([0, -inf]);
    expectAllClose(logSoftmax(tensor([-1000, -1001])), tensor([-0.31326169, -1.31326169]), { atol: 1e-6 });
  });

  it('keeps −∞ entries at −∞ and gives −∞ for a fully masked row (no NaN)', () => {
    expect(logSoftmax(tensor([[0, -inf, 0], [-inf, -inf, -inf]])).toArray()).toEqual([
      [-Math.fround(Math.LN2), -inf, -Math.fround(Math.LN2)],
      [-inf, -inf, -inf],
    ]);
    expect(logSoftmaxComposite(tensor([-inf, -inf])).toArray()).toEqual([-inf, -inf]);
  });

  it('matches its composite forward and backward', () => {
    manualSeed(6);
    const x = randn([5, 4], { std: 3 });
    expectAllClose(logSoftmax(x), logSoftmaxComposite(x), { atol: 1e-6 });
    const [fused] = gradsOf((a) => logSoftmax(a!), [x]);
    const [composite] = gradsOf((a) => logSoftmaxComposite(a!), [x]);
    expectAllClose({ shape: x.shape, data: fused! }, { shape: x.shape, data: composite! }, { atol: 1e-6 });
  });

  it('has gradients that agree with finite differences', () => {
    manualSeed(7);
    checkGrads((x) => logSoftmax(x!), [randn([3, 5])]);
    checkGrads((x) => logSoftmax(x!, 1), [randn([2, 4, 3])]);
  });

  it('runs its composite on a backend without the kernel', () => {
    const bare = cpuWithoutKernels('LogSoftmax');
    const data = [[1, -2, 0.5, -inf], [-inf, -inf, -inf, -inf]];
    expectAllClose(logSoftmax(tensor(data, undefined, { backend: bare })), logSoftmax(tensor(data)), { atol: 1e-6 });
  });
});

describe('softmax of a scalar', () => {
  it('is one row of one element: softmax 1, log-softmax 0, gradient 0', () => {
    const x = tensor([0.3], [], { requiresGrad: true });
    expect(softmax(x).item()).toBe(1);
    expect(logSoftmax(x, 0).item()).toBe(0);
    softmax(x).backward();
    expect(x.grad!.item()).toBe(0);
  });
});
