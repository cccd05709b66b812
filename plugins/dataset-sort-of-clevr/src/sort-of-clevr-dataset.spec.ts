// The dataset: sizes and fields per task and view, determinism by (seed, split, index) in any
// access order, and answers, referents and captions consistent with the scene.
import type { Example, HostTensor } from '@crossmodal/core';
import { describe, expect, it } from 'vitest';
import { answerFor, ANSWERS, QUESTION_BITS } from './questions.ts';
import { regionFeature, regionFeatureSize } from './regions.ts';
import { COLORS, squaredDistance } from './scene.ts';
import { SortOfClevrDataset } from './sort-of-clevr-dataset.ts';
import { resolveSortOfClevrConfig, type SortOfClevrConfig } from './sort-of-clevr.config.ts';

const make = (config: SortOfClevrConfig, seed = 3) => new SortOfClevrDataset(resolveSortOfClevrConfig(config, { seed }));
const tensorOf = (e: Example, field: string) => e[field] as HostTensor;
const shapes = (e: Example) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === 'number' ? [] : v.shape]));

describe('SortOfClevrDataset (qa)', () => {
  it('holds 20 questions per image with the pixel view’s fields', () => {
    const ds = make({ images: 4 });
    expect(ds.size).toBe(80);
    expect(shapes(ds.get(0))).toEqual({ image: [3, 75, 75], question: [11], label: [], questionType: [], questionSubtype: [] });
    expect(ds.info).toEqual({
      numClasses: 12, classNames: ANSWERS,
      fields: { image: [3, 75, 75], question: [11], label: [], questionType: [], questionSubtype: [] },
    });
  });

  it('gives regions [6 + distractors, F] and boxes in the regions view, and all three in both', () => {
    const regions = make({ images: 2, view: 'regions', distractors: 3, cropSize: 4 }).get(5);
    expect(shapes(regions)).toMatchObject({ regions: [9, regionFeatureSize(4)], boxes: [9, 4] });
    expect('image' in regions).toBe(false);
    expect(Object.keys(make({ images: 1, view: 'both' }).get(0)).sort()).toEqual(
      ['boxes', 'image', 'label', 'question', 'questionSubtype', 'questionType', 'regions'],
    );
  });

  it('is the same for the same seed and split in any access order, and differs across seeds and splits', () => {
    const a = make({ images: 30, view: 'both', distractors: 2 });
    const b = make({ images: 30, view: 'both', distractors: 2 });
    const order = [599, 0, 17, 420, 17, 3];
    const forward = order.map((i) => a.get(i));
    expect(order.reverse().map((i) => b.get(i)).reverse()).toEqual(forward);
    const scene = (ds: SortOfClevrDataset) => JSON.stringify(ds.image(0).scene);
    expect(scene(make({ images: 1 }, 4))).not.toBe(scene(make({ images: 1 }, 3)));
    expect(scene(make({ images: 1, split: 'test' }))).not.toBe(scene(make({ images: 1 })));
    expect(scene(make({ images: 1, seed: 3 }, 99))).toBe(scene(make({ images: 1 }, 3))); // the seed option wins over the run's
  });

  it('keeps the questions when distractors are added', () => {
    const plain = make({ images: 3 });
    const cluttered = make({ images: 3, view: 'regions', distractors: 5 });
    for (let i = 0; i < 60; i++) expect(cluttered.get(i)['label']).toBe(plain.get(i)['label']);
  });

  it('labels each question with its answer from the scene and its type and subtype', () => {
    const ds = make({ images: 10 });
    for (let i = 0; i < ds.size; i++) {
      const e = ds.get(i);
      const { scene } = ds.image(Math.floor(i / 20));
      const bits = Array.from(tensorOf(e, 'question').data);
      const color = bits.indexOf(1);
      const subtype = e['questionSubtype'] as number;
      expect(e['label']).toBe(answerFor(scene, color, subtype));
      expect(e['questionType']).toBe(subtype >= 3 ? 1 : 0);
      expect(bits[6 + (e['questionType'] as number)]).toBe(1);
    }
  });

  it('keeps only one kind of question when asked, 10 per image', () => {
    const rel = make({ images: 5, questions: 'relational' });
    const nonRel = make({ images: 5, questions: 'non-relational' });
    expect([rel.size, nonRel.size]).toEqual([50, 50]);
    for (let i = 0; i < 50; i++) {
      expect(rel.get(i)['questionType']).toBe(1);
      expect(nonRel.get(i)['questionType']).toBe(0);
    }
    expect(rel.text(0).text).toBe(make({ images: 5 }).text(10).text);
  });

  it('gives the question as English with its answer', () => {
    const ds = make({ images: 2 });
    const { imageIndex, text, answer, kind } = ds.text(21);
    const e = ds.get(21);
    expect(imageIndex).toBe(1);
    expect(answer).toBe(ANSWERS[e['label'] as number]);
    expect(text).toContain(COLORS[Array.from(tensorOf(e, 'question').data).indexOf(1)]!);
    expect(kind).toMatch(/^(shape|horizontal|vertical)$/);
  });

  it('region features are the crops of the pixels the pixel view shows', () => {
    const ds = make({ images: 1, view: 'both', distractors: 2 });
    const e = ds.get(0);
    const image = tensorOf(e, 'image').data as Float32Array;
    const f = regionFeatureSize(5);
    ds.image(0).regions.pixelBoxes.forEach((box, r) => {
      expect(tensorOf(e, 'regions').data.subarray(r * f, (r + 1) * f)).toEqual(regionFeature(image, box, 5));
    });
  });
});

