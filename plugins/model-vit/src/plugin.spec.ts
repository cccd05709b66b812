// The model-vit plugin in a fresh runtime: every name resolves once, presets carry the published
// architectures (parameter counts of timm's models), and vit-tiny builds, runs and trains a step.
import { createRuntime, DuplicateNameError, partOptions } from '@crossmodal/core';
import { createTestRuntime } from '@crossmodal/core/testing';
import { manualSeed, randn, tensor } from '@crossmodal/tensor';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vitModelPlugin, VERSION } from './plugin.ts';
import { resolveVariant, vitVariants } from './variants.ts';
import { VisionTransformer } from './vision-transformer.ts';
import { vitEncoderProvider, type VitEncoder } from './vit-encoder.ts';
import { validateVitConfig, vitParameterCount } from './vit.config.ts';

// timm's counts (`sum(p.numel() for p in timm.create_model(name).parameters())`, 1000 classes).
const TIMM_COUNTS: Readonly<Record<string, number>> = {
  'vit-t16-224': 5_717_416,
  'vit-s16-224': 22_050_664,
  'vit-b16-224': 86_567_656,
  'vit-b16-384': 86_859_496,
  'vit-b32-224': 88_224_232,
  'vit-l16-224': 304_326_632,
  'vit-l32-224': 306_535_400,
};

