// Cross-entropy with probability targets against PyTorch 1.13 (F.cross_entropy with probabilities,
// label smoothing on them, timm's SoftTargetCrossEntropy on Mixup targets): values and gradients.
import { describe, expect, it } from 'vitest';
import golden from '../fixtures/soft-cross-entropy.golden.json' with { type: 'json' };
import { tensor, tidy, type Reduction } from '@crossmodal/tensor';
import { expectAllClose, fromGolden, fromGoldenMap, type GoldenCase } from '@crossmodal/tensor/testing';
import { crossEntropy, softTargetCrossEntropy } from './losses.ts';

const cases = golden.cases as unknown as Record<string, GoldenCase>;
const tol = { atol: 1e-5, rtol: 1e-5 };

describe('cross-entropy on probability targets against PyTorch 1.13', () => {
  it.each(Object.keys(cases))('%s matches the value and the logits and target gradients to 1e-5', (name) => {
    const c = cases[name]!;
    const { reduction, labelSmoothing } = c.attrs as { reduction: Reduction; labelSmoothing: number };
    tidy(() => {
      const { logits, target } = fromGoldenMap(c.inputs, { requiresGrad: true });
      const out = labelSmoothing === 0 ? softTargetCrossEntropy(logits!, target!, { reduction }) : crossEntropy(logits!, target!, { reduction, labelSmoothing });
      expectAllClose(out, fromGolden(c.outputs['out']!), tol);
      out.mul(fromGolden(c.w)).sum().backward();
      expectAllClose(logits!.grad!, fromGolden(c.grads['logits']!), tol);
      expectAllClose(target!.grad!, fromGolden(c.grads['target']!), tol);
    });
  });
});

describe('softTargetCrossEntropy', () => {
  it('refuses class indices and a target of another shape, naming both', () => {
    const logits = tensor([[1, 2, 3]], [1, 3]);
    expect(() => softTargetCrossEntropy(logits, tensor([2], [1], { dtype: 'int32' }))).toThrow(
      'softTargetCrossEntropy: target must be float32 probabilities [1, 3] (the logits\' shape), got int32 [1]',
    );
    expect(() => softTargetCrossEntropy(logits, tensor([[0.5, 0.5]], [1, 2]))).toThrow('got float32 [1, 2]');
  });

  it('equals the hard-label loss on a one-hot target', () => {
    const logits = tensor([[1, 2, 3], [0, -1, 4]], [2, 3]);
    const hard = crossEntropy(logits, tensor([2, 0], [2], { dtype: 'int32' })).item();
    expect(softTargetCrossEntropy(logits, tensor([[0, 0, 1], [1, 0, 0]], [2, 3])).item()).toBeCloseTo(hard, 6);
  });
});
