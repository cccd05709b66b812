// The addon functions of the softmax family (Softmax, LogSoftmax and SoftmaxGrad). The tensor is
// viewed as [outer, len, inner] with the op's axis in the middle.

/** Functions the softmax family adds to the addon. */
export interface SoftmaxAddon {
  /** out = softmax(x) (or log-softmax when `log`) along the middle axis of [outer, len, inner]. */
  softmax(x: Float32Array, out: Float32Array, outer: number, len: number, inner: number, log: boolean): void;
  /** dx = y·(dy − Σ dy·y) along the middle axis of [outer, len, inner]. */
  softmaxGrad(y: Float32Array, dy: Float32Array, dx: Float32Array, outer: number, len: number, inner: number): void;
}

/** Their names (checked at load so a stale build is named). */
export const SOFTMAX_EXPORTS: readonly (keyof SoftmaxAddon)[] = ['softmax', 'softmaxGrad'];
