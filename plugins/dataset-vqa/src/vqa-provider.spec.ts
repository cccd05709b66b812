// The `vqa` dataset through a runtime: questions and annotations from the fixture files, tokens from a
// vocab.txt, regions from a store registered under REGION_STORES (an in-memory one here; the preset's
// spec reads a real LXMERT TSV), an answer vocabulary built and saved, then loaded; errors by field.
import { createRuntime, REGION_STORES, type Plugin, type RegionFeatureStore, type RegionStoreProvider } from '@crossmodal/core';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeRegions, FILES, VOCAB_WORDS, vocabFile } from './fixtures.spec-helper.ts';
import { VQA_ANSWER_TYPES, VQA_QUESTION_TYPES } from './answer-tables.ts';
import { vqaPlugin } from './plugin.ts';

/** How many stores the memory provider made, and how many of them were closed. */
const stores = { opened: 0, closed: 0 };

/** An in-memory store of the fixture's train images under LXMERT's COCO stems (or `prefix` + id). */
const memoryStore: RegionStoreProvider = {
  name: 'memory',
  create(config): RegionFeatureStore {
    const prefix = (config['prefix'] as string | undefined) ?? 'COCO_train2014_';
    const key = (id: number): string => (config['prefix'] ? `${prefix}${id}` : `${prefix}${String(id).padStart(12, '0')}`);
    const byId = new Map([[key(458752), fakeRegions(key(458752), 3, 4, 100)], [key(262146), fakeRegions(key(262146), 40, 4, 200)]]);
    stores.opened++;
    return {
      format: 'memory', ids: () => [...byId.keys()], has: (id) => byId.has(id),
      get: (id) => (byId.has(id) ? Promise.resolve(byId.get(id)!) : Promise.reject(new Error(`no ${id}`))),
      close: () => void stores.closed++,
    };
  },
};
const storePlugin: Plugin = { name: '@test/memory-store', version: '0.0.0', register: (c) => c.register(REGION_STORES, { useValue: memoryStore }) };

const runtime = createRuntime([storePlugin, vqaPlugin]);
const vocab = vocabFile();
const train = { questions: FILES.trainQuestions, annotations: FILES.trainAnnotations, vocab, regions: { name: 'memory' } };
const ids = (words: string[]): number[] => words.map((w) => VOCAB_WORDS.indexOf(w));
const values = (t: unknown): number[] => Array.from((t as { data: ArrayLike<number> }).data);

