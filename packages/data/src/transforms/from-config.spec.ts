import { describe, expect, it } from 'vitest';
import { RandomErasing } from './erasing.ts';
import { composeFromSpecs, datasetTransforms, normalizeOption, splitUserTransforms, transformFromSpec, TRANSFORM_NAMES } from './from-config.ts';
import { Normalize, RandomCrop, RandomHorizontalFlip } from './transforms.ts';

describe('transformFromSpec', () => {
  it('builds every named transform with its options', () => {
    const names = [
      transformFromSpec({ name: 'resize', size: [32, 30], antialias: false }),
      transformFromSpec({ name: 'center-crop', size: 24 }),
      transformFromSpec({ name: 'random-resized-crop', size: 28, scale: [0.5, 1], ratio: [1, 1] }),
      transformFromSpec({ name: 'random-crop', padding: 4, paddingMode: 'edge' }),
      transformFromSpec('random-horizontal-flip'),
      transformFromSpec({ name: 'normalize', preset: 'mnist' }),
      transformFromSpec({ name: 'normalize', mean: [0.5], std: [0.25] }),
    ].map((t) => t.name);
    expect(names).toEqual([
      'Resize(size=[32,30], antialias=false)',
      'CenterCrop(size=[24, 24])',
      'RandomResizedCrop(size=[28, 28], scale=[0.5, 1], ratio=[1, 1], antialias=true)',
      'RandomCrop(size=input, padding=[4, 4, 4, 4], fill=0, paddingMode=edge)',
      'RandomHorizontalFlip(p=0.5)',
      'Normalize(mean=[0.1307], std=[0.3081])',
      'Normalize(mean=[0.5], std=[0.25])',
    ]);
    expect(TRANSFORM_NAMES).toEqual(['resize', 'center-crop', 'random-resized-crop', 'random-crop', 'random-horizontal-flip', 'random-erasing', 'normalize']);
  });

  it('builds the same transform as the constructor', () => {
    const image = { data: Float32Array.from({ length: 16 }, (_, i) => i / 16), shape: [1, 4, 4] as const };
    const fromSpec = transformFromSpec({ name: 'random-crop', size: 4, padding: [1, 2] });
    expect(Array.from(fromSpec.apply(image, 9).data)).toEqual(Array.from(new RandomCrop(4, { padding: [1, 2] }).apply(image, 9).data));
    expect(transformFromSpec({ name: 'normalize', preset: 'imagenet' })).toBeInstanceOf(Normalize);
  });

  it('names the entry, the option and the expected value', () => {
    expect(() => transformFromSpec({ name: 'flip' }, 'data.train.transforms[0]')).toThrow(
      "data.train.transforms[0]: unknown transform 'flip' (known: resize, center-crop, random-resized-crop, random-crop, random-horizontal-flip, random-erasing, normalize)",
    );
    expect(() => transformFromSpec({ name: 'random-crop', pading: 4 }, 't[1]')).toThrow(
      "t[1]: unknown option 'pading' of 'random-crop' (known: size, padding, padIfNeeded, fill, paddingMode)",
    );
    expect(() => transformFromSpec({ name: 'random-crop', padding: '4' }, 't[1]')).toThrow('t[1].padding must be a number or a list of 1, 2 or 4 numbers, got "4"');
    expect(() => transformFromSpec({ name: 'random-resized-crop', size: 8, scale: 0.5 }, 't[0]')).toThrow('t[0].scale must be a list of 2 numbers, got 0.5');
    expect(() => transformFromSpec({ name: 'random-crop', fill: [1] }, 't[0]')).toThrow('t[0].fill must be a number, got [1]');
    expect(() => transformFromSpec({ name: 'resize' }, 't[0]')).toThrow('t[0].size must be a number or [height, width], got undefined');
    expect(() => transformFromSpec({ name: 'random-horizontal-flip', p: 2 }, 't[2]')).toThrow(
      't[2] (random-horizontal-flip): RandomHorizontalFlip: p must be a number in [0, 1], got 2',
    );
    expect(() => transformFromSpec({ name: 'normalize' }, 't[3]')).toThrow("t[3] (normalize): needs preset (e.g. 'imagenet') or both mean and std");
    expect(() => transformFromSpec(7, 't[4]')).toThrow('t[4] must be a transform name or { name, ...options }, got 7');
  });

  it("names Object.prototype's members as unknown transforms, not as builders", () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(() => transformFromSpec(name, 't[0]')).toThrow(`t[0]: unknown transform '${name}' (known: resize,`);
      expect(() => transformFromSpec({ name, p: 1 }, 't[0]')).toThrow(`t[0]: unknown transform '${name}'`);
    }
  });
});

