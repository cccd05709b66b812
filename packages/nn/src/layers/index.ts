// The shared layers (timm's layers/): what encoders, fusion modules and heads are built from.
export { Linear, type LinearOptions } from './linear.ts';
export { LayerNorm, type LayerNormOptions } from './layer-norm.ts';
export { Embedding, type EmbeddingOptions } from './embedding.ts';
export { Dropout } from './dropout.ts';
export { DropPath } from './drop-path.ts';
export { activationFn, type Activation } from './activation.ts';
export { MLP, type MLPOptions } from './mlp.ts';
export {
  MultiHeadAttention,
  type AttentionInputs,
  type AttentionOutput,
  type MultiHeadAttentionConfig,
} from './multi-head-attention.ts';
export { fromTimmAttention, fromTorchMultiheadAttention, splitQkv, toTorchMultiheadAttention } from './attention-mapping.ts';
export {
  TransformerLayer,
  type TransformerLayerConfig,
  type TransformerLayerInputs,
  type TransformerLayerOutput,
} from './transformer-layer.ts';
