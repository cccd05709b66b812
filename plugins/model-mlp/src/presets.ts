// Model presets of this plugin: named configs, as data (STYLE pattern 5).
import type { ModelPreset } from '@crossmodal/core';

/** `mlp-spirals`: vision mlp {inputDim 2, dim 64, depth 2} → classification {dim 64, numClasses 3}. */
export const mlpSpiralsPreset: ModelPreset = {
  name: 'mlp-spirals',
  description: 'MLP classifier for 3-arm spirals: mlp encoder (2 → 64, depth 2) + classification head (3 classes)',
  config: {
    encoders: { vision: { name: 'mlp', inputDim: 2, dim: 64, depth: 2 } },
    head: { name: 'classification', dim: 64, numClasses: 3 },
  },
};

/** Every preset this plugin registers. */
export const mlpPresets: readonly ModelPreset[] = [mlpSpiralsPreset];
