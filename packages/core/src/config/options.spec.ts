import { describe, expect, it } from 'vitest';
import { readOptions } from './options.ts';

describe('readOptions', () => {
  it('reads typed fields with fallbacks', () => {
    const o = readOptions('spirals', { name: 'spirals', arms: 4, noise: 0.1, split: 'test' }, ['arms', 'noise', 'split', 'label']);
    expect(o.int('arms', 3, 2)).toBe(4);
    expect(o.number('noise', 0.2, 0, 1)).toBe(0.1);
    expect(o.oneOf('split', 'train', ['train', 'test'] as const)).toBe('test');
    expect(o.string('label', undefined)).toBeUndefined();
  });

  it('names the owner, the field, the value and what was expected', () => {
    const o = readOptions('mlp', { dim: 2.5, act: 'swish' }, ['dim', 'act', 'depth']);
    expect(() => o.int('dim', 64, 1)).toThrow('mlp: dim must be an integer ≥ 1, got 2.5');
    expect(() => o.int('depth', undefined, 1)).toThrow('mlp: depth must be an integer ≥ 1, got undefined');
    expect(() => o.oneOf('act', 'gelu', ['gelu', 'relu'] as const)).toThrow("mlp: act must be one of 'gelu', 'relu', got 'swish'");
  });

  it('refuses unknown options, listing the known ones', () => {
    expect(() => readOptions('classification', { numClases: 3 }, ['numClasses'])).toThrow("classification: unknown option 'numClases' (known: name, numClasses)");
  });
});