describe('vqa dataset', () => {
  it('joins tokens, padded regions and soft targets per question, and saves the answer vocabulary it built', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'vqa-run-'));
    const ds = await runtime.datasets.create('vqa', { ...train, answerVocab: { minCount: 1 }, maxRegions: 4, scoring: 'leave-one-out' }, runtime.createContext({ seed: 0, outputDir }), 'data.train');
    expect(ds.size).toBe(6);
    // Answers by multiple_choice_answer count (all 1), then string: 2, net, no, orange, pitcher, yes.
    expect(ds.info.classNames).toEqual(['2', 'net', 'no', 'orange', 'pitcher', 'yes']);
    expect(ds.info.fields).toMatchObject({ inputIds: [20], regions: [4, 4], boxes: [4, 4], locations: [4, 5], regionMask: [4], targets: [6] });
    const ex = (await ds.get(4)) as Record<string, unknown>; // 'How many people are there?' on image 262146 (40 regions)
    expect([ex['questionId'], ex['imageId']]).toEqual([262146001, 262146]);
    expect(values(ex['inputIds']).slice(0, 8)).toEqual([...ids(['[CLS]', 'how', 'many', 'people', 'are', 'there', '?', '[SEP]'])]);
    expect(values(ex['attentionMask'])).toEqual([...new Array(8).fill(1), ...new Array(12).fill(0)]);
    // No confidence in this store: the first 4 of 40 regions are kept, so the mask is full.
    expect(values(ex['regions']).slice(0, 8)).toEqual([200, 201, 202, 203, 210, 211, 212, 213]);
    expect(values(ex['regionMask'])).toEqual([1, 1, 1, 1]);
    expect(values(ex['boxes']).slice(4, 8)).toEqual([10 / 640, 10 / 480, 110 / 640, 60 / 480].map(Math.fround));
    // Humans: 2 ×5, two ×2 (→ 2), 3 ×3: '2' by 7 of 10 → 1; '3' is not in the vocabulary.
    expect(values(ex['targets'])).toEqual([1, 0, 0, 0, 0, 0]);
    expect(values(ex['answerCounts'])).toEqual([7, 0, 0, 0, 0, 0]);
    expect([ex['answerType'], ex['questionType']]).toEqual([VQA_ANSWER_TYPES.indexOf('number'), VQA_QUESTION_TYPES.indexOf('how many')]);
    const first = (await ds.get(0)) as Record<string, unknown>; // image 458752: 3 regions, one padded slot
    expect(values(first['regionMask'])).toEqual([1, 1, 1, 0]);
    expect(values(first['regions']).slice(8)).toEqual([120, 121, 122, 123, 0, 0, 0, 0]);
    const saved = JSON.parse(readFileSync(join(outputDir, 'answer-vocab.json'), 'utf8')) as { answers: string[] };
    expect(saved.answers).toEqual(ds.info.classNames);
  });

  it('loads the saved vocabulary for evaluation, and joins by an imageKey template', async () => {
    const outputDir = mkdtempSync(join(tmpdir(), 'vqa-run-'));
    const context = runtime.createContext({ seed: 0, outputDir });
    await runtime.datasets.create('vqa', { ...train, answerVocab: { topK: 3 } }, context, 'data.train');
    const evalSet = await runtime.datasets.create(
      'vqa', { ...train, regions: { name: 'memory', prefix: 'img-' }, imageKey: 'img-{id}', answerVocab: join(outputDir, 'answer-vocab.json') }, context, 'data.eval',
    );
    expect(evalSet.info.classNames).toEqual(['2', 'net', 'no']);
    const ex = (await evalSet.get(2)) as Record<string, unknown>; // orange: not among the 3 answers
    expect(values(ex['targets'])).toEqual([0, 0, 0]);
    expect(values(ex['regions']).slice(0, 4)).toEqual([100, 101, 102, 103]);
  });

  it('scores soft targets leave-one-out by default (0.9 for 3 of 10 humans, as LXMERT, MCAN and ViLBERT), capped on request', async () => {
    const context = runtime.createContext({ seed: 0 });
    const answerVocab = { source: 'all-answers', minCount: 3 }; // yes pitcher 2 net orange no 3 red
    const byDefault = await runtime.datasets.create('vqa', { ...train, answerVocab }, context, 'data.train');
    const ex = (await byDefault.get(2)) as Record<string, unknown>; // orange ×7, red ×3
    expect(values(ex['targets'])).toEqual([0, 0, 0, 0, 1, 0, 0, Math.fround(0.9)]);
    const capped = await runtime.datasets.create('vqa', { ...train, answerVocab, scoring: 'capped' }, context, 'data.train');
    expect(values(((await capped.get(2)) as Record<string, unknown>)['targets'])).toEqual([0, 0, 0, 0, 1, 0, 0, 1]);
  });

  it('refuses an answerVocab.file that is not a file name inside the output directory', async () => {
    const context = runtime.createContext({ seed: 0, outputDir: mkdtempSync(join(tmpdir(), 'vqa-run-')) });
    for (const file of ['..', '.', 'sub/v.json']) {
      await expect(runtime.datasets.create('vqa', { ...train, answerVocab: { file } }, context, 'data.train')).rejects.toThrow(
        `vqa: answerVocab.file must be a file name inside the run's output directory, got ${JSON.stringify(file)}`,
      );
    }
  });

  it('names the question and image a store lacks, an unknown store, and a misspelt option', async () => {
    const context = runtime.createContext({ seed: 0 });
    const val = { questions: FILES.valQuestions, annotations: FILES.valAnnotations, regions: { name: 'memory' }, answerVocab: { minCount: 1 } };
    await expect(runtime.datasets.create('vqa', val, context, 'data.eval')).rejects.toThrow(
      "data.eval: dataset 'vqa' (plugin @crossmodal/dataset-vqa): vqa: question 1000 (image 42): the memory store has no regions for image 42 (looked for '42' or COCO_<split>_000000000042[.jpg]; 2 image(s) missing in all; the store holds 2 images",
    );
    await expect(runtime.datasets.create('vqa', { ...train, regions: { name: 'lxmert-tsv', path: 'x.tsv' }, answerVocab: {} }, context, 'data.train')).rejects.toThrow(
      "data.train: dataset 'vqa' (plugin @crossmodal/dataset-vqa): regions: Unknown region-store 'lxmert-tsv'. Known region-stores: memory.",
    );
    await expect(runtime.datasets.create('vqa', { ...train, maxRegion: 36, answerVocab: {} }, context, 'data.train')).rejects.toThrow(
      "vqa: unknown option 'maxRegion' (known: name, questions, annotations, regions, imageKey, vocab, lowercase, maxTextLength, maxRegions, answerVocab, scoring, split, limit)",
    );
    await expect(runtime.datasets.create('vqa', { ...train, answerVocab: { minCout: 2 } }, context, 'data.train')).rejects.toThrow("vqa: answerVocab: unknown option 'minCout'");
    await expect(runtime.datasets.create('vqa', train, context, 'data.train')).rejects.toThrow('vqa: answerVocab is required with annotations');
  });

  it('closes its region store when closed, and when it fails after opening it', async () => {
    const context = runtime.createContext({ seed: 0, outputDir: mkdtempSync(join(tmpdir(), 'vqa-close-')) });
    const before = { ...stores };
    const ds = await runtime.datasets.create('vqa', { ...train, answerVocab: { minCount: 1 } }, context, 'data.train');
    expect(stores).toEqual({ opened: before.opened + 1, closed: before.closed });
    await ds.close!();
    expect(stores.closed).toBe(before.closed + 1);
    // A question whose image the store lacks, then a vocabulary that is not there: the store opened for each is closed.
    const val = { questions: FILES.valQuestions, annotations: FILES.valAnnotations, regions: { name: 'memory' }, answerVocab: { minCount: 1 } };
    await expect(runtime.datasets.create('vqa', val, context, 'data.eval')).rejects.toThrow('the memory store has no regions for image 42');
    await expect(runtime.datasets.create('vqa', { ...train, vocab: join(tmpdir(), 'no-such-vocab.txt'), answerVocab: { minCount: 1 } }, context, 'data.train')).rejects.toThrow('no-such-vocab.txt');
    expect(stores).toEqual({ opened: before.opened + 3, closed: before.closed + 3 });
  });

  it('reads a test split without annotations: tokens and regions, no targets', async () => {
    const ds = await runtime.datasets.create('vqa', { questions: FILES.trainQuestions, vocab, maxTextLength: 14, regions: 'memory' }, runtime.createContext({ seed: 0 }));
    const ex = (await ds.get(5)) as Record<string, unknown>;
    expect(Object.keys(ex).sort()).toEqual(['attentionMask', 'boxes', 'imageId', 'inputIds', 'locations', 'questionId', 'regionMask', 'regions', 'tokenTypeIds']);
    expect((ex['inputIds'] as { shape: number[] }).shape).toEqual([14]);
    expect((ex['regions'] as { shape: number[] }).shape).toEqual([36, 4]);
  });
});
