// The `refcoco` provider on the fixture data root: options checked before reading, one example per
// expression with its box and tokens, and the region-box source of the library API.
import type { HostTensor } from '@crossmodal/core';
import { BertTokenizer } from '@crossmodal/data';
import { describe, expect, it } from 'vitest';
import { FILES, ROOT } from './fixtures.spec-helper.ts';
import { RefcocoDataset, type RegionBoxSource } from './refcoco-dataset.ts';
import { readRefcocoOptions, refcocoProvider } from './refcoco.ts';
import { loadRefer } from './refer-files.ts';

const create = (config: Record<string, unknown>) => Promise.resolve(refcocoProvider.create(config, { seed: 0 })) as Promise<RefcocoDataset>;
const values = (t: unknown): number[] => Array.from((t as HostTensor).data);

describe('refcoco options', () => {
  it('defaults to refcoco, unc, train, raw text; refcocog defaults to umd', () => {
    expect(readRefcocoOptions({ path: 'p' })).toEqual({ path: 'p', dataset: 'refcoco', splitBy: 'unc', split: 'train', text: 'raw' });
    expect(readRefcocoOptions({ path: 'p', dataset: 'refcocog' }).splitBy).toBe('umd');
  });

  it('names the option, the value and what is expected', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, "refcoco: path is required: refer's data root"],
      [{ path: 'p', dataset: 'refclef' }, "refcoco: dataset must be one of 'refcoco', 'refcoco+', 'refcocog', got 'refclef'"],
      [{ path: 'p', dataset: 'refcoco+', splitBy: 'google' }, "refcoco: splitBy must be one of 'unc', got 'google'"],
      [{ path: 'p', dataset: 'refcocog', splitBy: 'unc' }, "refcoco: splitBy must be one of 'umd', 'google', got 'unc'"],
      [{ path: 'p', split: 'test2' }, "refcoco: split must be one of 'train', 'val', 'test', 'testA', 'testB'"],
      [{ path: 'p', text: 'tokens' }, "refcoco: text must be one of 'raw', 'sent', got 'tokens'"],
      [{ path: 'p', maxLength: 16 }, 'refcoco: lowercase and maxLength apply to the tokenizer: give vocab'],
      [{ path: 'p', vocab: 'v.txt', maxLength: 2 }, 'refcoco: maxLength must be an integer ≥ 3, got 2'],
      [{ path: 'p', limit: 0 }, 'refcoco: limit must be an integer ≥ 1, got 0'],
      [{ path: 'p', maxRegions: 36 }, 'refcoco: imageKey and maxRegions apply to region features: give regions'],
      [{ path: 'p', regions: 'lmdb', maxRegions: 0 }, 'refcoco: maxRegions must be an integer ≥ 1, got 0'],
      [{ path: 'p', splitby: 'unc' }, "refcoco: unknown option 'splitby'"],
    ];
    for (const [config, message] of cases) expect(() => readRefcocoOptions(config), message).toThrow(message);
  });
});

describe('refcocoProvider', () => {
  it('yields one example per expression of the split with ids, target box and image size', async () => {
    const ds = await create({ path: ROOT, split: 'testB' });
    expect(ds.size).toBe(2);
    expect(ds.expressions.map((e) => e.text)).toEqual(['red car', 'dog at her feet']);
    const ex = await ds.get(0);
    expect(Object.keys(ex).sort()).toEqual(['categoryId', 'imageId', 'imageSize', 'refId', 'sentId', 'targetBox']);
    expect([ex['imageId'], ex['refId'], ex['sentId'], ex['categoryId']]).toEqual([102, 4, 17, 3]);
    expect(values(ex['targetBox'])).toEqual([200, 100, 500, 250]);
    expect(values(ex['imageSize'])).toEqual([427, 640]);
    expect(ds.info.fields).toEqual({ imageId: [], refId: [], sentId: [], categoryId: [], targetBox: [4], imageSize: [2] });
    expect(() => ds.expression(2)).toThrow('refcoco: index 2 is out of range: expected 0..1');
  });

  it('reads refcocog (umd) and refcoco (google), and cuts to limit', async () => {
    expect((await create({ path: ROOT, dataset: 'refcocog', split: 'test' })).expressions.map((e) => e.sentId)).toEqual([33]);
    expect((await create({ path: ROOT, splitBy: 'google', split: 'val', text: 'sent' })).expressions.map((e) => e.text)).toEqual([
      'a woman in a white dress', 'lady holding a leash',
    ]);
    expect((await create({ path: ROOT, split: 'val', limit: 2 })).size).toBe(2);
  });

  it('tokenizes the text with a vocab.txt into [CLS] … [SEP] padded to maxLength', async () => {
    const ds = await create({ path: ROOT, vocab: FILES.vocab, maxLength: 8 });
    const ex = await ds.get(1); // 'Left guy in café shirt': lower-cased, accent stripped, caf ##e
    expect(values(ex['inputIds'])).toEqual([2, 16, 12, 14, 5, 6, 24, 3]);
    const short = await ds.get(0); // 'man on the left'
    expect(values(short['inputIds'])).toEqual([2, 17, 19, 26, 16, 3, 0, 0]);
    expect(values(short['attentionMask'])).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    expect(values(short['tokenTypeIds'])).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ds.info.fields!['inputIds']).toEqual([8]);
  });

  it('says which splits a file holds when the requested one selects nothing', async () => {
    await expect(create({ path: ROOT, splitBy: 'google', split: 'testA' })).rejects.toThrow(
      "refcoco (google): split 'testA' selects no refs; the file holds train (2 refs), val (1 refs) (published google splits: train, val)",
    );
  });
});

