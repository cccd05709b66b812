import { describe, expect, it } from 'vitest';
import { add, cast, div, equal, exp, gelu, maximum, memory, mul, pow, randn, manualSeed, sigmoid, sign, sub, tensor, where } from '../index.ts';
import { checkGrads } from '../testing/index.ts';

describe('binary ops', () => {
  it('broadcast a row against a column', () => {
    const y = add(tensor([[1], [2]]), tensor([10, 20, 30]));
    expect(y.toArray()).toEqual([[11, 21, 31], [12, 22, 32]]);
  });

  it('promote numbers to scalars on either side', () => {
    expect(sub(10, tensor([1, 2])).toArray()).toEqual([9, 8]);
    expect(div(tensor([1, 2]), 4).toArray()).toEqual([0.25, 0.5]);
  });

  it('name both shapes when they do not broadcast', () => {
    expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow('Add: shapes [3] and [2] do not broadcast (axis -1)');
  });

  it('refuse mixed dtypes and say which', () => {
    expect(() => add(tensor([1]), tensor([1], undefined, { dtype: 'int32' }))).toThrow(/Add: dtypes differ, a=\[1\] float32 b=\[1\] int32/);
  });

  it('keep int32 arithmetic in int32', () => {
    const i = tensor([7, -3], undefined, { dtype: 'int32' });
    const y = add(i, 2);
    expect(y.dtype).toBe('int32');
    expect(y.toArray()).toEqual([9, -1]);
    expect(() => add(i, 0.5)).toThrow(/scalar 0.5 cannot combine with an int32 tensor/);
  });

  it('wrap int32 products to their low 32 bits, as C int32, also past 2^53', () => {
    const v = [2147483647, -2147483648, 46341, 123456789, -7];
    const y = mul(tensor(v, undefined, { dtype: 'int32' }), tensor(v, undefined, { dtype: 'int32' }));
    expect(y.toArray()).toEqual(v.map((x) => Number(BigInt.asIntN(32, BigInt(x) * BigInt(x)))));
    expect(y.toArray()).toEqual([1, 0, -2147479015, -1757895751, 49]);
  });

  it('free the scalars made from number operands once the op ran (autograd keeps its own)', () => {
    const x = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const c = x.gt(1.5);
    const before = memory();
    for (const y of [x.add(1), sub(1, x), pow(x, 2), where(c, 1, 2), where(c, x, 0), where(c, 0, x), x.maskedFill(c, -1)]) y.dispose();
    expect(() => pow(tensor([2], undefined, { dtype: 'int32' }), 2)).toThrow(/Pow: expected float32 inputs/);
    expect(memory().tensors).toBe(before.tensors + 1); // the int32 base of the failed pow
    expect(memory().savedTensors).toBe(before.savedTensors);
    const loss = x.mul(3).sum();
    loss.backward();
    expect(x.grad!.toArray()).toEqual([3, 3, 3]);
    loss.dispose();
    expect(memory().savedTensors).toBe(before.savedTensors);
  });

  it('compare into int32 0/1 and select with where', () => {
    const x = tensor([1, 5, 3]);
    expect(equal(x, 3).toArray()).toEqual([0, 0, 1]);
    expect(x.gt(2).dtype).toBe('int32');
    expect(where(x.gt(2), x, 0).toArray()).toEqual([0, 5, 3]);
    expect(x.maskedFill(x.lt(2), -1).toArray()).toEqual([-1, 5, 3]);
  });

  it('have correct gradients', () => {
    manualSeed(11);
    const a = randn([3, 4]);
    const b = randn([4]);
    for (const f of [add, sub, (x: typeof a, y: typeof a) => x.mul(y), (x: typeof a, y: typeof a) => x.div(y.abs().add(0.5))]) {
      checkGrads((x, y) => f(x!, y!), [a, b]);
    }
    // pow curves sharply near a small base: a smaller step keeps the central difference accurate.
    checkGrads((x, y) => pow(x!.abs().add(0.5), y!), [a, b], { eps: 1e-3 });
    checkGrads((x, y) => maximum(x!, y!), [a, b.add(0.01)]);
    checkGrads((x, y) => x!.minimum(y!), [a, b.add(0.01)]);
  });

  it('keep NaN through sign and the abs gradient (deliberately unlike PyTorch 1.13, which gives 0)', () => {
    const x = tensor([Number.NaN, -2, 0, 3], undefined, { requiresGrad: true });
    expect(sign(x).toArray()).toEqual([Number.NaN, -1, 0, 1]);
    x.abs().sum().backward();
    expect(x.grad!.toArray()).toEqual([Number.NaN, -1, 0, 1]);
  });

  it('split the maximum/minimum gradient in half at ties, as PyTorch does', () => {
    // torch 1.13: maximum([0, 1], [0, 1]).sum().backward() gives a.grad = b.grad = [0.5, 0.5].
    const a = tensor([0, 1], undefined, { requiresGrad: true });
    const b = tensor([0, 1], undefined, { requiresGrad: true });
    maximum(a, b).sum().backward();
    expect(a.grad!.toArray()).toEqual([0.5, 0.5]);
    expect(b.grad!.toArray()).toEqual([0.5, 0.5]);
    // Mixed: tie, a wins, b wins, and a NaN (both comparisons false: both sides get dy, as PyTorch).
    const c = tensor([2, 3, 1, Number.NaN], undefined, { requiresGrad: true });
    const d = tensor([2, 1, 3, 0], undefined, { requiresGrad: true });
    c.minimum(d).mul(tensor([4, 4, 4, 4])).sum().backward();
    expect(c.grad!.toArray()).toEqual([2, 0, 4, 4]);
    expect(d.grad!.toArray()).toEqual([2, 4, 0, 4]);
  });

  it('give pow a zero base gradient where the exponent is 0, also at 0^0 (as PyTorch)', () => {
    const a = tensor([0, 0, 2, 0.5], undefined, { requiresGrad: true });
    const b = tensor([0, 1, 0, 2], undefined, { requiresGrad: true });
    const y = pow(a, b);
    expect(y.toArray()).toEqual([1, 0, 1, 0.25]);
    y.sum().backward();
    expect(a.grad!.toArray()).toEqual([0, 1, 0, 1]);
    expect(b.grad!.toArray()).toEqual([0, 0, Math.fround(Math.log(2)), Math.fround(0.25 * Math.log(0.5))]);
  });
});

