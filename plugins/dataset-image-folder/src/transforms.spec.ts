// The split pipelines: timm's eval resize arithmetic and the transforms each option selects.
import { describe, expect, it } from 'vitest';
import { Normalize, RandomErasing, RandomHorizontalFlip, splitUserTransforms } from '@crossmodal/data';
import { evalResizeSize, imageFolderPipeline } from './transforms.ts';

describe('evalResizeSize', () => {
  it('is ⌊size / cropPct⌋ per side, as timm computes scale_size', () => {
    expect([evalResizeSize(224, 0.875), evalResizeSize(384, 0.875), evalResizeSize(224, 0.9), evalResizeSize(384, 1)]).toEqual([256, 438, 248, 384]);
    expect(evalResizeSize([224, 160], 0.875)).toEqual([256, 182]);
    expect(evalResizeSize([224, 224], 0.875)).toBe(256); // equal sides: the shorter-side resize
  });
});

describe('imageFolderPipeline', () => {
  const names = (o: Parameters<typeof imageFolderPipeline>[0]): string[] => imageFolderPipeline(o).transforms.map((t) => t.name);

  it('builds RandomResizedCrop + flip for training and Resize + CenterCrop for evaluation', () => {
    expect(names({ size: 224, augment: true })).toEqual([
      'RandomResizedCrop(size=[224, 224], scale=[0.08, 1], ratio=[0.75, 1.3333], antialias=true)',
      'RandomHorizontalFlip(p=0.5)',
    ]);
    expect(names({ size: 224, augment: false, normalize: { mean: [0.5], std: [0.5] } })).toEqual([
      'Resize(size=256, antialias=true)', 'CenterCrop(size=[224, 224])', 'Normalize(mean=[0.5], std=[0.5])',
    ]);
    expect(names({ size: 224, resize: [240, 300], augment: false })).toEqual(['Resize(size=[240,300], antialias=true)', 'CenterCrop(size=[224, 224])']);
  });

  it('takes scale, ratio and the flip probability; without a size only the flip augments', () => {
    expect(names({ size: 32, augment: true, scale: [0.5, 1], ratio: [1, 1], hflip: 0 })).toEqual([
      'RandomResizedCrop(size=[32, 32], scale=[0.5, 1], ratio=[1, 1], antialias=true)',
    ]);
    expect(names({ augment: true, hflip: 0.25 })).toEqual(['RandomHorizontalFlip(p=0.25)']);
    expect(names({ augment: false })).toEqual([]);
  });

  it("runs the user's Random Erasing after the crop and flip and before Normalize, timm's order", () => {
    const erasing = new RandomErasing({ p: 0.25 });
    const flip = new RandomHorizontalFlip(1);
    const split = splitUserTransforms([flip, erasing], 'image-folder');
    expect(split).toEqual({ before: [flip], after: [erasing] });
    expect(names({ size: 16, augment: true, normalize: { mean: [0.5], std: [0.5] }, ...split })).toEqual([
      'RandomHorizontalFlip(p=1)',
      'RandomResizedCrop(size=[16, 16], scale=[0.08, 1], ratio=[0.75, 1.3333], antialias=true)',
      'RandomHorizontalFlip(p=0.5)',
      erasing.name,
      'Normalize(mean=[0.5], std=[0.5])',
    ]);
    expect(splitUserTransforms([erasing, erasing], 'image-folder')).toEqual({ before: [], after: [erasing, erasing] });
    expect(() => splitUserTransforms([erasing, new Normalize('imagenet')], 'image-folder')).toThrow(
      'image-folder: transforms[1] (Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])) comes after random-erasing (transforms[0])',
    );
  });
});
