// Poolers by name: what a VL head's `pooling` option picks, each a Module from a head's input to
// [B, outDim], with the options it reads checked here (an option a pooling does not read is an error).
import { firstToken, maskedMean, pickStream, type HeadInput, type OptionReader, type RawOptions } from '@crossmodal/core';
import { Module } from '@crossmodal/nn';
import { fmt, ShapeError, type Tensor } from '@crossmodal/tensor';
import { AttFlat, DensePooler, McanLayerNorm } from './pooling.ts';

/**
 * `pooled`: the model's pooled vector; `first`: a stream's first position; `mean`: a stream's
 * masked mean; `cls-tanh`: LXMERT's pooled cross output (the first position → Linear → tanh, on
 * the text stream of the cross-modal output); `product`: ViLBERT's product of the pooled text and
 * pooled image (each first position → Linear → ReLU); `att-flat`: MCAN's AttFlat on a stream;
 * `att-flat-sum`: MCAN's fusion (AttFlat(text) + AttFlat(vision) → MCAN's LayerNorm).
 */
export type PoolingName = 'pooled' | 'first' | 'mean' | 'cls-tanh' | 'product' | 'att-flat' | 'att-flat-sum';

/** Every pooling name, in the order errors list them. */
export const POOLINGS: readonly PoolingName[] = ['pooled', 'first', 'mean', 'cls-tanh', 'product', 'att-flat', 'att-flat-sum'];

/** The options the poolings read (a head accepts these besides its own). */
export const POOLING_OPTIONS = [
  'pooling', 'stream', 'textStream', 'visionStream', 'textDim', 'visionDim', 'pooledDim',
  'productActivation', 'flatMlpDim', 'glimpses', 'flatDropout',
] as const;

// Which options each pooling reads (besides `pooling`): a given option outside its row is a mistake.
const READS: Readonly<Record<PoolingName, readonly string[]>> = {
  pooled: [],
  first: ['stream'],
  mean: ['stream'],
  'cls-tanh': ['stream', 'pooledDim'],
  product: ['textStream', 'visionStream', 'textDim', 'visionDim', 'pooledDim', 'productActivation'],
  'att-flat': ['stream', 'pooledDim', 'flatMlpDim', 'glimpses', 'flatDropout'],
  'att-flat-sum': ['textStream', 'visionStream', 'textDim', 'visionDim', 'pooledDim', 'flatMlpDim', 'glimpses', 'flatDropout'],
};

/** A module that pools a head's input to one vector per example. */
export interface Pooler extends Module {
  /** Which pooling it is. */
  readonly kind: PoolingName;
  /** The width of what it returns. */
  readonly outDim: number;
  /** [B, outDim] */
  forward(input: HeadInput): Tensor;
}

/** `pooled`: the model's own pooled vector, checked to be [B, dim]. */
export class ModelPooled extends Module implements Pooler {
  readonly kind = 'pooled';
  constructor(readonly owner: string, readonly outDim: number) {
    super();
  }
  forward(input: HeadInput): Tensor {
    const { pooled } = input;
    if (!pooled) throw new Error(`${this.owner}: pooling 'pooled' needs the model's pooled vector, but it gave none; pick another pooling (${POOLINGS.slice(1).join(', ')})`);
    if (pooled.rank !== 2 || pooled.shape[1] !== this.outDim) throw new ShapeError(`${this.owner}: pooled vector must be [B, ${this.outDim}] (dim), got ${fmt(pooled.shape)}`);
    return pooled;
  }
}

/** `first` and `mean`: parameter-free pooling of one stream. */
export class StreamPooler extends Module implements Pooler {
  constructor(readonly owner: string, readonly kind: 'first' | 'mean', readonly outDim: number, readonly stream: string | undefined) {
    super();
  }
  forward(input: HeadInput): Tensor {
    const { states, mask } = pickStream(this.owner, input, this.stream, this.outDim);
    return this.kind === 'first' ? firstToken(states) : maskedMean(states, mask);
  }
}

/** `cls-tanh`: LXMERT's (BERT's) pooler on one stream. */
export class ClsTanhPooler extends Module implements Pooler {
  readonly kind = 'cls-tanh';
  readonly pooler: DensePooler;
  constructor(readonly owner: string, readonly dim: number, readonly outDim: number, readonly stream: string | undefined) {
    super();
    this.pooler = new DensePooler(dim, outDim, 'tanh');
  }
  forward(input: HeadInput): Tensor {
    return this.pooler.forward(pickStream(this.owner, input, this.stream, this.dim).states);
  }
}

/** The two streams a two-stream pooling reads, and their widths. */
export interface TwoStreams {
  readonly textStream: string;
  readonly visionStream: string;
  readonly textDim: number;
  readonly visionDim: number;
}

