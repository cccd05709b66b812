// The losses live in @crossmodal/tensor (composites of ops); nn re-exports them so model code
// imports layers, optimizers and losses from one place, and adds timm's soft-target name on top.
import { crossEntropy, fmt, ShapeError, type Reduction, type Tensor } from '@crossmodal/tensor';

export {
  binaryCrossEntropyWithLogits,
  crossEntropy,
  mseLoss,
  type BceWithLogitsOptions,
  type CrossEntropyOptions,
  type Reduction,
} from '@crossmodal/tensor';

/**
 * timm's `SoftTargetCrossEntropy`: −Σ_c t_c·log softmax(logits)_c per sample, averaged over the
 * batch ('mean'), for probability targets such as Mixup/CutMix's. It is `crossEntropy` with float
 * targets (torch's `F.cross_entropy` with probabilities) and no smoothing, since Mixup folds the
 * smoothing into the targets; unlike `crossEntropy`, int32 class indices are an error, not a
 * silent switch to the hard-label loss.
 * @example
 * const loss = softTargetCrossEntropy(logits, batch['labelSoft']!); // logits [B, C], float32 [B, C]
 */
export function softTargetCrossEntropy(logits: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  if (target.dtype !== 'float32' || fmt(target.shape) !== fmt(logits.shape)) {
    throw new ShapeError(`softTargetCrossEntropy: target must be float32 probabilities ${fmt(logits.shape)} (the logits' shape), got ${target.dtype} ${fmt(target.shape)}`);
  }
  return crossEntropy(logits, target, { reduction });
}
