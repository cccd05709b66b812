// Optimizers from a config: which parameters weight decay reaches under `decay: all | timm`, and
// that a decayed step moves exactly those.
import { LayerNorm, Linear, Module, Parameter } from '@crossmodal/nn';
import { ones, tidy, zeros } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { createOptimizer, splitByDecay } from './optimizers.ts';

class TinyVit extends Module {
  readonly cls_token = new Parameter(ones([1, 1, 4]));
  readonly pos_embed = new Parameter(ones([1, 3, 4]));
  readonly fc = new Linear(4, 4);
  readonly norm = new LayerNorm(4);
}

describe('splitByDecay', () => {
  it('under timm exempts vectors and the ViT embeddings; under all exempts nothing', () => {
    const m = new TinyVit();
    const names = (ts: readonly unknown[]): string[] => m.namedParameters().filter(([, p]) => ts.includes(p)).map(([n]) => n);
    const timm = splitByDecay(m.namedParameters(), 'timm');
    expect(names(timm.decay)).toEqual(['fc.weight']);
    expect(names(timm.noDecay).sort()).toEqual(['cls_token', 'fc.bias', 'norm.bias', 'norm.weight', 'pos_embed']);
    expect(splitByDecay(m.namedParameters(), 'all').noDecay).toEqual([]);
    // HF names too: embeddings.position_embeddings is a matrix but exempt.
    const hf = splitByDecay([['vit.embeddings.position_embeddings', zeros([1, 5, 4])], ['vit.encoder.layer.0.output.dense.weight', zeros([4, 4])]], 'timm');
    expect([hf.decay.length, hf.noDecay.length]).toEqual([1, 1]);
  });
});

describe('createOptimizer', () => {
  it('decays only the matrices under decay: timm (one AdamW step with zero gradients)', () => {
    const m = new TinyVit();
    const before = new Map(m.namedParameters().map(([n, p]) => [n, p.dataSync().slice()]));
    const opt = createOptimizer({ name: 'adamw', lr: 0.1, weightDecay: 0.5, decay: 'timm' }, m.namedParameters());
    expect(opt.paramGroups.map((g) => [g.params.length, g.weightDecay])).toEqual([[1, 0.5], [5, 0]]);
    for (const [, p] of m.namedParameters()) p.grad = tidy(() => zeros(p.shape));
    opt.step();
    for (const [name, p] of m.namedParameters()) {
      const changed = p.dataSync().some((v, i) => v !== before.get(name)![i] && v !== 0);
      expect([name, changed]).toEqual([name, name === 'fc.weight']); // decoupled decay: w ← w·(1 − lr·λ)
    }
  });

  it('keeps one group under decay: all, and refuses timm without names', () => {
    const m = new TinyVit();
    expect(createOptimizer({ name: 'sgd', lr: 0.1, weightDecay: 0.1 }, m.parameters()).paramGroups).toHaveLength(1);
    expect(createOptimizer({ name: 'adamw', lr: 0.1, weightDecay: 0.1, decay: 'all' }, m.namedParameters()).paramGroups).toHaveLength(1);
    expect(() => createOptimizer({ name: 'adamw', lr: 0.1, weightDecay: 0.1, decay: 'timm' }, m.parameters()))
      .toThrow("optimizer.decay: 'timm' needs the parameters' names; pass model.namedParameters()");
  });
});
