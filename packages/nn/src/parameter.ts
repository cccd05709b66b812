// Parameter: a trainable leaf tensor that a Module owns for its whole life (never freed by tidy).
import { keep, Tensor } from '@crossmodal/tensor';

/** Options of `new Parameter`. */
export interface ParameterOptions {
  /** Whether optimizers update it and gradients flow to it (default true). */
  requiresGrad?: boolean;
}

/**
 * A trainable tensor: a leaf with `requiresGrad` set, taken out of every `tidy` scope so a
 * training step never frees it. It takes over the storage of `value` and disposes that handle,
 * so `new Parameter(randn([4, 3]))` leaves nothing behind; the data is shared, not copied.
 * Optimizers and `loadStateDict` replace its data with `assign`, so every reference to the
 * parameter (modules, optimizer state keyed by it) stays valid.
 * @example
 * const w = new Parameter(zeros([4, 3]));   // w.requiresGrad === true
 */
export class Parameter extends Tensor {
  constructor(value: Tensor, { requiresGrad = true }: ParameterOptions = {}) {
    if (value.dtype !== 'float32') {
      throw new TypeError(`Parameter: expected a float32 tensor, got ${value.dtype} ${value}`);
    }
    if (value instanceof Parameter) {
      throw new TypeError(`Parameter: ${value} is already a Parameter; share that object to tie weights instead of wrapping it`);
    }
    super(value);
    // NOTE: the source handle is ours to consume: the storage lives on through `super(value)`.
    value.dispose();
    this.requiresGrad = requiresGrad;
    keep(this);
  }
}
