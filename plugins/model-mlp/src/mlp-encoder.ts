// The `mlp` encoder: a feature vector per example through Linear + activation layers, returned as
// a one-token sequence so any head (or fusion module) reads it like any other stream.
import type { Batch, EncoderOutput, Encoder, EncoderProvider } from '@crossmodal/core';
import { activationFn, Dropout, Linear, Module, type Activation } from '@crossmodal/nn';
import { fmt, ShapeError, type Tensor } from '@crossmodal/tensor';
import { readOptions, type RawOptions } from '@crossmodal/core';

/** Options of the `mlp` encoder. */
export interface MlpEncoderConfig {
  /** F, the width of the input vectors. */
  readonly inputDim: number;
  /** D, the width of every hidden layer and of the states. */
  readonly dim: number;
  /** Number of Linear + activation layers (default 2). */
  readonly depth?: number;
  /** The batch field it reads (default `features`). */
  readonly field?: string;
  /** The stream it feeds (default `vision`). */
  readonly modality?: string;
  /** Activation after each layer (default `gelu`). */
  readonly activation?: Activation;
  /** Dropout after each activation (default 0). */
  readonly dropout?: number;
}

const ACTIVATIONS: readonly Activation[] = ['gelu', 'gelu-tanh', 'relu'];

/**
 * `features` [B, F] → (Linear → activation → dropout) × depth → states [B, 1, D].
 * Layer 0 maps F → D, the others D → D; parameters are named `layers.<i>.weight|bias`.
 * @example
 * const enc = new MlpEncoder({ inputDim: 2, dim: 64, depth: 2 });
 * enc.forward({ features: randn([8, 2]) }).states;   // [8, 1, 64]
 */
export class MlpEncoder extends Module implements Encoder {
  readonly modality: string;
  readonly dim: number;
  readonly inputs: readonly string[];
  /** F, the input width. */
  readonly inputDim: number;
  /** The layers, first to last. */
  readonly layers: Linear[];
  /** Applied after each activation. */
  readonly drop: Dropout;
  readonly #act: (x: Tensor) => Tensor;

  /** Validates `config` (errors name the field, the value and what was expected). */
  constructor(config: MlpEncoderConfig | RawOptions) {
    super();
    const o = readOptions('mlp', { ...config }, ['inputDim', 'dim', 'depth', 'field', 'modality', 'activation', 'dropout']);
    this.inputDim = o.int('inputDim', undefined, 1);
    this.dim = o.int('dim', undefined, 1);
    const depth = o.int('depth', 2, 1);
    this.inputs = [o.string('field', 'features')];
    this.modality = o.string('modality', 'vision');
    this.#act = activationFn(o.oneOf('activation', 'gelu', ACTIVATIONS));
    this.drop = new Dropout(o.number('dropout', 0, 0, 0.999));
    this.layers = Array.from({ length: depth }, (_, i) => new Linear(i === 0 ? this.inputDim : this.dim, this.dim));
  }

  /** [B, F] → states [B, 1, D] (no mask: the one token is real). */
  forward(batch: Batch): EncoderOutput {
    const field = this.inputs[0]!;
    const x = batch[field];
    if (!x) throw new Error(`mlp: the batch has no '${field}' field (fields: ${Object.keys(batch).join(', ') || 'none'})`);
    if (x.rank !== 2 || x.shape[1] !== this.inputDim) {
      throw new ShapeError(`mlp: '${field}' must be [B, ${this.inputDim}], got ${fmt(x.shape)}`);
    }
    let h = x.dtype === 'float32' ? x : x.cast('float32'); // [B, F]
    for (const layer of this.layers) h = this.drop.forward(this.#act(layer.forward(h))); // [B, D]
    return { states: h.unsqueeze(1) }; // [B, 1, D]
  }
}

/** The `mlp` encoder provider. */
export const mlpEncoderProvider: EncoderProvider = {
  name: 'mlp',
  description: 'feature vectors [B, F] → Linear + GELU layers → states [B, 1, D]; config { inputDim, dim, depth }',
  create: (config: RawOptions) => new MlpEncoder(config),
};

