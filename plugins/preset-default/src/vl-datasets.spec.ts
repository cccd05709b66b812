// The VL datasets as a CLI run builds them: the default plugins' runtime, a `vqa` and a `refcoco`
// dataset whose `regions` option names the `lxmert-tsv` store of dataset-region-features, over
// files generated here (an LXMERT TSV written by that plugin, a vocab.txt) and the plugins' JSON fixtures.
import { createRuntime, type HostTensor } from '@crossmodal/core';
import { writeLxmertTsv, type LxmertRecord } from '@crossmodal/dataset-region-features';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultPlugins } from './default-plugins.ts';

const VQA = fileURLToPath(new URL('../../dataset-vqa/fixtures/', import.meta.url));
const REFER = fileURLToPath(new URL('../../dataset-refcoco/fixtures/refer/', import.meta.url));
const WORDS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '?', 'what', 'color', 'is', 'the', 'players', 'shirt', 'how', 'many', 'people', 'are', 'there'];
const values = (t: unknown): number[] => Array.from((t as HostTensor).data);

/** An LXMERT record of N regions of D = 3: region i has features [k + i, k + i + 0.5, k + i + 0.25], box [20i, 10i, 20i + 200, 10i + 100], confidence 1 − i/10. */
function record(imgId: string, n: number, k: number, size = { w: 640, h: 480 }): LxmertRecord {
  return {
    imgId, imgH: size.h, imgW: size.w, numBoxes: n, dim: 3,
    objectsId: Int32Array.from({ length: n }, (_, i) => i), objectsConf: Float32Array.from({ length: n }, (_, i) => 1 - i / 10),
    attrsId: new Int32Array(n), attrsConf: new Float32Array(n),
    boxes: Float32Array.from({ length: n * 4 }, (_, j) => [20, 10, 20, 10][j % 4]! * Math.floor(j / 4) + [0, 0, 200, 100][j % 4]!),
    features: Float32Array.from({ length: n * 3 }, (_, j) => k + Math.floor(j / 3) + [0, 0.5, 0.25][j % 3]!),
  };
}

