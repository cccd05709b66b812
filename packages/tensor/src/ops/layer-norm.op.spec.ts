import { describe, expect, it } from 'vitest';
import {
  createCpuBackend, LayerNorm, layerNorm, runOpMulti, layerNormWithStats, manualSeed, memory, randn, tensor, tidy, zeros,
  type Backend, type Tensor,
} from '../index.ts';
import { checkGrads, cpuWithoutKernels, expectAllClose, gradsOf } from '../testing/index.ts';


/** LayerNorm's composite run directly, so autograd records every primitive inside it. */
const composite = (x: Tensor, weight?: Tensor, bias?: Tensor, eps = 1e-5): Tensor =>
  (LayerNorm.composite!({ x, weight, bias }, { eps }) as { out: Tensor }).out;


describe('layerNorm', () => {
  it('matches known values (biased variance, eps inside the square root)', () => {
    // mean 2.5, biased variance 1.25
    const r = 1 / Math.sqrt(1.25 + 1e-5);
    expectAllClose(layerNorm(tensor([[1, 2, 3, 4]])), tensor([[-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r]]), { atol: 1e-6 });
    expectAllClose(layerNorm(tensor([3, 3])), tensor([0, 0]), { atol: 0 });
  });

  it('gives every row zero mean and unit biased variance', () => {
    manualSeed(1);
    const y = layerNorm(randn([3, 5, 16], { mean: 4, std: 3 }), undefined, undefined, 1e-12);
    const mu = y.mean(-1);
    expectAllClose(mu, zeros([3, 5]), { atol: 1e-6 });
    expectAllClose(y.mul(y).mean(-1), tensor(new Float32Array(15).fill(1), [3, 5]), { atol: 1e-5 });
  });

  it('applies weight and bias per feature', () => {
    const x = tensor([[1, 2, 3, 4], [0, 0, 2, 2]]);
    const w = tensor([1, 2, 0, -1]);
    const b = tensor([0, 1, 5, 0.5]);
    expectAllClose(layerNorm(x, w, b), layerNorm(x).mul(w).add(b), { atol: 1e-7 });
  });

  it('returns the row mean and 1/σ as statistics of shape x.shape[:-1]', () => {
    const { out, mean, rstd } = layerNormWithStats(tensor([[[1, 2, 3, 4]], [[2, 2, 2, 2]]]), undefined, undefined, 0.25);
    expect(out.shape).toEqual([2, 1, 4]);
    expect(mean.shape).toEqual([2, 1]);
    expectAllClose(mean, tensor([[2.5], [2]]), { atol: 0 });
    expectAllClose(rstd, tensor([[1 / Math.sqrt(1.5)], [2]]), { atol: 1e-7 });
  });

  it.each([
    ['without weight or bias', false, false],
    ['with weight only', true, false],
    ['with bias only', false, true],
    ['with weight and bias', true, true],
  ])('matches its composite forward and backward %s', (_, hasW, hasB) => {
    manualSeed(2);
    const inputs = [randn([2, 3, 8], { mean: 1, std: 2 }), ...(hasW ? [randn([8])] : []), ...(hasB ? [randn([8])] : [])];
    const call = (f: typeof layerNorm) => (...xs: Tensor[]) => f(xs[0]!, hasW ? xs[1] : undefined, hasB ? xs.at(-1) : undefined);
    expectAllClose(call(layerNorm)(...inputs), call(composite)(...inputs), { atol: 1e-5 });
    const fused = gradsOf(call(layerNorm), inputs);
    const comp = gradsOf(call(composite), inputs);
    fused.forEach((g, i) => expectAllClose({ shape: inputs[i]!.shape, data: g }, { shape: inputs[i]!.shape, data: comp[i]! }, { atol: 1e-4 }));
  });

  it('has gradients that agree with finite differences', () => {
    manualSeed(3);
    checkGrads((x, w, b) => layerNorm(x!, w, b), [randn([3, 6]), randn([6]), randn([6])], { atol: 5e-3 });
    checkGrads((x) => layerNorm(x!), [randn([2, 2, 5])], { atol: 5e-3 });
  });

  it('runs one LayerNormGrad per backward, producing only the gradients that are needed', () => {
    const calls: object[] = [];
    const b = createCpuBackend();
    const kernel = b.kernels.get('LayerNormGrad')!;
    const run = kernel.run as (...args: unknown[]) => unknown;
    const spy = { ...kernel, run: (...args: unknown[]) => (calls.push(args[2] as object), run(...args)) };
    const backend: Backend = { ...b, kernels: new Map([...b.kernels, ['LayerNormGrad', spy]]) };
    manualSeed(4);
    const x = randn([2, 4]).to(backend);
    const w = randn([4]).to(backend).requireGrad();
    const bias = randn([4]).to(backend).requireGrad();
    layerNorm(x, w, bias).mul(randn([2, 4]).to(backend)).sum().backward();
    expect(calls).toEqual([{ dx: false, dweight: true, dbias: true }]);
    expect(w.grad!.shape).toEqual([4]);
    expect(x.grad).toBeNull();
  });

  it('runs the composites of LayerNorm and LayerNormGrad on a backend without the kernels', () => {
    manualSeed(5);
    const bare = cpuWithoutKernels('LayerNorm', 'LayerNormGrad');
    const inputs = [randn([3, 7]), randn([7]), randn([7])];
    const ref = gradsOf((x, w, b) => layerNorm(x!, w, b), inputs);
    const moved = inputs.map((t) => t.to(bare));
    expectAllClose(layerNorm(moved[0]!, moved[1], moved[2]), layerNorm(inputs[0]!, inputs[1], inputs[2]), { atol: 1e-5 });
    const viaComposite = gradsOf((x, w, b) => layerNorm(x!, w, b), moved);
    ref.forEach((g, i) => expectAllClose({ shape: inputs[i]!.shape, data: viaComposite[i]! }, { shape: inputs[i]!.shape, data: g }, { atol: 1e-4 }));
  });

  it('frees the saved statistics and every intermediate after backward', () => {
    const before = memory();
    tidy(() => {
      const x = randn([3, 4]).requireGrad();
      const w = randn([4]).requireGrad();
      layerNorm(x, w, randn([4])).mul(randn([3, 4])).sum().backward();
    });
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().savedTensors).toBe(before.savedTensors);
  });

  it('names the shapes when weight or bias do not match the last axis', () => {
    expect(() => layerNorm(zeros([2, 4]), zeros([3]))).toThrow('LayerNorm: weight [3] must be [4], the last axis of x [2, 4]');
    expect(() => layerNorm(zeros([2, 4]), undefined, zeros([4, 1]))).toThrow('LayerNorm: bias [4, 1] must be [4]');
    expect(() => layerNorm(zeros([]))).toThrow(/LayerNorm: x must have at least one axis/);
    expect(() => layerNorm(zeros([2]), undefined, undefined, -1)).toThrow('layerNorm: eps must be >= 0, got -1');
  });
});

describe('layer norm of empty rows', () => {
  it('gives rows of width 0 an empty output and a mean and rstd of 0', () => {
    const r = runOpMulti(LayerNorm, { x: zeros([3, 0]) }, { eps: 1e-5 });
    expect([r.out!.shape, r.mean!.toArray(), r.rstd!.toArray()]).toEqual([[3, 0], [0, 0, 0], [0, 0, 0]]);
  });
});
