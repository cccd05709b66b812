// The addon functions of the layout family (Permute, Expand, Slice, Pad, Concat).

/** Functions the layout family adds to the addon. */
export interface LayoutAddon {
  /**
   * copyStrided(src, dst, shape, srcStrides, dstStrides, srcOffset, dstOffset, op): for every coordinate c of
   * the box `shape`, dst[dstOffset + Σ c·dstStrides] = src[srcOffset + Σ c·srcStrides], as 4-byte words
   * (strides ≥ 0; 0 broadcasts). src and dst share a dtype; `op` names the caller in errors.
   */
  copyStrided(
    src: Float32Array | Int32Array, dst: Float32Array | Int32Array, shape: Int32Array, srcStrides: Int32Array, dstStrides: Int32Array,
    srcOffset: number, dstOffset: number, op: string,
  ): void;
}

/** Their names (checked at load so a stale build is named). */
export const LAYOUT_EXPORTS: readonly (keyof LayoutAddon)[] = ['copyStrided'];
