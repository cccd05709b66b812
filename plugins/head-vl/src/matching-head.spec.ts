// The `image-text-matching` head: two logits with CE (LXMERT) or one with BCE (ViLBERT), the
// alignment score, and label checks.
import { binaryCrossEntropyWithLogits, crossEntropy, manualSeed, randn, tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { alignmentScores, MatchingHead, matchingHeadProvider } from './matching-head.ts';

const label = tensor([1, 0, 1], [3], { dtype: 'int32' });

describe('MatchingHead', () => {
  it('with 2 outputs gives [B, 2] logits and their cross-entropy', () => {
    manualSeed(0);
    const head = new MatchingHead({ dim: 4 });
    const out = head.forward({ streams: {}, pooled: randn([3, 4]) }, { label });
    expect(out.logits.shape).toEqual([3, 2]);
    expect(out.loss!.item()).toBeCloseTo(crossEntropy(out.logits, label).item(), 6);
  });

  it('with 1 output gives logits [0, s], whose cross-entropy equals BCE(s, y)', () => {
    manualSeed(0);
    const head = new MatchingHead({ dim: 4, outputs: 1, pooling: 'product' });
    const streams = { text: { states: randn([3, 2, 4]) }, vision: { states: randn([3, 5, 4]) } };
    const out = head.forward({ streams }, { label });
    const [zero, s] = [out.logits.slice([0, 0], [3, 1]).squeeze(1), alignmentScores(out.logits)];
    expect(Array.from(zero.dataSync())).toEqual([0, 0, 0]);
    expect(out.loss!.item()).toBeCloseTo(binaryCrossEntropyWithLogits(s, label.cast('float32')).item(), 6);
    expect(out.loss!.item()).toBeCloseTo(crossEntropy(out.logits, label).item(), 5);
  });

  it("with 1 output sends BCE's gradient to the Linear", () => {
    manualSeed(0);
    const head = new MatchingHead({ dim: 4, outputs: 1 });
    const pooled = randn([3, 4]);
    head.forward({ streams: {}, pooled }, { label }).loss!.backward();
    const got = Array.from(head.fc.weight.grad!.dataSync());
    head.zeroGrad();
    binaryCrossEntropyWithLogits(head.fc.forward(pooled).squeeze(1), label.cast('float32')).backward();
    const want = Array.from(head.fc.weight.grad!.dataSync());
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 6));
    expect(want.some((g) => g !== 0)).toBe(true);
  });

  it('scores alignment as logit(match) − logit(mismatch)', () => {
    expect(Array.from(alignmentScores(tensor([[1, 3], [2, -1]], [2, 2])).dataSync())).toEqual([2, -3]);
    expect(() => alignmentScores(tensor([1, 2], [2]))).toThrow('alignmentScores: logits must be [B, 2] (mismatch, match), got [2]');
  });

  it('rejects labels that are not int32 0/1 per pair', () => {
    manualSeed(0);
    const head = new MatchingHead({ dim: 4 });
    const pooled = randn([3, 4]);
    // Both output counts: under outputs 1 a label of 2 would otherwise be a silent wrong BCE.
    for (const outputs of [1, 2]) {
      expect(() => new MatchingHead({ dim: 4, outputs }).forward({ streams: {}, pooled }, { label: tensor([1, 2, 0], [3], { dtype: 'int32' }) })).toThrow(
        'crossEntropy: target 2 at flat index 1 is out of range for 2 classes',
      );
    }
    expect(() => head.forward({ streams: {}, pooled }, { label: tensor([1, 0, 1], [3]) })).toThrow(
      "image-text-matching: target 'label' must be int32 labels [3] (1 matched, 0 not), got float32 [3]",
    );
  });

  it('names config errors', () => {
    const create = (config: Record<string, unknown>) => () => matchingHeadProvider.create(config, { seed: 0 });
    expect(create({ dim: 4, outputs: 3 })).toThrow('image-text-matching: outputs must be 1 or 2, got 3');
    expect(create({ dim: 4, pooling: 'mean', textDim: 8 })).toThrow("image-text-matching: option 'textDim' does not apply to pooling 'mean' (it reads: stream)");
  });
});
