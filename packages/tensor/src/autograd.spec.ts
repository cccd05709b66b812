import { describe, expect, it } from 'vitest';
import { memory, ones, tensor, tidy } from './index.ts';

describe('backward', () => {
  it('accumulates gradients across calls', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([3 + 2, 3 + 4]);
  });

  it('sums gradients of broadcast inputs back to their shape', () => {
    const a = ones([2, 3], { requiresGrad: true });
    const b = tensor([1, 2, 3], undefined, { requiresGrad: true });
    const c = tensor([[10], [20]], undefined, { requiresGrad: true });
    a.mul(b).add(c).sum().backward();
    expect(b.grad!.toArray()).toEqual([2, 2, 2]);
    expect(c.grad!.toArray()).toEqual([[3], [3]]);
    expect(a.grad!.toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
  });

  it('adds up the paths of a diamond', () => {
    const x = tensor([3], undefined, { requiresGrad: true });
    const h = x.mul(x); // x²
    h.add(h.mul(x)).sum().backward(); // x² + x³ ⇒ 2x + 3x²
    expect(x.grad!.item()).toBe(6 + 27);
  });

  it('frees the graph after backward and says so on a second call', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/freed by an earlier backward\(\); pass \{ retainGraph: true \}/);
  });

  it('releases the nodes it did not reach when a backward throws part way', () => {
    const start = memory();
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const a = x.mul(2); // older than b's graph: reached only through the second root
    const b = x.exp();
    const l1 = b.sum();
    l1.backward(); // frees b's graph
    const ab = a.add(b);
    const l2 = ab.sum(); // newest first: Sum, Add, Exp (freed, throws), Mul (not reached)
    expect(() => l2.backward()).toThrow(/backward: the graph through Exp was freed by an earlier backward\(\)/);
    for (const t of [l2, ab, l1, b, a, x]) t.dispose();
    expect(memory().savedTensors).toBe(start.savedTensors);
    expect(memory().tensors).toBe(start.tensors);
  });

  it('keeps the graph with retainGraph', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const y = x.mul(2).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.toArray()).toEqual([4, 4]);
  });

  it('works after the forward intermediates were disposed by tidy', () => {
    const x = tensor([0.5, -1], undefined, { requiresGrad: true });
    const loss = tidy(() => x.tanh().mul(x).exp().sum());
    loss.backward();
    const t = Math.tanh;
    const d = (v: number) => Math.exp(t(v) * v) * (t(v) + v * (1 - t(v) ** 2));
    const g = x.grad!.dataSync();
    expect(g[0]).toBeCloseTo(d(0.5), 5);
    expect(g[1]).toBeCloseTo(d(-1), 5);
  });

  it('leaves no saved tensors and no intermediates behind', () => {
    const w = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true });
    const x = tensor([[1, 1]]);
    const step = () => tidy(() => x.matmul(w).relu().sum().backward());
    step();
    const after = memory();
    for (let i = 0; i < 5; i++) step();
    expect(memory()).toEqual(after);
    expect(memory().savedTensors).toBe(0);
  });

  it('frees saved tensors when an unused graph is disposed', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const before = memory().savedTensors;
    const y = tidy(() => x.exp().mul(2).sum());
    expect(memory().savedTensors).toBeGreaterThan(before);
    y.dispose();
    expect(memory().savedTensors).toBe(before);
  });

  it('rejects a non-scalar root without a gradient', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/root has shape \[2\]; pass a gradient/);
  });

  it('stops at detach', () => {
    const x = tensor([2], undefined, { requiresGrad: true });
    x.mul(x.detach()).sum().backward();
    expect(x.grad!.item()).toBe(2);
  });

  it('rejects requiresGrad on int32 tensors', () => {
    expect(() => tensor([1], undefined, { dtype: 'int32', requiresGrad: true })).toThrow(/only float32 tensors can require grad/);
  });

  it('records no gradient through comparisons and argmax', () => {
    const x = tensor([1, 3, 2], undefined, { requiresGrad: true });
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.gt(1).requiresGrad).toBe(false);
  });
});
