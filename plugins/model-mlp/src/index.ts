// @crossmodal/model-mlp: the mlp encoder for feature vectors and the mlp-spirals preset.
export { mlpModelPlugin } from './plugin.ts';
export { MlpEncoder, mlpEncoderProvider, type MlpEncoderConfig } from './mlp-encoder.ts';
export { mlpPresets, mlpSpiralsPreset } from './presets.ts';
