// The addon functions of the reduce family (Sum, Max, Min, ArgMax, ArgMin).

/** Functions the reduce family adds to the addon. */
export interface ReduceAddon {
  /**
   * reduce(x, out, shape, axes, kind): out = x reduced over `axes` (sorted, distinct) of `shape`;
   * kind 0 = sum (float in double, int32 wrapping), 1 = max, 2 = min (NaN propagates). x and out share a dtype.
   */
  reduce(x: Float32Array | Int32Array, out: Float32Array | Int32Array, shape: Int32Array, axes: Int32Array, kind: 0 | 1 | 2): void;
  /** argReduce(x, out, outer, n, inner, isMax): x as [outer, n, inner]; out[p, i] = first index of the extreme (NaN counts as it). */
  argReduce(x: Float32Array | Int32Array, out: Int32Array, outer: number, n: number, inner: number, isMax: boolean): void;
}

/** Their names (checked at load so a stale build is named). */
export const REDUCE_EXPORTS: readonly (keyof ReduceAddon)[] = ['reduce', 'argReduce'];
