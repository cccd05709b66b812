// ViT variants as data (STYLE pattern 5): names encode the architecture, as timm's do —
// vit-<size><patch>-<image>: t/s/b/l = Ti/S/B/L of DeiT and the ViT paper, 16/32 the patch side.
import type { ModelPreset } from '@crossmodal/core';
import { validateVitConfig, type ResolvedVitConfig, type VitConfig } from './vit.config.ts';

const PAPER = 'https://arxiv.org/abs/2010.11929';

/** One variant: a registry name and the architecture fields it fixes (the rest: VIT_DEFAULTS). */
export interface VitVariant {
  /** Registry name (`vit-b16-224`). */
  readonly name: string;
  /** One line for `crossmodal list`. */
  readonly description: string;
  /** The fields this variant sets; `numClasses` goes to the head. */
  readonly arch: VitConfig;
}

// Widths, depths and heads from the paper's Table 1 (B, L) and DeiT's Table 1 (Ti, S).
const SIZES = {
  t: { label: 'Ti', dim: 192, depth: 12, heads: 3 },
  s: { label: 'S', dim: 384, depth: 12, heads: 6 },
  b: { label: 'B', dim: 768, depth: 12, heads: 12 },
  l: { label: 'L', dim: 1024, depth: 24, heads: 16 },
} as const;

const imagenet = (size: keyof typeof SIZES, patchSize: 16 | 32, imageSize: 224 | 384): VitVariant => {
  const { label, ...arch } = SIZES[size];
  return {
    name: `vit-${size}${patchSize}-${imageSize}`,
    description: `ViT-${label}/${patchSize} at ${imageSize}×${imageSize}, RGB, 1000 classes (D ${arch.dim}, depth ${arch.depth}, ${arch.heads} heads, MLP 4·D)`,
    arch: { ...arch, patchSize, imageSize, channels: 3, numClasses: 1000 },
  };
};

/**
 * Every variant this plugin registers: `vit-tiny` for 28×28 grey images (Fashion-MNIST; set
 * `imageSize: 32, channels: 3` for CIFAR), then Ti/16, S/16, B/16, B/32, L/16, L/32 at 224 and 384.
 */
export const vitVariants: readonly VitVariant[] = [
  {
    name: 'vit-tiny',
    description: 'small ViT for 28×28 grey images: patch 4 (7×7 = 49 patches), D 128, depth 6, 4 heads, MLP 256, drop path 0.1, 10 classes',
    arch: { dim: 128, depth: 6, heads: 4, mlpDim: 256, patchSize: 4, imageSize: 28, channels: 1, numClasses: 10, dropPath: 0.1 },
  },
  ...(['t', 's', 'b', 'l'] as const).flatMap((size) =>
    ([16, 32] as const)
      .filter((patch) => patch === 16 || size === 'b' || size === 'l') // timm ships no Ti/32 or S/32 in the paper's set
      .flatMap((patch) => ([224, 384] as const).map((image) => imagenet(size, patch, image))),
  ),
];

/** A variant's config with every field resolved (for parameter counts and checks). */
export const resolveVariant = (v: VitVariant): ResolvedVitConfig => validateVitConfig(v.arch, v.name);

/**
 * The composed-model preset of a variant: the `vit` encoder on the vision stream and the
 * `classification` head on its class token (`pooling: 'first'`).
 */
export function vitPreset(v: VitVariant): ModelPreset {
  const { numClasses } = resolveVariant(v); // validates the variant at load time
  // NOTE: only the variant's own fields go in, not the resolved defaults: a derived field such as
  // mlpDim (4·D) must follow a `dim` override instead of freezing the variant's value.
  const { numClasses: _numClasses, pool: _pool, ...encoder } = v.arch;
  return {
    name: v.name,
    description: v.description,
    paper: PAPER,
    config: {
      encoders: { vision: { name: 'vit', ...encoder } },
      head: { name: 'classification', dim: encoder.dim, numClasses, pooling: 'first' },
    },
    // The head reads the encoder's class token: it is as wide as the (possibly overridden) encoder.
    // The encoder sees the head's pooling, so that classToken false with pooling 'first' (which
    // would read a corner patch) is refused, naming both fields.
    links: { 'head.dim': 'encoders.vision.dim', 'encoders.vision.headPooling': 'head.pooling' },
  };
}

/** Every preset this plugin registers, one per variant. */
export const vitPresets: readonly ModelPreset[] = vitVariants.map(vitPreset);