describe('vl datasets through the default plugins', () => {
  const runtime = createRuntime(defaultPlugins);
  const dir = mkdtempSync(join(tmpdir(), 'preset-vl-'));
  const tsv = join(dir, 'train2014_obj36.tsv');
  const vocab = join(dir, 'vocab.txt');
  beforeAll(async () => {
    // LXMERT names images by COCO stem; the VQA files by numeric image_id: the default join maps them.
    await writeLxmertTsv(tsv, [record('COCO_train2014_000000458752', 5, 100), record('COCO_train2014_000000262146', 2, 200), record('COCO_train2014_000000000102', 3, 300, { w: 640, h: 427 })]);
    writeFileSync(vocab, `${WORDS.join('\n')}\n`);
  });
  const vqa = {
    questions: join(VQA, 'v2_OpenEnded_mscoco_train2014_questions.json'), annotations: join(VQA, 'v2_mscoco_train2014_annotations.json'),
    vocab, maxRegions: 4, regions: { name: 'lxmert-tsv', path: tsv },
  };

  it('builds vqa from an LXMERT TSV: token ids, the TSV rows (most confident 4 of 5), soft targets; saves the vocabulary', async () => {
    const outputDir = join(dir, 'run');
    const ds = await runtime.datasets.create('vqa', { ...vqa, answerVocab: { minCount: 1 } }, runtime.createContext({ seed: 0, outputDir }), 'data.train');
    const ex = await ds.get(2); // 'What color is the players shirt?' on image 458752; humans: orange ×7, red ×3
    expect(values(ex['inputIds']).slice(0, 9)).toEqual(['[CLS]', 'what', 'color', 'is', 'the', 'players', 'shirt', '?', '[SEP]'].map((w) => WORDS.indexOf(w)));
    expect(values(ex['regions'])).toEqual([100, 100.5, 100.25, 101, 101.5, 101.25, 102, 102.5, 102.25, 103, 103.5, 103.25]);
    expect(values(ex['boxes']).slice(4, 8)).toEqual([20 / 640, 10 / 480, 220 / 640, 110 / 480].map(Math.fround));
    expect(values(ex['locations']).slice(5, 9)).toEqual([20 / 640, 10 / 480, 220 / 640, 110 / 480].map(Math.fround));
    expect(values(ex['locations'])[9]).toBeCloseTo((200 / 640) * (100 / 480), 6); // ViLBERT's area fraction
    expect(values(ex['regionMask'])).toEqual([1, 1, 1, 1]);
    const orange = ds.info.classNames!.indexOf('orange');
    expect(values(ex['targets'])[orange]).toBe(1); // capped: min(1, 7/3)
    expect(values(ex['answerCounts'])[orange]).toBe(7);
    const short = await ds.get(4); // image 262146: 2 regions, 2 padded slots
    expect([values(short['regionMask']), values(short['regions']).slice(0, 3)]).toEqual([[1, 1, 0, 0], [200, 200.5, 200.25]]);
    const saved = JSON.parse(readFileSync(join(outputDir, 'answer-vocab.json'), 'utf8')) as { answers: string[] };
    expect(saved.answers).toEqual(ds.info.classNames);
    // Evaluation loads that file and scores the same classes.
    const evalSet = await runtime.datasets.create('vqa', { ...vqa, answerVocab: join(outputDir, 'answer-vocab.json') }, runtime.createContext({ seed: 0, outputDir }), 'data.eval');
    expect(evalSet.info.classNames).toEqual(ds.info.classNames);
  });

  it('names the store and option errors by field', async () => {
    const context = runtime.createContext({ seed: 0 });
    await expect(runtime.datasets.create('vqa', { ...vqa, regions: { name: 'lxmert-tsv', path: tsv, topk: 1 }, answerVocab: {} }, context, 'data.train')).rejects.toThrow(
      "vqa: question 262146000 (image 262146): the lxmert-tsv store has no regions for image 262146",
    );
    await expect(runtime.datasets.create('vqa', { ...vqa, regions: { name: 'lxmert-tsv', path: tsv, globalRegions: true }, answerVocab: {} }, context, 'data.train')).rejects.toThrow(
      "regions: region-store 'lxmert-tsv' (plugin @crossmodal/dataset-region-features): lxmert-tsv: unknown option 'globalRegions'",
    );
    await expect(runtime.datasets.create('vqa', { ...vqa, regions: { name: 'lxmert', path: tsv }, answerVocab: {} }, context, 'data.train')).rejects.toThrow(
      "regions: Unknown region-store 'lxmert'. Known region-stores: lmdb, lxmert-tsv, mcan-npz.",
    );
  });

  it('builds refcoco with regions from the same TSV: the target region by IoU ≥ 0.5', async () => {
    // Image 102's regions: [0, 0, 200, 100], [20, 10, 220, 110], [40, 20, 240, 120]; ref 4's target is [200, 100, 500, 250]: no region reaches it.
    const ds = await runtime.datasets.create('refcoco', { path: REFER, split: 'testB', limit: 1, regions: { name: 'lxmert-tsv', path: tsv }, maxRegions: 4 }, runtime.createContext({ seed: 0 }));
    const ex = await ds.get(0);
    expect([ex['imageId'], ex['targetHit'], values(ex['regionMask'])]).toEqual([102, 0, [1, 1, 1, 0]]);
    expect(values(ex['regions']).slice(0, 6)).toEqual([300, 300.5, 300.25, 301, 301.5, 301.25]);
  });

  it('lists the region stores beside the datasets', () => {
    const rows = runtime.list().filter((r) => r.kind === 'region-store').map((r) => `${r.name} ${r.plugin}`);
    expect(rows).toEqual(['lmdb @crossmodal/dataset-region-features', 'lxmert-tsv @crossmodal/dataset-region-features', 'mcan-npz @crossmodal/dataset-region-features']);
  });
});
