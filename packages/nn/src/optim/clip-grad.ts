// Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_, except that a non-finite
// norm throws by default: a NaN gradient should stop training loudly, not poison the weights.
import { keep, noGrad, tidy, type Tensor } from '@crossmodal/tensor';

/** Options of `clipGradNorm`. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or ±Infinity (default true). */
  errorIfNonfinite?: boolean;
}

/** The total norm as a scalar tensor, on the gradients' backend: (Σ ‖g‖ₚᵖ)^(1/p), or max |g|. */
function totalNorm(grads: readonly Tensor[], p: number): Tensor {
  let acc: Tensor | undefined;
  for (const g of grads) {
    const part = p === Infinity ? g.abs().max() : g.abs().pow(p).sum();
    acc = acc ? (p === Infinity ? acc.maximum(part) : acc.add(part)) : part;
  }
  return p === Infinity ? acc! : acc!.pow(1 / p);
}

function gradsOf(what: string, params: readonly Tensor[], maxNorm: number, normType: number): Tensor[] {
  // NaN would never clip and a negative limit would flip every gradient's sign.
  if (!(typeof maxNorm === 'number' && Number.isFinite(maxNorm) && maxNorm >= 0)) {
    throw new RangeError(`${what}: maxNorm must be a finite number >= 0, got ${String(maxNorm)}`);
  }
  if (!(normType === Infinity || normType > 0)) throw new RangeError(`${what}: normType must be > 0 or Infinity, got ${normType}`);
  return params.flatMap((p) => (p.grad ? [p.grad] : []));
}

function checkFinite(what: string, norm: number, normType: number, errorIfNonfinite: boolean): void {
  if (errorIfNonfinite && !Number.isFinite(norm)) {
    throw new Error(
      `${what}: the total ${normType}-norm of the gradients is ${norm}; a gradient holds NaN or Infinity ` +
        '(pass { errorIfNonfinite: false } to clip anyway)',
    );
  }
}

/** Scales every gradient by maxNorm / (norm + 1e-6) when that is below 1 (torch's rule). */
function scaleGrads(params: readonly Tensor[], maxNorm: number, norm: number): void {
  const coef = maxNorm / (norm + 1e-6);
  if (!(coef < 1)) return;
  noGrad(() => {
    for (const p of params) {
      if (!p.grad) continue;
      const scaled = keep(tidy(() => p.grad!.mul(coef)));
      p.grad.dispose();
      p.grad = scaled;
    }
  });
}

/**
 * Rescales the gradients of `params` in place so their global `normType`-norm (2, 1, or Infinity
 * for max |g|) is at most `maxNorm`, and returns the norm before clipping. Reads the norm synchronously (host backends: the CPU oracle,
 * the native backend); use `clipGradNormAsync` on WebGPU. Throws on a NaN/Infinity norm unless
 * `{ errorIfNonfinite: false }`.
 * @example
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number, normType = 2, { errorIfNonfinite = true }: ClipGradNormOptions = {}): number {
  const grads = gradsOf('clipGradNorm', params, maxNorm, normType);
  if (grads.length === 0) return 0;
  const norm = noGrad(() => tidy(() => totalNorm(grads, normType).item()));
  checkFinite('clipGradNorm', norm, normType, errorIfNonfinite);
  scaleGrads(params, maxNorm, norm);
  return norm;
}

/** `clipGradNorm` for backends whose data must be read asynchronously (WebGPU). */
export async function clipGradNormAsync(
  params: readonly Tensor[],
  maxNorm: number,
  normType = 2,
  { errorIfNonfinite = true }: ClipGradNormOptions = {},
): Promise<number> {
  const grads = gradsOf('clipGradNormAsync', params, maxNorm, normType);
  if (grads.length === 0) return 0;
  const normT = noGrad(() => tidy(() => totalNorm(grads, normType)));
  let norm: number;
  try {
    norm = (await normT.data())[0]!;
  } finally {
    normT.dispose();
  }
  checkFinite('clipGradNormAsync', norm, normType, errorIfNonfinite);
  scaleGrads(params, maxNorm, norm);
  return norm;
}
