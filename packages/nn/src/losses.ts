// The losses live in @crossmodal/tensor (composites of ops); nn re-exports them so model code
// imports layers, optimizers and losses from one place. Nothing here duplicates them.
export {
  binaryCrossEntropyWithLogits,
  crossEntropy,
  mseLoss,
  type BceWithLogitsOptions,
  type CrossEntropyOptions,
  type Reduction,
} from '@crossmodal/tensor';
