// Model composition: a preset or parts become a ComposedModel whose state-dict keys and attention
// maps are prefixed by part; batches are checked; presets merge with overrides per part.
import { Linear, Module } from '@crossmodal/nn';
import { softmax, tensor, type Tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import type { Batch } from '../contracts/batch.ts';
import type { EncodedSequence, Encoder, EncoderOutput, EncoderProvider } from '../contracts/encoder.ts';
import type { FusionModule, FusionOutput, FusionProvider } from '../contracts/fusion.ts';
import type { HeadInput, HeadOutput, HeadProvider } from '../contracts/head.ts';
import { ENCODERS, FUSIONS, HEADS } from '../di/tokens.ts';
import type { Plugin } from '../plugin.ts';
import { UnknownNameError } from '../registry/errors.ts';
import { createTestRuntime } from '../testing/test-runtime.ts';
import { ToyClassificationHead } from '../testing/toy-plugin.ts';
import { BatchFieldError } from './composed-model.ts';
import { ModelConfigError } from './model-config.ts';

/** `tokens` [B, T] → Linear(1, D) per token → [B, T, D]; a uniform [B, 1, T, T] attention map on request. */
class FakeTextEncoder extends Module implements Encoder {
  readonly modality = 'text';
  readonly inputs = ['tokens'];
  readonly embed: Linear;
  constructor(readonly dim: number) {
    super();
    this.embed = new Linear(1, dim);
  }
  forward(batch: Batch, options: { returnProbs?: boolean } = {}): EncoderOutput {
    const tokens = batch['tokens']!; // [B, T]
    const states = this.embed.forward(tokens.unsqueeze(-1)); // [B, T, D]
    const [b, t] = tokens.shape as [number, number];
    const probs = softmax(tensor(new Float32Array(b * t * t), [b, 1, t, t]));
    return options.returnProbs ? { states, attention: { layer0: probs } } : { states };
  }
}

/** Mixes the mean text and vision states into a pooled vector; reports one attention map. */
class FakeSumFusion extends Module implements FusionModule {
  readonly heads = { coAttention: 1 };
  readonly mix: Linear;
  constructor(dim: number) {
    super();
    this.mix = new Linear(dim, dim);
  }
  forward(text: EncodedSequence, vision: EncodedSequence, options: { returnProbs?: boolean } = {}): FusionOutput {
    const pooled = this.mix.forward(text.states.mean(1).add(vision.states.mean(1))); // [B, D]
    const out = { text, vision, pooled };
    return options.returnProbs ? { ...out, attention: { 'layer0.text-to-vision': softmax(text.states.mean(2, true)) } } : out;
  }
}

/** The toy head, remembering what it was given. */
class RecordingHead extends ToyClassificationHead {
  last: HeadInput | undefined;
  override forward(input: HeadInput, batch: Batch): HeadOutput {
    this.last = input;
    return super.forward(input, batch);
  }
}

const fakeText: EncoderProvider = { name: 'fake-text', create: (cfg) => new FakeTextEncoder(Number(cfg['dim'])) };
const fakeSum: FusionProvider = { name: 'fake-sum', create: (cfg) => new FakeSumFusion(Number(cfg['dim'])) };
const recording: HeadProvider = { name: 'recording', create: (cfg) => new RecordingHead(Number(cfg['dim']), Number(cfg['numClasses'])) };

const fakesPlugin: Plugin = {
  name: '@acme/fakes',
  version: '1.0.0',
  register(c) {
    c.register(ENCODERS, { useValue: fakeText });
    c.register(FUSIONS, { useValue: fakeSum });
    c.register(HEADS, { useValue: recording });
  },
};

const ctx = { seed: 0 };
const features = tensor([[1, 2], [3, 4], [5, 6]]); // [B=3, F=2]
const label = tensor([0, 2, 1], [3], { dtype: 'int32' });
const tokens = tensor([[1, 0, 2, 1], [0, 1, 1, 1], [2, 2, 0, 0]]); // [B=3, T=4]
const shapeOf = (t: Tensor | undefined): readonly number[] | undefined => t?.shape;

describe('ModelRegistry.build', () => {
  it('builds a single-stream model from a preset, with part-prefixed state-dict keys', () => {
    const model = createTestRuntime().models.build({ preset: 'toy-mlp' }, ctx);
    expect(Object.keys(model.stateDict())).toEqual(['encoders.vision.proj.weight', 'encoders.vision.proj.bias', 'head.fc.weight', 'head.fc.bias']);
    expect(model.inputs).toEqual(['features', 'label']);
    expect(model.config).toEqual({
      encoders: { vision: { name: 'toy-vectors', inputDim: 2, dim: 16 } },
      head: { name: 'toy-classification', dim: 16, numClasses: 3 },
    });
    const out = model.forward({ features, label });
    expect(shapeOf(out.logits)).toEqual([3, 3]);
    expect(shapeOf(out.loss)).toEqual([]);
    expect(out.targets).toEqual(['label']);
    expect(out.attention).toBeUndefined();
  });

  it('returns no loss for a batch without the head targets', () => {
    const out = createTestRuntime().models.build({ preset: 'toy-mlp' }, ctx).forward({ features });
    expect(out.loss).toBeUndefined();
    expect(shapeOf(out.logits)).toEqual([3, 3]);
  });

  it('composes text and vision encoders through a fusion into the head, collecting prefixed attention maps', () => {
    const model = createTestRuntime([fakesPlugin]).models.build(
      {
        encoders: { text: { name: 'fake-text', dim: 8 }, vision: { name: 'toy-vectors', inputDim: 2, dim: 8 } },
        fusion: { name: 'fake-sum', dim: 8 },
        head: { name: 'recording', dim: 8, numClasses: 5 },
      },
      ctx,
    );
    expect(model.namedParameters().map(([n]) => n)).toEqual([
      'encoders.text.embed.weight', 'encoders.text.embed.bias', 'encoders.vision.proj.weight', 'encoders.vision.proj.bias',
      'fusion.mix.weight', 'fusion.mix.bias', 'head.fc.weight', 'head.fc.bias',
    ]);
    const out = model.forward({ tokens, features, label }, { returnProbs: true });
    expect(shapeOf(out.logits)).toEqual([3, 5]);
    expect(Object.keys(out.attention ?? {})).toEqual(['encoders.text.layer0', 'fusion.layer0.text-to-vision']);
    expect(shapeOf(out.attention?.['encoders.text.layer0'])).toEqual([3, 1, 4, 4]);
    // The head saw both streams and the fusion's pooled vector.
    const head = model.head as RecordingHead;
    expect(Object.keys(head.last?.streams ?? {})).toEqual(['text', 'vision']);
    expect(shapeOf(head.last?.pooled)).toEqual([3, 8]);
  });

  it('names the missing field, the part and the stream when a batch lacks an encoder input', () => {
    const model = createTestRuntime().models.build({ preset: 'toy-mlp' }, ctx);
    expect(() => model.forward({ image: features, label })).toThrow(BatchFieldError);
    expect(() => model.forward({ image: features, label })).toThrow(
      "The batch has no field 'features', which encoder 'toy-vectors' (model.encoders.vision) reads; batch fields: image, label",
    );
  });

  it('throws UnknownNameError with the config path for an unknown part', () => {
    const runtime = createTestRuntime();
    const build = () => runtime.models.build({ preset: 'toy-mlp', head: { name: 'toy-clasification' } }, ctx);
    expect(build).toThrow(UnknownNameError);
    expect(build).toThrow("model.head: Unknown head 'toy-clasification'. Did you mean 'toy-classification'? Known heads: toy-classification.");
    expect(() => runtime.models.build({ preset: 'toy-mpl' }, ctx)).toThrow("model.preset: Unknown model 'toy-mpl'. Did you mean 'toy-mlp'? Known models: toy-mlp.");
  });

  it("prefixes a part's invalid option error with its path and plugin", () => {
    expect(() => createTestRuntime().models.build({ preset: 'toy-mlp', head: { numClasses: 0 } }, ctx)).toThrow(
      "model.head: head 'toy-classification' (plugin @crossmodal/core/testing): toy-classification: numClasses must be a positive integer, got 0",
    );
  });
});

describe('ModelRegistry.resolveConfig', () => {
  const models = createTestRuntime([fakesPlugin]).models;

  it('merges overrides into the preset part by part, leaving no preset key', () => {
    expect(models.resolveConfig({ preset: 'toy-mlp', head: { numClasses: 10 }, encoders: { vision: { dim: 32 } } })).toEqual({
      encoders: { vision: { name: 'toy-vectors', inputDim: 2, dim: 32 } },
      head: { name: 'toy-classification', dim: 16, numClasses: 10 },
    });
  });

  it('replaces a part whose name changes, dropping the old options', () => {
    const resolved = models.resolveConfig({ preset: 'toy-mlp', encoders: { vision: { name: 'fake-text', dim: 16 } } });
    expect(resolved.encoders).toEqual({ vision: { name: 'fake-text', dim: 16 } });
  });

  it('merges nested options deeply and keeps the same name as a merge', () => {
    expect(models.resolveConfig({ encoders: { vision: { name: 'a', deep: { x: 1, y: 2 } } }, head: { name: 'h' } })).toEqual({
      encoders: { vision: { name: 'a', deep: { x: 1, y: 2 } } },
      head: { name: 'h' },
    });
  });

  it('rejects a part without a name, a fusion without both streams, and a config without a head', () => {
    expect(() => models.resolveConfig({ preset: 'toy-mlp', fusion: { dim: 8 } })).toThrow(
      'model.fusion: got {"dim":8}, expected a part with a name (a registry name; the preset has no such part to override)',
    );
    expect(() => models.resolveConfig({ preset: 'toy-mlp', fusion: { name: 'fake-sum' } })).toThrow(
      "model.fusion: 'fake-sum' fuses the 'text' and 'vision' streams, but model.encoders has vision; expected both",
    );
    expect(() => models.resolveConfig({ encoders: { vision: { name: 'toy-vectors' } } })).toThrow(ModelConfigError);
    expect(() => models.resolveConfig({ encoders: { 'a.b': { name: 'toy-vectors' } }, head: { name: 'h' } })).toThrow(/stream name "a.b"/);
  });
});
