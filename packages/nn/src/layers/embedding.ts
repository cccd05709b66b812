// Embedding: a lookup table of vectors indexed by int32 ids (torch.nn.Embedding's `weight`).
import { equal, fmt, gather, mul, noGrad, reshape, tensor, tidy, where, zeros, type Tensor } from '@crossmodal/tensor';
import { Module } from '../module.ts';
import { Parameter } from '../parameter.ts';
import { normal_ } from '../init.ts';

/** Options of `Embedding`. */
export interface EmbeddingOptions {
  /** An id whose row starts at zero and gets no gradient (a padding token), as PyTorch. */
  paddingIdx?: number;
}

/**
 * Maps int32 ids `[...]` to rows of `weight [num, dim]`: `[...] → [..., dim]`. Initialised
 * N(0, 1) as PyTorch (models re-initialise with their own scheme).
 * @example
 * new Embedding(100, 16).forward(tensor([[1, 2, 3]], undefined, { dtype: 'int32' }));   // [1, 3, 16]
 */
export class Embedding extends Module {
  /** [num, dim] */
  readonly weight: Parameter;
  /** The padding id (non-negative), if any. */
  readonly paddingIdx: number | undefined;

  constructor(
    /** Table size (vocabulary). */
    readonly numEmbeddings: number,
    /** Vector width. */
    readonly embeddingDim: number,
    { paddingIdx }: EmbeddingOptions = {},
  ) {
    super();
    if (!(Number.isInteger(numEmbeddings) && numEmbeddings > 0 && Number.isInteger(embeddingDim) && embeddingDim > 0)) {
      throw new RangeError(`Embedding: sizes must be positive integers, got num=${numEmbeddings} dim=${embeddingDim}`);
    }
    if (paddingIdx !== undefined && !(Number.isInteger(paddingIdx) && paddingIdx >= -numEmbeddings && paddingIdx < numEmbeddings)) {
      throw new RangeError(`Embedding: paddingIdx ${paddingIdx} is outside [${-numEmbeddings}, ${numEmbeddings})`);
    }
    this.paddingIdx = paddingIdx === undefined || paddingIdx >= 0 ? paddingIdx : paddingIdx + numEmbeddings;
    this.weight = new Parameter(normal_(zeros([numEmbeddings, embeddingDim])));
    if (this.paddingIdx !== undefined) zeroRow(this.weight, this.paddingIdx);
  }

  /** ids [...] int32 → [..., dim] */
  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32') throw new TypeError(`Embedding: ids must be int32, got ${ids.dtype} ${fmt(ids.shape)}`);
    const rows = gather(this.weight, reshape(ids, [ids.size]), 0); // [N, dim]
    const out = reshape(rows, [...ids.shape, this.embeddingDim]); // [..., dim]
    if (this.paddingIdx === undefined) return out;
    // Padding positions read the row but send no gradient to it (a detached handle there).
    const isPad = reshape(equal(ids, this.paddingIdx), [...ids.shape, 1]); // [..., 1]
    return where(isPad, out.detach(), out);
  }
}

/** Sets row `row` of `w [num, dim]` to zero in place (through `assign`, on w's backend). */
function zeroRow(w: Parameter, row: number): void {
  noGrad(() =>
    tidy(() => {
      const keepRows = tensor(Array.from({ length: w.shape[0]! }, (_, i) => (i === row ? 0 : 1)), [w.shape[0]!, 1], { backend: w.backend });
      w.assign(mul(w, keepRows));
    }),
  );
}