/** `product`: ViLBERT's `pooled_output_t * pooled_output_v` (its `fusion_method` 'mul'). */
export class ProductPooler extends Module implements Pooler {
  readonly kind = 'product';
  /** BertTextPooler */
  readonly text: DensePooler;
  /** BertImagePooler */
  readonly vision: DensePooler;
  constructor(readonly owner: string, readonly streams: TwoStreams, readonly outDim: number, activation: 'relu' | 'tanh') {
    super();
    this.text = new DensePooler(streams.textDim, outDim, activation);
    this.vision = new DensePooler(streams.visionDim, outDim, activation);
  }
  forward(input: HeadInput): Tensor {
    const { textStream, visionStream, textDim, visionDim } = this.streams;
    const t = this.text.forward(pickStream(this.owner, input, textStream, textDim).states); // [B, outDim]
    return t.mul(this.vision.forward(pickStream(this.owner, input, visionStream, visionDim).states));
  }
}

/** `att-flat`: MCAN's AttFlat on one stream, mask-aware. */
export class AttFlatPooler extends Module implements Pooler {
  readonly kind = 'att-flat';
  readonly flat: AttFlat;
  constructor(readonly owner: string, dim: number, readonly outDim: number, readonly stream: string | undefined, mlpDim: number, glimpses: number, dropout: number) {
    super();
    this.flat = new AttFlat(dim, mlpDim, glimpses, outDim, dropout);
  }
  forward(input: HeadInput): Tensor {
    const { states, mask } = pickStream(this.owner, input, this.stream, this.flat.dim);
    return this.flat.forward(states, mask);
  }
}

/** `att-flat-sum`: MCAN's head input, LayerNorm(AttFlat(text) + AttFlat(vision)) (MCAN's `proj_norm`). */
export class AttFlatSumPooler extends Module implements Pooler {
  readonly kind = 'att-flat-sum';
  /** MCAN's attflat_lang */
  readonly text: AttFlat;
  /** MCAN's attflat_img */
  readonly vision: AttFlat;
  /** MCAN's proj_norm */
  readonly norm: McanLayerNorm;
  constructor(readonly owner: string, readonly streams: TwoStreams, readonly outDim: number, mlpDim: number, glimpses: number, dropout: number) {
    super();
    this.text = new AttFlat(streams.textDim, mlpDim, glimpses, outDim, dropout);
    this.vision = new AttFlat(streams.visionDim, mlpDim, glimpses, outDim, dropout);
    this.norm = new McanLayerNorm(outDim);
  }
  forward(input: HeadInput): Tensor {
    const t = pickStream(this.owner, input, this.streams.textStream, this.streams.textDim);
    const v = pickStream(this.owner, input, this.streams.visionStream, this.streams.visionDim);
    return this.norm.forward(this.text.forward(t.states, t.mask).add(this.vision.forward(v.states, v.mask)));
  }
}

/**
 * Builds the pooler a head's config asks for. `dim` is the width of the streams (`textDim` and
 * `visionDim` default to it); projecting poolings return `pooledDim` (default `dim`).
 * @example
 * const o = readOptions('vqa', config, ['dim', ...POOLING_OPTIONS]);
 * const pooler = createPooler('vqa', config, o, o.int('dim', undefined, 1));
 */
export function createPooler(owner: string, config: RawOptions, o: OptionReader, dim: number, fallback: PoolingName = 'pooled'): Pooler {
  const kind = o.oneOf('pooling', fallback, POOLINGS);
  const unused = POOLING_OPTIONS.filter((k) => k !== 'pooling' && config[k] !== undefined && !READS[kind].includes(k));
  if (unused.length > 0) {
    throw new RangeError(`${owner}: option${unused.length > 1 ? 's' : ''} ${unused.map((k) => `'${k}'`).join(', ')} do${unused.length > 1 ? '' : 'es'} not apply to pooling '${kind}' (it reads: ${READS[kind].join(', ') || 'nothing'})`);
  }
  const stream = o.string('stream', undefined);
  const outDim = o.int('pooledDim', dim, 1);
  const two = (): TwoStreams => ({
    textStream: o.string('textStream', 'text'),
    visionStream: o.string('visionStream', 'vision'),
    textDim: o.int('textDim', dim, 1),
    visionDim: o.int('visionDim', dim, 1),
  });
  const flat = (): [number, number, number] => [o.int('flatMlpDim', dim, 1), o.int('glimpses', 1, 1), o.number('flatDropout', 0, 0, 0.999)];
  switch (kind) {
    case 'pooled':
      return new ModelPooled(owner, dim);
    case 'first':
    case 'mean':
      return new StreamPooler(owner, kind, dim, stream);
    case 'cls-tanh':
      return new ClsTanhPooler(owner, dim, outDim, stream);
    case 'product':
      return new ProductPooler(owner, two(), outDim, o.oneOf('productActivation', 'relu', ['relu', 'tanh']));
    case 'att-flat':
      return new AttFlatPooler(owner, dim, outDim, stream, ...flat());
    case 'att-flat-sum':
      return new AttFlatSumPooler(owner, two(), outDim, ...flat());
  }
}
