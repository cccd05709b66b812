// @crossmodal/model-vit: the Vision Transformer (https://arxiv.org/abs/2010.11929) — the `vit`
// encoder and presets for the runtime, a timm-named classifier, and weight conversion.
export { vitModelPlugin, VERSION } from './plugin.ts';
export {
  validateVitConfig, vitParameterCount, gridSize, VIT_DEFAULTS, VIT_CONFIG_FIELDS,
  type VitConfig, type ResolvedVitConfig, type VitPool,
} from './vit.config.ts';
export { PatchEmbed, PatchProjection, patchify, convToLinearWeight, linearToConvWeight } from './patch-embed.ts';
export { VitBlock, type VitBlockConfig } from './vit-block.ts';
export { VitBackbone, VisionTransformer, type VitFeatures, type VitForwardOptions } from './vision-transformer.ts';
export { VitEncoder, vitEncoderProvider, type VitEncoderConfig } from './vit-encoder.ts';
export { vitVariants, vitPresets, vitPreset, resolveVariant, type VitVariant } from './variants.ts';
export { resizePosEmbed, resampleMatrix, type PosEmbedInterpolation, type ResizePosEmbedOptions } from './pos-embed.ts';
export {
  fromHuggingFaceVit, toHuggingFaceVit, timmToComposed, isHuggingFaceVit, WeightMappingError, CHECKPOINT_LAYER_NORM_EPS,
  type StateDict, type KeyMapping, type ConvertedStateDict,
} from './weights.ts';
export { loadVitWeights, type LoadVitWeightsOptions, type LoadVitWeightsReport } from './pretrained.ts';
export { vitWeightImporter } from './importer.ts';
