import { describe, expect, it } from 'vitest';
import { binaryCrossEntropyWithLogits, createCpuBackend, crossEntropy, manualSeed, mseLoss, rand, randn, softmax, tensor, zeros, type Backend, type Tensor } from '../index.ts';
import { checkGrads, expectAllClose } from '../testing/index.ts';

const int = (data: number[], shape?: number[]): Tensor => tensor(data, shape ?? [data.length], { dtype: 'int32' });

/** log-softmax of each row in double precision: the reference the expectations are built from. */
const logSoftmaxRows = (rows: number[][]): number[][] =>
  rows.map((r) => {
    const m = Math.max(...r);
    const lse = m + Math.log(r.reduce((s, x) => s + Math.exp(x - m), 0));
    return r.map((x) => x - lse);
  });

const LOGITS = [[1, 2, 3], [1, 1, 1], [0.5, -1, 2], [3, 0, -2]];

describe('crossEntropy', () => {
  it('matches known values for each reduction', () => {
    const logits = tensor([[1, 2, 3], [1, 1, 1]]);
    const target = int([2, 0]);
    const perSample = [-Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3))), Math.log(3)];
    expectAllClose(crossEntropy(logits, target, { reduction: 'none' }), tensor(perSample), { atol: 1e-6 });
    expect(crossEntropy(logits, target, { reduction: 'sum' }).item()).toBeCloseTo(perSample[0]! + perSample[1]!, 6);
    expect(crossEntropy(logits, target).item()).toBeCloseTo((perSample[0]! + perSample[1]!) / 2, 6);
  });

  it('weights classes and divides the mean by the summed weights of the targets, as PyTorch', () => {
    const lp = logSoftmaxRows(LOGITS);
    const t = [2, 0, 1, 0];
    const w = [1, 2, 0.5];
    const num = t.reduce((s, c, i) => s - w[c]! * lp[i]![c]!, 0);
    const den = t.reduce((s, c) => s + w[c]!, 0);
    const opts = { weight: tensor(w) };
    expect(crossEntropy(tensor(LOGITS), int(t), opts).item()).toBeCloseTo(num / den, 6);
    expect(crossEntropy(tensor(LOGITS), int(t), { ...opts, reduction: 'sum' }).item()).toBeCloseTo(num, 5);
    expectAllClose(crossEntropy(tensor(LOGITS), int(t), { ...opts, reduction: 'none' }), tensor(t.map((c, i) => -w[c]! * lp[i]![c]!)), { atol: 1e-6 });
  });

  it('leaves ignored targets out of the loss and of the mean', () => {
    const lp = logSoftmaxRows(LOGITS);
    expect(crossEntropy(tensor(LOGITS), int([2, -100, 1, -100])).item()).toBeCloseTo(-(lp[0]![2]! + lp[2]![1]!) / 2, 6);
    // An ignoreIndex that is a real class.
    expect(crossEntropy(tensor(LOGITS), int([2, 1, 1, 0]), { ignoreIndex: 1 }).item()).toBeCloseTo(-(lp[0]![2]! + lp[3]![0]!) / 2, 6);
    expectAllClose(crossEntropy(tensor(LOGITS), int([2, -100, 1, -100]), { reduction: 'none' }), tensor([-lp[0]![2]!, 0, -lp[2]![1]!, 0]), { atol: 1e-6 });
  });

  it('gives NaN for the mean over a batch whose targets are all ignored (as PyTorch)', () => {
    expect(crossEntropy(tensor(LOGITS), int([-100, -100, -100, -100])).item()).toBeNaN();
    expect(crossEntropy(tensor(LOGITS), int([-100, -100, -100, -100]), { reduction: 'sum' }).item()).toBe(0);
  });

  it('smooths labels as (1 − ε)·NLL + ε·mean over classes of −log p', () => {
    // p = [0.75, 0.25], target 0, ε = 0.2: the cross-entropy against [0.9, 0.1].
    expect(crossEntropy(tensor([[Math.log(3), 0]]), int([0]), { labelSmoothing: 0.2 }).item()).toBeCloseTo(-(0.9 * Math.log(0.75) + 0.1 * Math.log(0.25)), 6);
    const lp = logSoftmaxRows(LOGITS);
    const t = [2, -100, 1, 0];
    const w = [1, 2, 0.5];
    const eps = 0.1;
    const kept = [0, 2, 3];
    const den = kept.reduce((s, i) => s + w[t[i]!]!, 0);
    const nll = kept.reduce((s, i) => s - w[t[i]!]! * lp[i]![t[i]!]!, 0) / den;
    const smooth = kept.reduce((s, i) => s - lp[i]!.reduce((a, x, c) => a + w[c]! * x, 0), 0) / den;
    const got = crossEntropy(tensor(LOGITS), int(t), { labelSmoothing: eps, weight: tensor(w) }).item();
    expect(got).toBeCloseTo((1 - eps) * nll + (eps / 3) * smooth, 5);
  });

  it('accepts probability targets, matching hard targets for one-hot rows', () => {
    const hard = int([2, 0, 1, 0]);
    const soft = tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]]);
    for (const labelSmoothing of [0, 0.2]) {
      expect(crossEntropy(tensor(LOGITS), soft, { labelSmoothing }).item()).toBeCloseTo(crossEntropy(tensor(LOGITS), hard, { labelSmoothing }).item(), 6);
    }
    // With class weights, the soft-target mean divides by the number of samples, not the weights.
    const lp = logSoftmaxRows(LOGITS);
    const probs = [[0.2, 0.3, 0.5], [1, 0, 0], [0, 0.5, 0.5], [0.1, 0.1, 0.8]];
    const w = [1, 2, 0.5];
    const expected = -probs.reduce((s, row, i) => s + row.reduce((a, p, c) => a + w[c]! * p * lp[i]![c]!, 0), 0) / 4;
    expect(crossEntropy(tensor(LOGITS), tensor(probs), { weight: tensor(w) }).item()).toBeCloseTo(expected, 6);
  });

  it('handles [..., C] logits with [...] targets', () => {
    manualSeed(1);
    const logits = randn([2, 3, 4]);
    const target = int([0, 3, 1, 2, 2, -100], [2, 3]);
    const flat = crossEntropy(logits.reshape([6, 4]), target.reshape([6]));
    expect(crossEntropy(logits, target).item()).toBeCloseTo(flat.item(), 6);
    expect(crossEntropy(logits, target, { reduction: 'none' }).shape).toEqual([2, 3]);
  });

  it('has the gradient (softmax − one-hot)/N for the mean', () => {
    const x = tensor(LOGITS, undefined, { requiresGrad: true });
    crossEntropy(x, int([2, 0, 1, 0])).backward();
    const oneHot = tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]]);
    expectAllClose(x.grad!, softmax(tensor(LOGITS)).sub(oneHot).div(4), { atol: 1e-6 });
  });

  it('has gradients that agree with finite differences with weights, smoothing and ignored targets', () => {
    manualSeed(2);
    const target = int([1, -100, 0, 2, 2]);
    checkGrads((x, w) => crossEntropy(x!, target, { weight: w!, labelSmoothing: 0.15 }), [randn([5, 3]), rand([3], { low: 0.5, high: 2 })]);
    checkGrads((x, t) => crossEntropy(x!, t!, { reduction: 'none' }), [randn([3, 4]), softmax(randn([3, 4]))]);
  });

  it('stays finite when another class has a −∞ logit', () => {
    const x = tensor([[0, Number.NEGATIVE_INFINITY, 1]], undefined, { requiresGrad: true });
    const loss = crossEntropy(x, int([2]));
    expect(loss.item()).toBeCloseTo(Math.log(1 + Math.exp(-1)), 6);
    loss.backward();
    expect(Array.from(x.grad!.dataSync()).every((g) => !Number.isNaN(g))).toBe(true);
  });

  it('names the problem for bad targets, shapes and options', () => {
    expect(() => crossEntropy(tensor(LOGITS), int([0, 3, 1, 0]))).toThrow('crossEntropy: target 3 at flat index 1 is out of range for 3 classes (ignoreIndex -100)');
    expect(() => crossEntropy(tensor(LOGITS), int([0, 1]))).toThrow('crossEntropy: class-index target [2] must be logits [4, 3] without the last axis');
    expect(() => crossEntropy(tensor(LOGITS), zeros([4, 2]))).toThrow('crossEntropy: probability target [4, 2] must match logits [4, 3]');
    expect(() => crossEntropy(tensor(LOGITS), int([0, 1, 1, 0]), { weight: zeros([4]) })).toThrow('crossEntropy: weight [4] must be [3]');
    expect(() => crossEntropy(tensor(LOGITS), int([0, 1, 1, 0]), { labelSmoothing: 1.5 })).toThrow('labelSmoothing must be in [0, 1], got 1.5');
  });

  it('makes the loss NaN for out-of-range targets where the backend cannot read them synchronously', async () => {
    // The CPU oracle without readSync stands in for WebGPU: the targets stay on the device.
    const { readSync: _, ...cpu } = createCpuBackend();
    const asyncCpu: Backend = cpu;
    const on = (labels: number[], options: Parameters<typeof crossEntropy>[2] = {}) =>
      crossEntropy(tensor(LOGITS, undefined, { backend: asyncCpu }), tensor(labels, [4], { dtype: 'int32', backend: asyncCpu }), options).data();
    const lp = logSoftmaxRows(LOGITS);
    for (const bad of [[0, 3, 1, 0], [0, -1, 1, 0]]) {
      expect((await on(bad))[0]).toBeNaN();
      expect((await on(bad, { reduction: 'sum' }))[0]).toBeNaN();
      expect((await on(bad, { labelSmoothing: 1 }))[0]).toBeNaN();
      expect((await on(bad, { weight: tensor([1, 2, 0.5], undefined, { backend: asyncCpu }) }))[0]).toBeNaN();
      expect(Array.from(await on(bad, { reduction: 'none' }))).toEqual([-lp[0]![0]!, Number.NaN, -lp[2]![1]!, -lp[3]![0]!].map((v) => (Number.isNaN(v) ? v : expect.closeTo(v, 6))));
    }
    // Ignored targets and in-range ones are untouched.
    expect((await on([2, -100, 1, 0]))[0]).toBeCloseTo(-(lp[0]![2]! + lp[2]![1]! + lp[3]![0]!) / 3, 6);
    expect((await on([2, 5, 1, 0], { ignoreIndex: 5 }))[0]).toBeCloseTo(-(lp[0]![2]! + lp[2]![1]! + lp[3]![0]!) / 3, 6);
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  const sig = (x: number): number => 1 / (1 + Math.exp(-x));
  const xs = [0, 2, -3, 0.5];
  const ys = [1, 0, 0.5, 0.25];
  const ref = xs.map((x, i) => -(ys[i]! * Math.log(sig(x)) + (1 - ys[i]!) * Math.log(1 - sig(x))));

  it('matches −[y·log σ(x) + (1 − y)·log(1 − σ(x))] for each reduction', () => {
    expectAllClose(binaryCrossEntropyWithLogits(tensor(xs), tensor(ys), { reduction: 'none' }), tensor(ref), { atol: 1e-6 });
    expect(binaryCrossEntropyWithLogits(tensor(xs), tensor(ys), { reduction: 'sum' }).item()).toBeCloseTo(ref.reduce((a, b) => a + b), 6);
    expect(binaryCrossEntropyWithLogits(tensor(xs), tensor(ys)).item()).toBeCloseTo(ref.reduce((a, b) => a + b) / 4, 6);
  });

  it('is stable for large |x|', () => {
    const loss = binaryCrossEntropyWithLogits(tensor([100, -100, 100, -100]), tensor([0, 1, 1, 0]), { reduction: 'none' });
    expect(loss.toArray()).toEqual([100, 100, 0, 0]);
  });

  it('weights positives by posWeight and elements by weight, as PyTorch', () => {
    const pw = [3, 0.5, 1, 2];
    const w = [1, 2, 0.5, 1];
    const expected = xs.map((x, i) => -w[i]! * (pw[i]! * ys[i]! * Math.log(sig(x)) + (1 - ys[i]!) * Math.log(1 - sig(x))));
    const got = binaryCrossEntropyWithLogits(tensor(xs), tensor(ys), { posWeight: tensor(pw), weight: tensor(w), reduction: 'none' });
    expectAllClose(got, tensor(expected), { atol: 1e-6 });
  });

  it('has the gradient (σ(x) − y)/N, exact at x = 0', () => {
    const x = zeros([4]).requireGrad();
    binaryCrossEntropyWithLogits(x, tensor([0, 1, 0.25, 1])).backward();
    expectAllClose(x.grad!, tensor([0.5, -0.5, 0.25, -0.5]).div(4), { atol: 1e-7 });
    manualSeed(3);
    checkGrads((a, y, pw) => binaryCrossEntropyWithLogits(a!, y!, { posWeight: pw! }), [randn([3, 4], { std: 3 }), rand([3, 4]), rand([4], { low: 0.5, high: 3 })]);
  });

  it('requires a target of the logits shape', () => {
    expect(() => binaryCrossEntropyWithLogits(zeros([2, 3]), zeros([3]))).toThrow('binaryCrossEntropyWithLogits: target [3] must match logits [2, 3]');
  });

  it('rejects a weight or posWeight that would enlarge the loss by broadcasting', () => {
    const x = zeros([4]);
    const y = zeros([4]);
    expect(() => binaryCrossEntropyWithLogits(x, y, { weight: zeros([4, 1]), reduction: 'none' }))
      .toThrow('binaryCrossEntropyWithLogits: weight [4, 1] must broadcast to the logits shape [4], not enlarge it');
    expect(() => binaryCrossEntropyWithLogits(x, y, { posWeight: zeros([2, 4]) }))
      .toThrow('binaryCrossEntropyWithLogits: posWeight [2, 4] must broadcast to the logits shape [4], not enlarge it');
    expect(() => binaryCrossEntropyWithLogits(x, y, { weight: zeros([3]) })).toThrow(/binaryCrossEntropyWithLogits \(weight\): shapes \[4\] and \[3\] do not broadcast/);
    // Shapes that broadcast to the logits shape stay accepted.
    expect(binaryCrossEntropyWithLogits(zeros([2, 4]), zeros([2, 4]), { weight: zeros([1, 4]), posWeight: zeros([4]), reduction: 'none' }).shape).toEqual([2, 4]);
  });
});

describe('mseLoss', () => {
  it('averages, sums or keeps the squared differences', () => {
    const a = tensor([[1, 2], [3, 4]]);
    const b = tensor([[1, 0], [5, 3]]);
    expect(mseLoss(a, b).item()).toBe(9 / 4);
    expect(mseLoss(a, b, { reduction: 'sum' }).item()).toBe(9);
    expect(mseLoss(a, b, { reduction: 'none' }).toArray()).toEqual([[0, 4], [4, 1]]);
  });

  it('has the gradient 2(a − b)/N', () => {
    const a = tensor([1, 2, 3], undefined, { requiresGrad: true });
    mseLoss(a, tensor([0, 2, 5])).backward();
    expectAllClose(a.grad!, tensor([2 / 3, 0, -4 / 3]), { atol: 1e-7 });
  });

  it('rejects different shapes and unknown reductions', () => {
    expect(() => mseLoss(zeros([2, 3]), zeros([3]))).toThrow('mseLoss: shapes [2, 3] and [3] must be equal');
    expect(() => mseLoss(zeros([2]), zeros([2]), { reduction: 'avg' as 'mean' })).toThrow("mseLoss: reduction must be 'mean', 'sum' or 'none', got 'avg'");
  });
});
