// Tiny fake providers for tests of core and of the packages built on it: a vector encoder, a
// classification head, a Gaussian-blobs dataset and the `toy-mlp` preset, packaged as one plugin.
import { crossEntropy, Linear, Module } from '@crossmodal/nn';
import { Generator, type Tensor } from '@crossmodal/tensor';
import type { Batch, Example } from '../contracts/batch.ts';
import type { Dataset, DatasetConfig, DatasetInfo, DatasetProvider } from '../contracts/dataset.ts';
import type { Encoder, EncoderOutput, EncoderProvider } from '../contracts/encoder.ts';
import type { Head, HeadInput, HeadOutput, HeadProvider } from '../contracts/head.ts';
import type { ModelPreset } from '../contracts/model.ts';
import { DATASETS, ENCODERS, HEADS, MODEL_PROVIDERS } from '../di/tokens.ts';
import type { Plugin } from '../plugin.ts';

/** Reads a positive integer option, or throws naming the provider, the field and the value. */
function positiveInt(owner: string, config: Readonly<Record<string, unknown>>, field: string, fallback?: number): number {
  const value = config[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${owner}: ${field} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `features` [B, F] → relu(Linear) → states [B, 1, D]: one token per example. */
export class ToyVectorEncoder extends Module implements Encoder {
  /** Always the vision stream (the toy preset names it so). */
  readonly modality = 'vision';
  /** The batch field it reads. */
  readonly inputs = ['features'] as const;
  /** [F] → [D] */
  readonly proj: Linear;

  constructor(
    /** F, the width of `features`. */
    readonly inputDim: number,
    /** D, the width of the states. */
    readonly dim: number,
  ) {
    super();
    this.proj = new Linear(inputDim, dim);
  }

  /** [B, F] → [B, 1, D] */
  forward(batch: Batch): EncoderOutput {
    const features = batch['features'];
    if (!features) throw new Error(`toy-vectors: the batch has no 'features' field (fields: ${Object.keys(batch).join(', ')})`);
    return { states: this.proj.forward(features).relu().unsqueeze(1) };
  }
}

/** Mean of the first stream's states (or the pooled vector) → Linear → class logits; cross-entropy on `label`. */
export class ToyClassificationHead extends Module implements Head {
  /** The batch field holding int32 class indices. */
  readonly targets = ['label'] as const;
  /** [D] → [C] */
  readonly fc: Linear;

  constructor(
    /** D, the width of the states it reads. */
    readonly dim: number,
    /** C, the number of classes. */
    readonly numClasses: number,
  ) {
    super();
    this.fc = new Linear(dim, numClasses);
  }

  /** Logits [B, C]; the loss when the batch has `label`. */
  forward(input: HeadInput, batch: Batch): HeadOutput {
    const first = Object.values(input.streams)[0];
    const pooled = input.pooled ?? first?.states.mean(1); // [B, N, D] → [B, D]
    if (!pooled) throw new Error('toy-classification: the input has no streams and no pooled vector');
    const logits = this.fc.forward(pooled);
    const label: Tensor | undefined = batch['label'];
    return label ? { logits, loss: crossEntropy(logits, label) } : { logits };
  }
}

/** Gaussian blobs: class c centred at radius 3, angle 2πc/C in the first two dims; σ = 0.5. */
export class ToyBlobs implements Dataset {
  /** Number of examples. */
  readonly size: number;
  /** Classes and fields. */
  readonly info: DatasetInfo;
  readonly #examples: Example[];

  constructor(options: { size: number; numClasses: number; inputDim: number; seed: number }) {
    const { size, numClasses, inputDim, seed } = options;
    this.size = size;
    this.info = {
      numClasses,
      classNames: Array.from({ length: numClasses }, (_, c) => `blob-${c}`),
      fields: { features: [inputDim], label: [] },
    };
    const rng = new Generator(seed);
    this.#examples = Array.from({ length: size }, (_, i) => {
      const label = i % numClasses;
      const angle = (2 * Math.PI * label) / numClasses;
      const data = new Float32Array(inputDim);
      for (let f = 0; f < inputDim; f++) {
        const centre = f === 0 ? 3 * Math.cos(angle) : f === 1 ? 3 * Math.sin(angle) : 0;
        data[f] = centre + 0.5 * rng.normal();
      }
      return { features: { data, shape: [inputDim] }, label };
    });
  }

  /** Example `index`: `{ features: [inputDim] float32, label: int }`. */
  get(index: number): Example {
    const example = this.#examples[index];
    if (!example) throw new RangeError(`toy-blobs: index ${index} is outside [0, ${this.size})`);
    return example;
  }
}