describe('random-erasing spec', () => {
  it('builds RandomErasing with its options and names a bad value', () => {
    expect(transformFromSpec({ name: 'random-erasing', p: 0.25, value: 'random' }).name).toBe(
      'RandomErasing(p=0.25, scale=[0.02, 0.33], ratio=[0.3, 3.3], value="random")',
    );
    expect(transformFromSpec({ name: 'random-erasing', scale: [0.1, 0.2], ratio: [1, 2], value: [0.5] }).name).toBe(
      'RandomErasing(p=0.5, scale=[0.1, 0.2], ratio=[1, 2], value=[0.5])',
    );
    expect(() => transformFromSpec({ name: 'random-erasing', value: 'noise' }, 't[1]')).toThrow(
      `t[1].value must be a number, a list of numbers (one per channel) or 'random', got "noise"`,
    );
  });
});

describe('composeFromSpecs', () => {
  it('composes a list in order and an absent list as a copy', () => {
    expect(composeFromSpecs(['random-horizontal-flip', { name: 'center-crop', size: 2 }]).transforms.map((t) => t.name)).toEqual([
      'RandomHorizontalFlip(p=0.5)',
      'CenterCrop(size=[2, 2])',
    ]);
    expect(composeFromSpecs(undefined).transforms).toEqual([]);
    expect(() => composeFromSpecs({ name: 'resize' }, 'data.eval.transforms')).toThrow('data.eval.transforms must be a list of transforms, got {"name":"resize"}');
  });
});

describe('datasetTransforms', () => {
  it('builds the list, and refuses a normalize entry while the dataset normalises itself', () => {
    const specs = ['random-horizontal-flip', { name: 'normalize', preset: 'mnist' }];
    expect(datasetTransforms('mnist', specs, false).map((t) => t.name)).toEqual(['RandomHorizontalFlip(p=0.5)', 'Normalize(mean=[0.1307], std=[0.3081])']);
    expect(() => datasetTransforms('mnist', specs, true)).toThrow(
      "mnist: transforms[1] is a normalize, but the dataset's normalize option is on (it is unless set to false), so images would be normalised twice; set normalize: false",
    );
    expect(datasetTransforms('mnist', undefined, true)).toEqual([]);
    expect(() => datasetTransforms('mnist', ['flip'], true)).toThrow("mnist: transforms[0]: unknown transform 'flip'");
  });
});

describe('splitUserTransforms', () => {
  it('moves trailing random-erasing entries after the dataset\'s crop and flip, keeping the user\'s order', () => {
    const [flip, crop] = [new RandomHorizontalFlip(1), new RandomCrop(8)];
    const [e1, e2] = [new RandomErasing({ p: 0.25 }), new RandomErasing({ p: 0.5 })];
    expect(splitUserTransforms([flip, crop, e1, e2], 'cifar10')).toEqual({ before: [flip, crop], after: [e1, e2] });
    expect(splitUserTransforms([flip], 'cifar10')).toEqual({ before: [flip], after: [] });
    expect(splitUserTransforms([], 'cifar10')).toEqual({ before: [], after: [] });
    expect(() => splitUserTransforms([e1, flip], 'fashion-mnist')).toThrow(
      "fashion-mnist: transforms[1] (RandomHorizontalFlip(p=1)) comes after random-erasing (transforms[0]), but random-erasing runs after the dataset's crop and flip (timm's order); list random-erasing last",
    );
  });
});

describe('normalizeOption', () => {
  it('maps true/absent to the fallback, false to none, a name to its preset, and refuses the rest', () => {
    expect([normalizeOption('d', undefined, 'cifar10'), normalizeOption('d', true, 'cifar10'), normalizeOption('d', false, 'cifar10'), normalizeOption('d', 'imagenet', 'cifar10')])
      .toEqual(['cifar10', 'cifar10', undefined, 'imagenet']);
    expect(() => normalizeOption('cifar10', 'imagenette', 'cifar10')).toThrow(/^cifar10: normalize must be true, false or a preset \(.*imagenet.*\), got "imagenette"$/);
    for (const name of ['toString', 'constructor', '__proto__']) {
      expect(() => normalizeOption('cifar10', name, 'cifar10')).toThrow(`cifar10: normalize must be true, false or a preset (imagenet, fashion-mnist, mnist, cifar10, cifar100), got "${name}"`);
    }
  });
});
