// The `vqa` and `vl-classification` heads: shapes, the loss conventions, poolings, config errors.
import { binaryCrossEntropyWithLogits, crossEntropy, manualSeed, randn, tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { AnswerMlp, VlClassificationHead, vlClassificationHeadProvider, VqaHead, vqaHeadProvider } from './answer-head.ts';

const ctx = { seed: 0 };
// Soft scores [B=2, A=3] as dataset-vqa yields them.
const targets = tensor([[0, 0.3, 1], [0.6, 0, 0]], [2, 3]);

describe('AnswerMlp', () => {
  it("is Linear → GELU → LayerNorm(eps 1e-12) → Linear, with LXMERT's hidden width", () => {
    manualSeed(0);
    const mlp = new AnswerMlp(4, 8, 3);
    expect(mlp.namedParameters().map(([n, p]) => `${n} ${p.shape.join('×')}`)).toEqual([
      'fc1.weight 8×4', 'fc1.bias 8', 'norm.weight 8', 'norm.bias 8', 'fc2.weight 3×8', 'fc2.bias 3',
    ]);
    expect(mlp.norm.eps).toBe(1e-12);
    const x = randn([2, 4]);
    const by = mlp.fc2.forward(mlp.norm.forward(mlp.fc1.forward(x).gelu()));
    expect(Array.from(mlp.forward(x).dataSync())).toEqual(Array.from(by.dataSync()));
  });
});

describe('VqaHead', () => {
  it('gives answer logits [B, A] from the pooled vector and a hidden width of 2 × dim by default', () => {
    manualSeed(0);
    const head = new VqaHead({ dim: 4, numAnswers: 3 });
    expect(head.mlp.fc1.outFeatures).toBe(8);
    const out = head.forward({ streams: {}, pooled: randn([2, 4]) }, {});
    expect(out.logits.shape).toEqual([2, 3]);
    expect(out.loss).toBeUndefined();
    expect(head.targets).toEqual(['targets']);
  });

  it('reduces the BCE as LXMERT/ViLBERT (mean × A) by default, or as a sum (MCAN) or a plain mean', () => {
    manualSeed(1);
    const pooled = randn([2, 4]);
    const losses = (['per-example-sum', 'sum', 'mean'] as const).map((lossReduction) => {
      manualSeed(2);
      const head = new VqaHead({ dim: 4, numAnswers: 3, lossReduction });
      const { logits, loss } = head.forward({ streams: {}, pooled }, { targets });
      return { got: loss!.item(), mean: binaryCrossEntropyWithLogits(logits, targets).item() };
    });
    const [perExample, sum, mean] = losses as [{ got: number; mean: number }, { got: number; mean: number }, { got: number; mean: number }];
    expect(perExample.got).toBeCloseTo(perExample.mean * 3, 5); // × numAnswers
    expect(sum.got).toBeCloseTo(sum.mean * 6, 5); // × B·A
    expect(mean.got).toBeCloseTo(mean.mean, 6);
  });

  it('pools as configured, e.g. MCAN\'s att-flat-sum over the two streams', () => {
    manualSeed(0);
    const head = new VqaHead({ dim: 4, numAnswers: 3, pooling: 'att-flat-sum', pooledDim: 6 });
    expect(head.mlp.fc1.inFeatures).toBe(6);
    const streams = { text: { states: randn([2, 5, 4]) }, vision: { states: randn([2, 7, 4]) } };
    expect(head.forward({ streams }, { targets }).loss!.item()).toBeGreaterThan(0);
  });

  it('reads the target field it is told, and names a target of the wrong kind', () => {
    manualSeed(0);
    const head = new VqaHead({ dim: 4, numAnswers: 3, target: 'answerTargets' });
    const pooled = randn([2, 4]);
    expect(head.forward({ streams: {}, pooled }, { answerTargets: targets }).loss).toBeDefined();
    expect(() => head.forward({ streams: {}, pooled }, { answerTargets: tensor([1, 2], [2], { dtype: 'int32' }) })).toThrow(
      "vqa: target 'answerTargets' must be float32 soft scores [2, 3] ([B, numAnswers]), got int32 [2]",
    );
  });

  it('names the option, the value and what was expected in config errors', () => {
    const create = (config: Record<string, unknown>) => () => vqaHeadProvider.create(config, ctx);
    expect(create({ dim: 4 })).toThrow('vqa: numAnswers must be an integer ≥ 1, got undefined');
    expect(create({ numAnswers: 3 })).toThrow('vqa: dim must be an integer ≥ 1, got undefined');
    expect(create({ dim: 4, numAnswers: 3, pooling: 'max' })).toThrow("vqa: pooling must be one of 'pooled', 'first', 'mean', 'cls-tanh', 'product', 'att-flat', 'att-flat-sum', got 'max'");
    expect(create({ dim: 4, numAnswers: 3, lossReduction: 'avg' })).toThrow("vqa: lossReduction must be one of 'per-example-sum', 'sum', 'mean', got 'avg'");
    expect(create({ dim: 4, numAnswers: 3, answers: 3 })).toThrow("vqa: unknown option 'answers'");
    expect(create({ dim: 4, numAnswers: 3, dropout: 1 })).toThrow('vqa: dropout must be a number in [0, 0.999], got 1');
  });
});

describe('VlClassificationHead', () => {
  it('is the answer MLP with cross-entropy (and label smoothing) on int32 classes', () => {
    manualSeed(0);
    const head = new VlClassificationHead({ dim: 4, numClasses: 2, labelSmoothing: 0.1, pooling: 'mean', stream: 'vision' });
    const label = tensor([1, 0], [2], { dtype: 'int32' });
    const out = head.forward({ streams: { vision: { states: randn([2, 3, 4]) } } }, { label });
    expect(out.logits.shape).toEqual([2, 2]);
    expect(out.loss!.item()).toBeCloseTo(crossEntropy(out.logits, label, { labelSmoothing: 0.1 }).item(), 6);
    expect(() => head.forward({ streams: { vision: { states: randn([2, 3, 4]) } } }, { label: targets })).toThrow(
      "vl-classification: target 'label' must hold int32 class indices [B], got float32 [2, 3]",
    );
  });

  it('needs at least two classes', () => {
    expect(() => vlClassificationHeadProvider.create({ dim: 4, numClasses: 1 }, ctx)).toThrow('vl-classification: numClasses must be an integer ≥ 2, got 1');
  });
});
