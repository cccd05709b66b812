// The addon functions of the layernorm family (LayerNorm and LayerNormGrad) over [rows, d], the
// normalised axis last. Optional tensors (weight, bias, unwanted gradients) are passed as null.

/** Functions the layernorm family adds to the addon. */
export interface LayerNormAddon {
  /** out = (x − mean)·rstd·weight + bias per row, with the row mean and rstd = 1/√(var + eps). */
  layerNorm(x: Float32Array, weight: Float32Array | null, bias: Float32Array | null, out: Float32Array, mean: Float32Array, rstd: Float32Array, rows: number, d: number, eps: number): void;
  /** The backward: dx per row, dweight = Σ dy·x̂ and dbias = Σ dy over rows; each only when given an output. */
  layerNormGrad(
    dy: Float32Array, x: Float32Array, mean: Float32Array, rstd: Float32Array, weight: Float32Array | null,
    dx: Float32Array | null, dweight: Float32Array | null, dbias: Float32Array | null, rows: number, d: number,
  ): void;
}

/** Their names (checked at load so a stale build is named). */
export const LAYERNORM_EXPORTS: readonly (keyof LayerNormAddon)[] = ['layerNorm', 'layerNormGrad'];