describe('SortOfClevrDataset (referring)', () => {
  it('labels each expression with the region of its referent', () => {
    const ds = make({ images: 20, task: 'referring', distractors: 2 });
    expect(ds.size).toBe(200);
    expect(ds.info.numClasses).toBe(8);
    const kinds = new Set<string>();
    for (let i = 0; i < ds.size; i++) {
      const e = ds.get(i);
      const { scene, regions } = ds.image(Math.floor(i / 10));
      const bits = Array.from(tensorOf(e, 'expression').data);
      const anchor = bits.indexOf(1);
      const target = regions.objects[e['label'] as number]!;
      expect(bits[6 + (scene.objects[anchor]!.shape === 'square' ? 0 : 1)]).toBe(1);
      const others = scene.objects.filter((o) => o.color !== anchor).map((o) => squaredDistance(scene.objects[anchor]!, o));
      const d = squaredDistance(scene.objects[anchor]!, scene.objects[target]!);
      const kind = ds.text(i).kind;
      kinds.add(kind);
      if (kind === 'object') expect(target).toBe(anchor);
      if (kind === 'closest') expect(d).toBe(Math.min(...others));
      if (kind === 'furthest') expect(d).toBe(Math.max(...others));
      expect(ds.text(i).answer).toBe(`${COLORS[target]} ${scene.objects[target]!.shape}`);
    }
    expect(kinds.size).toBe(3);
    expect(make({ images: 1, task: 'referring' }).text(0).text).toMatch(/^the (object (closest to|furthest from) )?the \w+ (square|circle)$/);
  });
});

describe('SortOfClevrDataset (matching)', () => {
  it('pairs each question’s statement with its true answer or a wrong one, half and half', () => {
    const ds = make({ images: 50, task: 'matching' });
    let matches = 0;
    for (let i = 0; i < ds.size; i++) {
      const e = ds.get(i);
      const { scene } = ds.image(Math.floor(i / 20));
      const bits = Array.from(tensorOf(e, 'caption').data);
      expect(bits.length).toBe(QUESTION_BITS + ANSWERS.length);
      const truth = answerFor(scene, bits.indexOf(1), e['questionSubtype'] as number);
      const stated = bits.indexOf(1, QUESTION_BITS) - QUESTION_BITS;
      expect(e['label']).toBe(stated === truth ? 1 : 0);
      matches += e['label'] as number;
    }
    expect(matches / ds.size).toBeGreaterThan(0.45);
    expect(matches / ds.size).toBeLessThan(0.55);
    expect(ds.info.classNames).toEqual(['mismatch', 'match']);
  });
});

describe('resolveSortOfClevrConfig', () => {
  const resolve = (config: Record<string, unknown>) => () => resolveSortOfClevrConfig(config, { seed: 0 });

  it('fills in the defaults', () => {
    expect(resolveSortOfClevrConfig({}, { seed: 8 })).toEqual({
      images: 10_000, seed: 8, split: 'train', view: 'pixels', task: 'qa', questions: 'all', distractors: 0, cropSize: 5, limit: undefined,
    });
    expect(resolveSortOfClevrConfig({ split: 'test', task: 'referring' }, { seed: 0 })).toMatchObject({ images: 1000, view: 'regions' });
    expect(make({ images: 3, limit: 7 }).size).toBe(7);
  });

  it('names the option, the value and what was expected', () => {
    expect(resolve({ images: 0 })).toThrow('sort-of-clevr: images must be an integer ≥ 1, got 0');
    expect(resolve({ images: 2.5 })).toThrow('sort-of-clevr: images must be an integer ≥ 1, got 2.5');
    expect(resolve({ seed: -1 })).toThrow('sort-of-clevr: seed must be an integer ≥ 0, got -1');
    expect(resolve({ split: 'dev' })).toThrow("sort-of-clevr: split must be one of 'train', 'val', 'test', got 'dev'");
    expect(resolve({ view: 'patches' })).toThrow("sort-of-clevr: view must be one of 'pixels', 'regions', 'both', got 'patches'");
    expect(resolve({ task: 'vqa' })).toThrow("sort-of-clevr: task must be one of 'qa', 'referring', 'matching', got 'vqa'");
    expect(resolve({ questions: 'spatial' })).toThrow("sort-of-clevr: questions must be one of 'all', 'non-relational', 'relational', got 'spatial'");
    expect(resolve({ cropSize: 11 })).toThrow('sort-of-clevr: cropSize must be an integer in [1, 10] (the object size), got 11');
    expect(resolve({ distractors: -2, view: 'regions' })).toThrow('sort-of-clevr: distractors must be an integer ≥ 0, got -2');
    expect(resolve({ limit: 0 })).toThrow('sort-of-clevr: limit must be an integer ≥ 1, got 0');
    expect(resolve({ size: 10 })).toThrow("sort-of-clevr: unknown option 'size' (known: name, images, seed, split, view, task, questions, distractors, cropSize, limit)");
  });

  it('rejects options that do not fit the task or view', () => {
    expect(resolve({ distractors: 2 })).toThrow("sort-of-clevr: distractors applies to the 'regions' and 'both' views, got distractors 2 with view 'pixels'");
    expect(resolve({ task: 'referring', view: 'pixels' })).toThrow(
      "sort-of-clevr: task 'referring' needs regions to point at, so view must be 'regions' or 'both', got 'pixels'",
    );
    expect(resolve({ task: 'matching', questions: 'relational' })).toThrow(
      "sort-of-clevr: questions applies to task 'qa' only, got questions 'relational' with task 'matching'",
    );
  });

  it('names an index out of range', () => {
    const ds = make({ images: 2 });
    expect(() => ds.get(40)).toThrow('sort-of-clevr: index must be an integer in [0, 40), got 40');
    expect(() => ds.image(2)).toThrow('sort-of-clevr: image index must be an integer in [0, 2), got 2');
  });
});