describe('vitModelPlugin', () => {
  it('registers the vit encoder and one preset per variant, each once, under its own name', () => {
    const rows = createRuntime([vitModelPlugin]).list().filter((r) => r.plugin === vitModelPlugin.name);
    expect(rows.filter((r) => r.kind === 'encoder').map((r) => r.name)).toEqual(['vit']);
    expect(rows.filter((r) => r.kind === 'model').map((r) => r.name).sort()).toEqual([
      'vit-tiny', 'vit-t16-224', 'vit-t16-384', 'vit-s16-224', 'vit-s16-384', 'vit-b16-224', 'vit-b16-384',
      'vit-b32-224', 'vit-b32-384', 'vit-l16-224', 'vit-l16-384', 'vit-l32-224', 'vit-l32-384',
    ].sort());
    for (const row of rows) expect(row.description.length).toBeGreaterThan(10);
    expect(() => createRuntime([vitModelPlugin, { ...vitModelPlugin, name: '@acme/vit-fork' }])).toThrow(DuplicateNameError);
  });

  it('names the architecture in each preset: patch and image size agree with the config', () => {
    const runtime = createRuntime([vitModelPlugin]);
    for (const v of vitVariants.filter((x) => x.name !== 'vit-tiny')) {
      const [, size, patch, image] = /^vit-([tslb])(\d+)-(\d+)$/.exec(v.name)!;
      const { encoders, head } = runtime.models.resolveConfig({ preset: v.name });
      expect(encoders['vision']).toMatchObject({ name: 'vit', patchSize: Number(patch), imageSize: Number(image) });
      expect(head).toMatchObject({ name: 'classification', numClasses: 1000, pooling: 'first', dim: { t: 192, s: 384, b: 768, l: 1024 }[size!] });
    }
  });

  it.each(Object.entries(TIMM_COUNTS))('gives %s the parameter count of timm (%i)', (name, count) => {
    expect(vitParameterCount(resolveVariant(vitVariants.find((v) => v.name === name)!))).toBe(count);
  });

  it('counts parameters analytically exactly as a built model has them', () => {
    for (const config of [
      resolveVariant(vitVariants.find((v) => v.name === 'vit-tiny')!),
      { ...resolveVariant(vitVariants.find((v) => v.name === 'vit-t16-224')!), depth: 1, numClasses: 10 },
      { dim: 12, depth: 2, heads: 3, mlpDim: 20, patchSize: 2, imageSize: 6, numClasses: 0, pool: 'avg', classToken: false, qkvBias: false },
    ] as const) {
      const vit = new VisionTransformer(config);
      expect(vit.numParameters()).toBe(vitParameterCount(vit.config));
      vit.dispose();
    }
  });

  it('lets any field be overridden from config and builds vit-tiny into a model that trains a step', () => {
    manualSeed(0);
    const runtime = createTestRuntime([vitModelPlugin]);
    const config = runtime.models.resolveConfig({ preset: 'vit-tiny', encoders: { vision: { depth: 2, imageSize: 32, channels: 3 } } });
    expect(config.encoders['vision']).toMatchObject({ name: 'vit', depth: 2, imageSize: 32, channels: 3, patchSize: 4, dim: 128 });
    const model = runtime.models.build(
      { preset: 'vit-tiny', encoders: { vision: { depth: 2, dropPath: 0 } }, head: { name: 'toy-classification', dim: 128, numClasses: 10 } },
      { seed: 0 },
    );
    const out = model.forward({ image: randn([2, 1, 28, 28]), label: tensor([3, 7], [2], { dtype: 'int32' }) }, { returnProbs: true });
    expect(out.logits.shape).toEqual([2, 10]);
    expect(Object.keys(out.attention!)).toEqual(['encoders.vision.layer0', 'encoders.vision.layer1']);
    expect(out.attention!['encoders.vision.layer0']!.shape).toEqual([2, 4, 50, 50]);
    expect(Number.isFinite(out.loss!.item())).toBe(true);
    out.loss!.backward();
    expect(model.namedParameters().filter(([, p]) => p.grad === null).map(([n]) => n)).toEqual([]);
    expect(model.namedParameters().map(([n]) => n)).toContain('encoders.vision.blocks.1.attn.qkv.weight');
  });

  it('derives the MLP width from an overridden dim instead of keeping the preset’s', () => {
    const config = createRuntime([vitModelPlugin]).models.resolveConfig({ preset: 'vit-s16-224', encoders: { vision: { dim: 192, heads: 3 } } });
    expect(config.encoders['vision']!['mlpDim']).toBeUndefined();
    const { headPooling: _headPooling, ...arch } = config.encoders['vision']!; // the head's, linked in by the preset
    expect(validateVitConfig(arch).mlpDim).toBe(768);
  });

  it('makes the head as wide as an overridden encoder, and names both fields when they disagree', () => {
    const runtime = createRuntime([vitModelPlugin]);
    const narrow = runtime.models.resolveConfig({ preset: 'vit-s16-224', encoders: { vision: { dim: 192, heads: 3 } } });
    expect(narrow.head['dim']).toBe(192);
    expect(runtime.models.resolveConfig({ preset: 'vit-s16-224' }).head['dim']).toBe(384);
    expect(runtime.models.resolveConfig({ preset: 'vit-s16-224', encoders: { vision: { dim: 192, heads: 3 } }, head: { dim: 192 } }).head['dim']).toBe(192);
    expect(() => runtime.models.resolveConfig({ preset: 'vit-s16-224', encoders: { vision: { dim: 192, heads: 3 } }, head: { dim: 384 } })).toThrow(
      'model.head.dim: got 384, but this preset ties it to model.encoders.vision.dim, which is 192; give both the same value or leave model.head.dim out',
    );
  });

  it("refuses classToken false with the preset's pooling 'first', and builds the encoder with pooling 'mean'", () => {
    const runtime = createTestRuntime([vitModelPlugin]);
    const noToken = { preset: 'vit-tiny', encoders: { vision: { classToken: false } } };
    expect(runtime.models.resolveConfig(noToken).encoders['vision']).toMatchObject({ classToken: false, headPooling: 'first' });
    const message = "vit: classToken is false, so there is no class token, but the head pools 'first' (model.head.pooling), which would classify from one corner patch; set model.head.pooling to 'mean'";
    expect(() => runtime.models.build(noToken, { seed: 0 })).toThrow(message);
    expect(() => runtime.models.build({ preset: 'vit-b16-224', encoders: { vision: { classToken: false } } }, { seed: 0 })).toThrow(message);
    const mean = runtime.models.resolveConfig({ ...noToken, head: { pooling: 'mean' } });
    expect([mean.encoders['vision']!['headPooling'], mean.head['pooling']]).toEqual(['mean', 'mean']);
    const encoder = vitEncoderProvider.create(partOptions(mean.encoders['vision']!), { seed: 0 }) as VitEncoder;
    expect(encoder.forward({ image: randn([1, 1, 28, 28]) }).states.shape).toEqual([1, 49, 128]); // patch tokens only
    encoder.dispose();
  });

  it('carries the version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([vitModelPlugin.version, vitModelPlugin.name]).toEqual([pkg.version, pkg.name]);
    expect(VERSION).toBe(pkg.version);
  });
});
