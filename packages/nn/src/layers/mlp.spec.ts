// Dropout module, MLP composition and the activation table.
import { describe, expect, it } from 'vitest';
import { manualSeed, ones, randn, tensor } from '@crossmodal/tensor';
import { Dropout } from './dropout.ts';
import { MLP } from './mlp.ts';
import { activationFn, type Activation } from './activation.ts';

describe('Dropout', () => {
  it('is the identity in eval mode and drops with scaling in training mode', () => {
    const drop = new Dropout(0.5);
    const x = ones([1000]);
    expect(drop.eval().forward(x)).toBe(x);
    manualSeed(0);
    const y = drop.train().forward(x);
    const d = Array.from(y.dataSync());
    expect(new Set(d)).toEqual(new Set([0, 2]));
    const kept = d.filter((v) => v === 2).length;
    expect(kept).toBeGreaterThan(430);
    expect(kept).toBeLessThan(570);
    for (const t of [x, y]) t.dispose();
    expect(() => new Dropout(1)).toThrow('Dropout: p must be in [0, 1), got 1');
  });
});

describe('MLP', () => {
  it('maps [..., in] → [..., out] through fc1 → activation → fc2', () => {
    const mlp = new MLP(4, 8, 3, { activation: 'relu' });
    expect(mlp.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['fc1.weight', [8, 4]],
      ['fc1.bias', [8]],
      ['fc2.weight', [3, 8]],
      ['fc2.bias', [3]],
    ]);
    const x = randn([2, 5, 4]);
    const y = mlp.forward(x);
    expect(y.shape).toEqual([2, 5, 3]);
    // The same by hand: relu(x·W1ᵀ + b1)·W2ᵀ + b2.
    const ref = mlp.fc2.forward(mlp.fc1.forward(x).relu());
    expect(Array.from(y.dataSync())).toEqual(Array.from(ref.dataSync()));
    for (const t of [x, y, ref]) t.dispose();
    mlp.dispose();
  });

  it('knows gelu, gelu-tanh and relu and names the known ones otherwise', () => {
    const x = tensor([-1, 0, 1]);
    const values = (['gelu', 'gelu-tanh', 'relu'] as const).map((a) => Array.from(activationFn(a)(x).dataSync()));
    expect(values[0]![2]).toBeCloseTo(0.841345, 5);
    expect(values[1]![2]).toBeCloseTo(0.841192, 5);
    expect(values[2]).toEqual([0, 0, 1]);
    expect(() => activationFn('swish' as Activation)).toThrow("activation: unknown 'swish', expected one of gelu, gelu-tanh, relu");
    x.dispose();
  });
});
