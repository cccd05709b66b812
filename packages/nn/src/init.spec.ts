// Initialisers: bounds and moments over 10^4 samples, torch's fans, reproducibility, no leaks.
import { describe, expect, it } from 'vitest';
import { manualSeed, memory, zeros, type Tensor } from '@crossmodal/tensor';
import {
  constant_, fans, kaimingNormal_, kaimingUniform_, normal_, ones_, truncNormal_, uniform_, xavierNormal_, xavierUniform_, zeros_,
} from './init.ts';

const stats = (t: Tensor): { mean: number; std: number; min: number; max: number } => {
  const d = Array.from(t.dataSync());
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
  return { mean, std, min: Math.min(...d), max: Math.max(...d) };
};

describe('init', () => {
  it('truncNormal_ keeps values in [a, b] with std ≈ 0.02 by default over 10^4 samples', () => {
    manualSeed(1);
    const t = truncNormal_(zeros([100, 100]));
    const s = stats(t);
    expect(s.min).toBeGreaterThanOrEqual(-2);
    expect(s.max).toBeLessThanOrEqual(2);
    expect(Math.abs(s.mean)).toBeLessThan(0.001);
    expect(s.std).toBeGreaterThan(0.019);
    expect(s.std).toBeLessThan(0.021);
    t.dispose();
  });

  it('truncNormal_ cuts at absolute bounds: N(0, 1) on [−1, 2] has the truncated moments', () => {
    manualSeed(2);
    const t = truncNormal_(zeros([10_000]), { std: 1, a: -1, b: 2 });
    const s = stats(t);
    expect(s.min).toBeGreaterThanOrEqual(-1);
    expect(s.max).toBeLessThanOrEqual(2);
    // Truncated standard normal on [−1, 2]: mean = (φ(−1) − φ(2)) / (Φ(2) − Φ(−1)) ≈ 0.2290.
    expect(s.mean).toBeCloseTo(0.229, 1);
    t.dispose();
  });

  it('truncNormal_ refuses bounds that hold almost no mass', () => {
    const t = zeros([4]);
    expect(() => truncNormal_(t, { std: 0.02, a: 1, b: 2 })).toThrow(/holds only/);
    expect(() => truncNormal_(t, { a: 1, b: 0 })).toThrow(/a < b/);
    t.dispose();
  });

  it('is reproducible under manualSeed', () => {
    const [x, y] = [zeros([5]), zeros([5])];
    manualSeed(7);
    normal_(x);
    manualSeed(7);
    normal_(y);
    expect(Array.from(x.dataSync())).toEqual(Array.from(y.dataSync()));
    x.dispose();
    y.dispose();
  });

  it('xavier and kaiming use torch fans and bounds', () => {
    manualSeed(3);
    const w = zeros([200, 300]); // fanOut 200, fanIn 300
    expect(fans(w)).toEqual({ fanIn: 300, fanOut: 200 });
    expect(fans(zeros([8, 4, 3, 3]))).toEqual({ fanIn: 36, fanOut: 72 });
    const xb = Math.sqrt(6 / 500);
    let s = stats(xavierUniform_(w));
    expect(s.max).toBeLessThanOrEqual(xb);
    expect(s.min).toBeGreaterThanOrEqual(-xb);
    expect(s.std).toBeCloseTo(xb / Math.sqrt(3), 3);
    s = stats(xavierNormal_(w, { gain: 2 }));
    expect(s.std).toBeCloseTo(2 * Math.sqrt(2 / 500), 3);
    // PyTorch Linear's default: kaiming uniform with a = √5 gives bound 1/√fanIn.
    s = stats(kaimingUniform_(w, { a: Math.sqrt(5) }));
    expect(s.max).toBeLessThanOrEqual(1 / Math.sqrt(300));
    expect(s.max).toBeGreaterThan(0.99 / Math.sqrt(300));
    s = stats(kaimingNormal_(w, { nonlinearity: 'relu', mode: 'fanOut' }));
    expect(s.std).toBeCloseTo(Math.sqrt(2 / 200), 3);
    w.dispose();
  });

  it('fills constants and uniforms in place, leaking nothing', () => {
    const t = zeros([2, 3]);
    const before = memory();
    expect(Array.from(ones_(t).dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(constant_(t, 0.5).dataSync())).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(zeros_(t).dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    const u = stats(uniform_(t, { low: 3, high: 4 }));
    expect(u.min).toBeGreaterThanOrEqual(3);
    expect(u.max).toBeLessThan(4);
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().storages).toBe(before.storages);
    expect(() => fans(zeros([3]))).toThrow(/rank >= 2/);
    t.dispose();
  });
});
