// End to end: a tiny transformer classifier learns with AdamW, and a step leaks no tensor.
import { describe, expect, it } from 'vitest';
import { crossEntropy, manualSeed, memory, randn, tensor, tidy } from '@crossmodal/tensor';
import { AdamW } from './optim/adam.ts';
import { clipGradNorm } from './optim/clip-grad.ts';
import { TINY, TinyClassifier } from './testing/tiny-classifier.ts';

const { batch: B, tokens: T, dim: D } = TINY;

describe('a training step', () => {
  it('lowers the loss of a 2-layer transformer over 30 AdamW steps and leaks nothing', () => {
    manualSeed(0);
    // The task: which position holds the largest value of feature 0.
    const x = randn([B, T, D]);
    const rows = x.toArray() as number[][][];
    const labels = rows.map((seq) => seq.reduce((best, v, t) => (v[0]! > seq[best]![0]! ? t : best), 0));
    const y = tensor(labels, [B], { dtype: 'int32' });
    const model = new TinyClassifier();
    const opt = new AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.01 });

    const losses: number[] = [];
    let after1 = memory();
    for (let step = 0; step < 30; step++) {
      const loss = tidy(() => {
        const l = crossEntropy(model.forward(x), y);
        l.backward();
        return l.item();
      });
      clipGradNorm(model.parameters(), 1);
      opt.step();
      opt.zeroGrad();
      losses.push(loss);
      const m = memory();
      if (step === 0) after1 = m;
      expect({ tensors: m.tensors, storages: m.storages, bytes: m.bytes }).toEqual({ tensors: after1.tensors, storages: after1.storages, bytes: after1.bytes });
      expect(m.savedTensors).toBe(0);
    }
    expect(losses[29]!).toBeLessThan(0.5 * losses[0]!);

    for (const t of [x, y]) t.dispose();
    opt.disposeState();
    model.dispose();
  });
});
