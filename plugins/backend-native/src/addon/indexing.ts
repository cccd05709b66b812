// The addon functions of the indexing family (Gather, ScatterAdd, OneHot).

/** Functions the indexing family adds to the addon. */
export interface IndexingAddon {
  /**
   * gather(x, indices, out, outer, n, inner): x as [outer, n, inner], out as [outer, m, inner] with
   * out[p, j] = x[p, indices[j]]. Returns -1, or (writing nothing) the position of the first index outside [0, n).
   */
  gather(x: Float32Array | Int32Array, indices: Int32Array, out: Float32Array | Int32Array, outer: number, n: number, inner: number): number;
  /**
   * scatterAdd(base, indices, src, out, outer, n, inner): out = base, then out[p, indices[j]] += src[p, j]
   * (float sums in double, rounded once; int32 wraps). Returns -1, or (writing nothing) the first bad index position.
   */
  scatterAdd(
    base: Float32Array | Int32Array, indices: Int32Array, src: Float32Array | Int32Array, out: Float32Array | Int32Array,
    outer: number, n: number, inner: number,
  ): number;
  /** oneHot(indices, out, depth): out[j, k] = indices[j] === k ? 1 : 0 (indices outside [0, depth) give zero rows). */
  oneHot(indices: Int32Array, out: Float32Array, depth: number): void;
}

/** Their names (checked at load so a stale build is named). */
export const INDEXING_EXPORTS: readonly (keyof IndexingAddon)[] = ['gather', 'scatterAdd', 'oneHot'];
