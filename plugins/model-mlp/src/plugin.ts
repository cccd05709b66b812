// The model-mlp plugin: the only file that touches the container.
import { ENCODERS, MODEL_PROVIDERS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { mlpEncoderProvider } from './mlp-encoder.ts';
import { mlpPresets } from './presets.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/** Registers the encoder `mlp` and the preset `mlp-spirals`. */
export const mlpModelPlugin: Plugin = {
  name: '@crossmodal/model-mlp',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(ENCODERS, { useValue: mlpEncoderProvider });
    for (const preset of mlpPresets) container.register(MODEL_PROVIDERS, { useValue: preset });
  },
};