describe('unary ops', () => {
  it('match known values', () => {
    const x = tensor([-1, 0, 0.5, 2]);
    expect(exp(x).dataSync()[3]).toBeCloseTo(Math.exp(2), 5);
    expect(Array.from(x.erf().dataSync())).toEqual([-0.8427007794, 0, 0.5204998778, 0.9953222650].map((v) => expect.closeTo(v, 7)));
    // torch.nn.functional.gelu at 1 and −1, exact and tanh forms.
    expect(gelu(tensor([1, -1])).dataSync()[0]).toBeCloseTo(0.8413447461, 7);
    expect(gelu(tensor([1, -1])).dataSync()[1]).toBeCloseTo(-0.1586552539, 7);
    expect(gelu(tensor([1]), 'tanh').item()).toBeCloseTo(0.8411919906, 7);
    expect(x.relu().toArray()).toEqual([0, 0, 0.5, 2]);
    expect(x.abs().toArray()).toEqual([1, 0, 0.5, 2]);
  });

  it('keep sigmoid finite at extremes', () => {
    const y = sigmoid(tensor([-1000, 1000, 0])).toArray();
    expect(y).toEqual([0, 1, 0.5]);
  });

  it('give the ReLU gradient at 0 as 0', () => {
    const x = tensor([-1, 0, 1], undefined, { requiresGrad: true });
    x.relu().sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 1]);
  });

  it('truncate toward zero when casting to int32', () => {
    expect(cast(tensor([-1.7, 1.7, 2]), 'int32').toArray()).toEqual([-1, 1, 2]);
  });

  it('have correct gradients', () => {
    manualSeed(12);
    const x = randn([2, 5]);
    const pos = x.abs().add(0.3);
    for (const name of ['neg', 'exp', 'tanh', 'sigmoid', 'erf', 'abs'] as const) checkGrads((t) => t![name](), [x.add(0.01)]);
    checkGrads((t) => t!.log(), [pos]);
    checkGrads((t) => t!.sqrt(), [pos]);
    checkGrads((t) => t!.rsqrt(), [pos]);
    checkGrads((t) => t!.relu(), [x.add(0.01)]);
    checkGrads((t) => gelu(t!), [x]);
    checkGrads((t) => gelu(t!, 'tanh'), [x]);
  });
});