describe('RefcocoDataset with a region source', () => {
  // Detector boxes per image, as a feature store would give them: x1, y1, x2, y2 in pixels.
  const boxes: Record<number, number[][]> = {
    101: [[300, 40, 420.5, 300], [10, 20, 110, 220], [0, 0, 640, 480]],
    102: [[0, 0, 30, 30]],
    103: [[0, 0, 375, 500], [120, 300, 180, 390]],
  };

  it('adds region IoUs, soft and multi-hot targets, the best region and a hit flag, padded to maxRegions', async () => {
    const refer = await loadRefer(ROOT, 'refcoco', 'unc');
    const source: RegionBoxSource = { boxes: (id) => boxes[id]! };
    const ds = new RefcocoDataset(refer.expressions('train'), { name: 'refcoco', regions: source, maxRegions: 4 });
    const ex = await ds.get(0); // ref 1: target [10.5, 20.25, 110.5, 220.25]
    expect(ex['targetRegion']).toBe(1);
    expect(ex['targetHit']).toBe(1);
    expect(values(ex['regionMask'])).toEqual([1, 1, 1, 0]);
    expect(values(ex['regionLabel'])).toEqual([0, 1, 0, 0]);
    const iou = values(ex['regionIou']);
    expect(iou[1]).toBeGreaterThan(0.98);
    expect(values(ex['regionTarget'])).toEqual([0, iou[1], 0, 0]);
    expect((await ds.get(2))['targetRegion']).toBe(0); // ref 2: the first box is its own
    expect(ds.info.fields!['regionIou']).toEqual([4]);
  });

  it('flags an expression no region reaches, with an async source', async () => {
    const refer = await loadRefer(ROOT, 'refcoco', 'unc');
    const source: RegionBoxSource = { boxes: async (id) => ({ data: Float32Array.from(boxes[id]!.flat()), shape: [boxes[id]!.length, 4] }) };
    const ds = new RefcocoDataset(refer.expressions('val'), { name: 'refcoco', regions: source, maxRegions: 2 });
    const ex = await ds.get(0);
    expect([ex['targetHit'], ex['targetRegion']]).toEqual([0, 0]);
    expect(values(ex['regionLabel'])).toEqual([0, 0]);
    const bad = new RefcocoDataset(refer.expressions('val'), { name: 'refcoco', regions: { boxes: () => [[1, 2, 3]] } });
    await expect(async () => bad.get(0)).rejects.toThrow('refcoco: regions of image 102[0]: got [1,2,3], expected [x1, y1, x2, y2]');
    expect(() => new RefcocoDataset([], { name: 'refcoco', maxRegions: 0 })).toThrow('refcoco: maxRegions must be an integer ≥ 1, got 0');
  });

  it('keeps BertTokenizer usable on its own over the expressions', async () => {
    const tok = await BertTokenizer.fromVocabFile(FILES.vocab);
    const refer = await loadRefer(ROOT, 'refcoco', 'unc');
    expect(refer.expressions('testA').map((e) => tok.tokenize(e.text))).toEqual([['woman'], ['lady', 'in', 'white']]);
  });
});
