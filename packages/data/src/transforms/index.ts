// Image transforms (torchvision's names and semantics) on host [C, H, W] float32 images, seeded.
export {
  checkImage, exampleGenerator, ExampleGenerators, randomInt, toGenerator, uniformIn,
  type ImageTensor, type RandomSource,
} from './image.ts';
export { crop, hflip, normalize, pad, resize, PADDING_MODES, type PaddingMode } from './functional.ts';
export {
  CenterCrop, Compose, Normalize, NORMALIZE_PRESETS, RandomCrop, RandomHorizontalFlip, RandomResizedCrop, Resize,
  randomResizedCropBox, roundHalfEven,
  type ChannelStats, type ImageTransform, type NormalizePreset, type RandomCropOptions, type RandomResizedCropOptions, type Size,
} from './transforms.ts';
export { RandomErasing, type ErasingValue } from './erasing.ts';
export {
  composeFromSpecs, datasetTransforms, normalizeOption, splitUserTransforms, transformFromSpec, TRANSFORM_NAMES, type TransformSpec,
} from './from-config.ts';
