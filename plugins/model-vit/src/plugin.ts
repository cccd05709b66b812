// The model-vit plugin: the only file that touches the container.
import { ENCODERS, MODEL_PROVIDERS, WEIGHT_IMPORTERS, type Plugin } from '@crossmodal/core';
import type { DependencyContainer } from 'tsyringe';
import { vitWeightImporter } from './importer.ts';
import { vitPresets } from './variants.ts';
import { vitEncoderProvider } from './vit-encoder.ts';

/** This package's version (kept equal to package.json's by plugin.spec.ts). */
export const VERSION = '0.1.0';

/**
 * Registers the encoder `vit`, the presets `vit-tiny`, `vit-t16-224` … `vit-l32-384`, and the weight
 * importer `vit` (timm and Hugging Face checkpoints, for `crossmodal import`).
 */
export const vitModelPlugin: Plugin = {
  name: '@crossmodal/model-vit',
  version: VERSION,
  register(container: DependencyContainer): void {
    container.register(ENCODERS, { useValue: vitEncoderProvider });
    for (const preset of vitPresets) container.register(MODEL_PROVIDERS, { useValue: preset });
    container.register(WEIGHT_IMPORTERS, { useValue: vitWeightImporter });
  },
};