/** Encoder `toy-vectors`, config `{ inputDim, dim }`. */
export const toyVectorsEncoder: EncoderProvider = {
  name: 'toy-vectors',
  description: 'Test encoder: features [B, F] → Linear + ReLU → states [B, 1, D]',
  create: (config) => new ToyVectorEncoder(positiveInt('toy-vectors', config, 'inputDim'), positiveInt('toy-vectors', config, 'dim')),
};

/** Head `toy-classification`, config `{ dim, numClasses }`. */
export const toyClassificationHead: HeadProvider = {
  name: 'toy-classification',
  description: 'Test head: mean of the states → Linear → logits; cross-entropy on `label`',
  create: (config) =>
    new ToyClassificationHead(positiveInt('toy-classification', config, 'dim'), positiveInt('toy-classification', config, 'numClasses')),
};

/** Seed offset of the test split, so train and test examples differ. */
const TEST_SPLIT_SEED_OFFSET = 0x9e37;

/** Dataset `toy-blobs`, config `{ size = 256, numClasses = 3, inputDim = 2, split = 'train' | 'test', seed = context seed, limit? }`. */
export const toyBlobsDataset: DatasetProvider = {
  name: 'toy-blobs',
  description: 'Test dataset: Gaussian blobs with `features` and `label`, deterministic by seed',
  create: (config: DatasetConfig, context) => {
    const split = config.split ?? 'train';
    if (split !== 'train' && split !== 'test') throw new RangeError(`toy-blobs: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
    const seed = config['seed'] ?? context.seed;
    if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new RangeError(`toy-blobs: seed must be an integer, got ${JSON.stringify(seed)}`);
    const full = positiveInt('toy-blobs', config, 'size', 256);
    const size = config.limit === undefined ? full : Math.min(full, positiveInt('toy-blobs', config, 'limit'));
    return new ToyBlobs({
      size,
      numClasses: positiveInt('toy-blobs', config, 'numClasses', 3),
      inputDim: positiveInt('toy-blobs', config, 'inputDim', 2),
      seed: split === 'train' ? seed : seed + TEST_SPLIT_SEED_OFFSET,
    });
  },
};

/** Preset `toy-mlp`: vision toy-vectors {inputDim 2, dim 16} → toy-classification {dim 16, numClasses 3}. */
export const toyMlpPreset: ModelPreset = {
  name: 'toy-mlp',
  description: 'Test model: a two-layer MLP on toy-blobs',
  config: {
    encoders: { vision: { name: 'toy-vectors', inputDim: 2, dim: 16 } },
    head: { name: 'toy-classification', dim: 16, numClasses: 3 },
  },
};

/** The toy providers as one plugin (`@crossmodal/core/testing`). */
export const toyPlugin: Plugin = {
  name: '@crossmodal/core/testing',
  version: '0.1.0',
  register(container) {
    container.register(ENCODERS, { useValue: toyVectorsEncoder });
    container.register(HEADS, { useValue: toyClassificationHead });
    container.register(DATASETS, { useValue: toyBlobsDataset });
    container.register(MODEL_PROVIDERS, { useValue: toyMlpPreset });
  },
};
