// Picking a weight importer for a model and a source naming for a checkpoint's keys.
import { describe, expect, it } from 'vitest';
import type { ResolvedModelConfig } from '../model/model-config.ts';
import { importFormat, selectWeightImporter, WeightImportError, type WeightImporter } from './weight-importer.ts';

/** An importer for models whose one encoder is `encoder`, detecting keys that start with `prefix`. */
const importer = (name: string, encoder: string, prefix = 'x.'): WeightImporter => ({
  name,
  description: `${encoder} models`,
  formats: ['alpha', 'beta'],
  accepts: (model) => Object.values(model.encoders).some((e) => e.name === encoder),
  detect: (keys) => (keys.every((k) => k.startsWith(prefix)) ? 'beta' : undefined),
  configOverrides: () => ({}),
  convert: () => {
    throw new Error('not called');
  },
});
const model = (encoder: string): ResolvedModelConfig => ({ encoders: { vision: { name: encoder } }, fusion: { name: 'merged' }, head: { name: 'h' } });

describe('selectWeightImporter', () => {
  it('returns the one importer that accepts the model', () => {
    const [a, b] = [importer('a', 'vit'), importer('b', 'bert')];
    expect(selectWeightImporter([a, b], model('bert'), 'm')).toBe(b);
  });

  it('names every importer when none accepts, and says so when none is registered', () => {
    expect(() => selectWeightImporter([importer('a', 'vit')], model('mlp'), 'mlp-spirals')).toThrow(
      new WeightImportError("no weight importer accepts model 'mlp-spirals' (encoders mlp, fusion merged); the registered ones: a (vit models)"),
    );
    expect(() => selectWeightImporter([], model('mlp'), 'm')).toThrow("no weight importer accepts model 'm' (encoders mlp, fusion merged); none is registered");
  });

  it('refuses an ambiguous choice, naming both', () => {
    expect(() => selectWeightImporter([importer('a', 'vit'), importer('b', 'vit')], model('vit'), 'v')).toThrow("model 'v' is accepted by 2 weight importers (a, b); expected one");
  });
});

describe('importFormat', () => {
  const a = importer('a', 'vit');

  it('detects the naming, or takes a forced one the importer knows', () => {
    expect(importFormat(a, ['x.1', 'x.2'])).toBe('beta');
    expect(importFormat(a, ['x.1'], 'auto')).toBe('beta');
    expect(importFormat(a, ['y.1'], 'alpha')).toBe('alpha');
  });

  it('refuses an unknown forced naming and undetectable keys, listing what it knows', () => {
    expect(() => importFormat(a, ['x.1'], 'gamma')).toThrow("importer 'a' has no format 'gamma' (formats: alpha, beta, auto)");
    const keys = Array.from({ length: 8 }, (_, i) => `y.${i}`);
    expect(() => importFormat(a, keys)).toThrow("importer 'a' recognises none of its formats (alpha, beta) in the checkpoint's keys (8: y.0, y.1, y.2, y.3, y.4, y.5, …); pass --format to force one");
  });
});
