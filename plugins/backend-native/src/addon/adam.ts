// The addon functions of the adam family (the fused Adam/AdamW step).

/** Functions the adam family adds to the addon. */
export interface AdamAddon {
  /**
   * One AdamStep over equal-size arrays, writing the new parameter and moments (and the running max
   * of the second moment when `maxExpAvgSq1` is given). `scalars` is [1 − lr·wd, wd, 1 − β1, β2,
   * 1 − β2, √(1 − β2^t), eps, lr/(1 − β1^t)] in double (the addon rounds each to float32 once).
   */
  adamStep(
    param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, maxExpAvgSq: Float32Array | null,
    out: Float32Array, expAvg1: Float32Array, expAvgSq1: Float32Array, maxExpAvgSq1: Float32Array | null,
    scalars: Float64Array, decoupled: boolean, maximize: boolean,
  ): void;
}

/** Their names (checked at load so a stale build is named). */
export const ADAM_EXPORTS: readonly (keyof AdamAddon)[] = ['adamStep'];
