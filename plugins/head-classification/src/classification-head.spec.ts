// ClassificationHead: pooling (first, mask-aware mean, pooled), stream choice, loss, config errors.
import { crossEntropy, manualSeed, randn, tensor, type Tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { ClassificationHead, classificationHeadProvider } from './classification-head.ts';

/** A head whose Linear is the identity (dim = numClasses = 2, zero bias): logits are the pooled vector. */
function identityHead(config: Record<string, unknown> = {}): ClassificationHead {
  const head = new ClassificationHead({ dim: 2, numClasses: 2, ...config });
  head.fc.weight.assign(tensor([[1, 0], [0, 1]], [2, 2]));
  head.fc.bias!.assign(tensor([0, 0], [2]));
  return head;
}

// [B=2, N=3, D=2]: row b, position n holds (10b + n, −(10b + n)).
const states = tensor([[[0, 0], [1, -1], [2, -2]], [[10, -10], [11, -11], [12, -12]]], [2, 3, 2]);
const rows = (t: Tensor): number[][] => t.toArray() as number[][];

describe('ClassificationHead', () => {
  it("pools the first token by default ('first')", () => {
    expect(rows(identityHead().forward({ streams: { vision: { states } } }, {}).logits)).toEqual([[0, 0], [10, -10]]);
  });

  it("averages only the real positions ('mean' with a mask), and all of them without one", () => {
    const mask = tensor([[1, 1, 0], [1, 0, 0]], [2, 3], { dtype: 'int32' });
    const head = identityHead({ pooling: 'mean' });
    expect(rows(head.forward({ streams: { vision: { states, mask } } }, {}).logits)).toEqual([[0.5, -0.5], [10, -10]]);
    expect(rows(head.forward({ streams: { vision: { states } } }, {}).logits)).toEqual([[1, -1], [11, -11]]);
  });

  it("skips a stream's prefix tokens ('mean' over a ViT's [CLS; patches] averages the patches only, as timm's global_pool='avg')", () => {
    const head = identityHead({ pooling: 'mean' });
    // Position 0 is the class token: (0, 0) and (10, −10); the patches are positions 1 and 2.
    expect(rows(head.forward({ streams: { vision: { states, prefixTokens: 1 } } }, {}).logits)).toEqual([[1.5, -1.5], [11.5, -11.5]]);
    const mask = tensor([[1, 1, 0], [1, 1, 1]], [2, 3], { dtype: 'int32' });
    expect(rows(head.forward({ streams: { vision: { states, mask, prefixTokens: 1 } } }, {}).logits)).toEqual([[1, -1], [11.5, -11.5]]);
    expect(rows(head.forward({ streams: { vision: { states, prefixTokens: 0 } } }, {}).logits)).toEqual([[1, -1], [11, -11]]);
    // 'first' still reads the class token.
    expect(rows(identityHead().forward({ streams: { vision: { states, prefixTokens: 1 } } }, {}).logits)).toEqual([[0, 0], [10, -10]]);
    expect(() => head.forward({ streams: { vision: { states, prefixTokens: 3 } } }, {})).toThrow(
      "classification: stream 'vision' has prefixTokens 3, expected an integer in [0, 3) (it has 3 tokens) for pooling 'mean'",
    );
  });

  it("uses the model's pooled vector ('pooled') and says so when there is none", () => {
    const pooled = tensor([[3, 4]], [1, 2]);
    const head = identityHead({ pooling: 'pooled' });
    expect(rows(head.forward({ streams: {}, pooled }, {}).logits)).toEqual([[3, 4]]);
    expect(() => head.forward({ streams: { vision: { states } } }, {})).toThrow("classification: pooling 'pooled' needs the model's pooled vector");
  });

  it('reads the configured stream, else the first, and lists the streams when one is missing', () => {
    const text = { states: states.mul(2) };
    expect(rows(identityHead({ stream: 'text' }).forward({ streams: { vision: { states }, text } }, {}).logits)[1]).toEqual([20, -20]);
    expect(rows(identityHead().forward({ streams: { vision: { states }, text } }, {}).logits)[1]).toEqual([10, -10]);
    expect(() => identityHead({ stream: 'audio' }).forward({ streams: { vision: { states } } }, {})).toThrow(
      "classification: no stream 'audio' to read (streams: vision)",
    );
  });

  it('returns the cross-entropy (with label smoothing) when the batch has the target', () => {
    manualSeed(0);
    const head = new ClassificationHead({ dim: 4, numClasses: 3, labelSmoothing: 0.1, target: 'answer' });
    const x = randn([2, 1, 4]);
    const answer = tensor([2, 0], [2], { dtype: 'int32' });
    const out = head.forward({ streams: { vision: { states: x } } }, { answer });
    expect(out.loss!.item()).toBeCloseTo(crossEntropy(out.logits, answer, { labelSmoothing: 0.1 }).item(), 6);
    expect(head.forward({ streams: { vision: { states: x } } }, { label: answer }).loss).toBeUndefined();
    expect(head.targets).toEqual(['answer']);
  });

  it('uses soft-target cross-entropy on `<target>Soft` when present, without applying labelSmoothing again', () => {
    manualSeed(1);
    const head = new ClassificationHead({ dim: 4, numClasses: 3, labelSmoothing: 0.1 });
    const x = randn([2, 1, 4]);
    const label = tensor([2, 0], [2], { dtype: 'int32' });
    const labelSoft = tensor([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]], [2, 3]); // Mixup's targets, smoothing already in them
    const out = head.forward({ streams: { vision: { states: x } } }, { label, labelSoft });
    const logp = out.logits.logSoftmax(-1);
    const expected = -(logp.mul(labelSoft).sum().item()) / 2; // −Σ t·log p, mean over B
    expect(out.loss!.item()).toBeCloseTo(expected, 5);
    expect(out.loss!.item()).not.toBeCloseTo(crossEntropy(out.logits, labelSoft, { labelSmoothing: 0.1 }).item(), 3);
    expect(head.targets).toEqual(['label']); // metrics keep reading the class indices
  });

  it('reads a renamed soft-target field and names a soft target of the wrong shape', () => {
    const head = identityHead({ softTarget: 'mixed' });
    const input = { streams: { vision: { states } } };
    const mixed = tensor([[0.5, 0.5], [1, 0]], [2, 2]);
    expect(head.forward(input, { mixed }).loss!.item()).toBeCloseTo(crossEntropy(head.forward(input, {}).logits, mixed).item(), 6);
    expect(() => identityHead().forward(input, { labelSoft: tensor([1, 0], [2], { dtype: 'int32' }) })).toThrow(
      "classification: soft target 'labelSoft' must be float32 [B, numClasses] = [2, 2], got int32 [2]",
    );
  });

  it('names the expected width when the pooled vector does not match dim', () => {
    expect(() => new ClassificationHead({ dim: 3, numClasses: 2 }).forward({ streams: { v: { states } } }, {})).toThrow(
      'classification: pooled vector must be [B, 3] (dim), got [2, 2]',
    );
  });

  it('names the option, the value and what was expected in config errors', () => {
    const create = (config: Record<string, unknown>) => () => classificationHeadProvider.create(config, { seed: 0 });
    expect(create({ dim: 4 })).toThrow('classification: numClasses must be an integer ≥ 2, got undefined');
    expect(create({ dim: 4, numClasses: 3, pooling: 'max' })).toThrow("classification: pooling must be one of 'first', 'mean', 'pooled', got 'max'");
    expect(create({ dim: 4, numClasses: 3, labelSmoothing: 2 })).toThrow('classification: labelSmoothing must be a number in [0, 1], got 2');
  });
});
