import { describe, expect, it } from 'vitest';
import {
  createCpuBackend, gelu, keep, sign, memory, noGrad, ones, randn, setBackend, tensor, tidy, type Backend, type Tensor,
} from './index.ts';

const live = () => memory().tensors;

describe('tidy', () => {
  it('disposes intermediates and keeps what is returned, nested in arrays and objects', () => {
    const before = live();
    const { a, list } = tidy(() => {
      const x = ones([2]);
      const y = x.add(1);
      y.mul(3);
      return { a: y, list: [x.mul(2)] };
    });
    expect(live()).toBe(before + 2);
    expect(a.toArray()).toEqual([2, 2]);
    expect(list[0]!.toArray()).toEqual([2, 2]);
    a.dispose();
    list[0]!.dispose();
    expect(live()).toBe(before);
  });

  it('moves returned tensors to the enclosing scope', () => {
    const before = live();
    tidy(() => {
      const inner = tidy(() => ones([3]).mul(2));
      expect(inner.isDisposed).toBe(false);
    });
    expect(live()).toBe(before);
  });

  it('disposes everything when the function throws', () => {
    const before = live();
    expect(() => tidy(() => {
      ones([4]).add(1);
      throw new Error('boom');
    })).toThrow('boom');
    expect(live()).toBe(before);
  });

  it('never disposes a kept tensor', () => {
    const kept = tidy(() => {
      const k = keep(ones([2]).mul(5));
      return null;
      void k;
    });
    expect(kept).toBeNull();
    expect(memory().tensors).toBeGreaterThan(0);
  });

  it('rejects an async function', () => {
    expect(() => tidy(() => Promise.resolve(1))).toThrow(/Promise/);
  });
});

describe('storage', () => {
  it('shares storage between a tensor and its reshaped view', () => {
    const x = tensor([1, 2, 3, 4, 5, 6]);
    const before = memory().storages;
    const v = x.reshape([2, 3]);
    expect(memory().storages).toBe(before);
    x.dispose();
    expect(v.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    v.dispose();
    expect(memory().storages).toBe(before - 1);
  });

  it('names the tensor when a disposed one is used', () => {
    const x = tensor([1, 2]);
    x.dispose();
    x.dispose(); // idempotent
    expect(() => x.add(1)).toThrow(/tensor #\d+ \[2\] float32 was disposed/);
  });

  it('counts bytes of live storage', () => {
    const before = memory().bytes;
    const x = ones([10, 10]);
    expect(memory().bytes - before).toBe(400);
    x.dispose();
    expect(memory().bytes).toBe(before);
  });

  it('assigns in place while saved copies keep the old value for backward', () => {
    const w = tensor([2, 3], undefined, { requiresGrad: true });
    const x = tensor([5, 7], undefined, { requiresGrad: true });
    const y = x.mul(w).sum();
    noGrad(() => w.assign(tensor([100, 100])));
    y.backward();
    expect(x.grad!.toArray()).toEqual([2, 3]);
    expect(w.toArray()).toEqual([100, 100]);
  });

  it('refuses to assign a value of another shape', () => {
    expect(() => tensor([1, 2]).assign(tensor([1, 2, 3]))).toThrow(/assign: value \[3\] float32 does not match \[2\] float32/);
  });
});

describe('backends', () => {
  it('refuses to mix tensors from two backends and names both', () => {
    const other = createCpuBackend();
    const a = ones([2]);
    const b = ones([2], { backend: other });
    expect(() => a.add(b)).toThrow(/Add: inputs live on different backends/);
  });

  it('runs the op composite where a backend has no kernel, with the same result and gradient', () => {
    const full = createCpuBackend();
    const kernels = new Map(full.kernels);
    kernels.delete('Gelu');
    kernels.delete('Sign');
    const partial: Backend = { ...full, id: 'cpu', kernels };
    const x = randn([7]);
    const viaKernel = gelu(x).dataSync();
    const xp = tensor(x.dataSync(), [7], { backend: partial, requiresGrad: true });
    expect(() => sign(xp)).toThrow(/Sign: backend 'cpu' has no kernel for it and the op has no composite/);
    const y = gelu(xp);
    expect(Array.from(y.dataSync())).toEqual(Array.from(viaKernel).map((v) => expect.closeTo(v, 6)));
    y.sum().backward();
    expect(xp.grad!.shape).toEqual([7]);
  });

  it('creates tensors on the backend set as default', () => {
    const other = createCpuBackend();
    const prev = setBackend(other);
    try {
      expect(ones([1]).backend).toBe(other);
    } finally {
      setBackend(prev);
    }
  });
});

describe('noGrad', () => {
  it('records nothing inside', () => {
    const x = tensor([1], undefined, { requiresGrad: true });
    const y: Tensor = noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
  });
});
