// refer's index: refs joined with their annotations, splits selected as getRefIds does, one entry
// per expression, and the files found under refer's data root.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesOf, FILES, ROOT, scratchDir } from './fixtures.spec-helper.ts';
import { parseInstances } from './instances.ts';
import { loadRefer, locateRefer } from './refer-files.ts';
import { inSplit, Refer, xywhToXyxy } from './refer.ts';
import { parseRefsPickle } from './refs-pickle.ts';

const instancesJson = (): any => JSON.parse(readFileSync(FILES.instances, 'utf8'));
const uncRefer = (): Refer => new Refer(parseRefsPickle(bytesOf(FILES.unc), FILES.unc), parseInstances(instancesJson(), FILES.instances), FILES.unc);

describe('Refer', () => {
  it('selects splits as refer.getRefIds does', () => {
    const refer = uncRefer();
    expect(refer.refIds()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(refer.refIds('train')).toEqual([1, 2]);
    expect(refer.refIds('val')).toEqual([3]);
    expect(refer.refIds('testA')).toEqual([5]);
    expect(refer.refIds('testB')).toEqual([4, 6]);
    expect(refer.refIds('test')).toEqual([4, 5, 6]);
    expect([inSplit('testAB', 'testA'), inSplit('testAB', 'testB'), inSplit('testAB', 'testAB'), inSplit('testA', 'testAB')]).toEqual([true, true, true, false]);
    expect([...refer.splitCounts()]).toEqual([['train', 2], ['val', 1], ['testB', 2], ['testA', 1]]);
  });

  it('gives the target box of a ref from its ann_id (refer.getRefBox) and ViLBERT’s x1, y1, x2, y2', () => {
    const refer = uncRefer();
    expect(refer.refBox(2)).toEqual([300, 40, 120.5, 260]);
    expect(xywhToXyxy([300, 40, 120.5, 260])).toEqual([300, 40, 420.5, 300]);
    expect(() => refer.refBox(77)).toThrow('no ref with ref_id 77');
  });

  it('lists one entry per expression, refs then sentences in file order', () => {
    const refer = uncRefer();
    const val = refer.expressions('val');
    expect(val.map((e) => [e.sentId, e.text])).toEqual([[14, 'small dog'], [15, 'dog near car'], [16, 'the brown one']]);
    expect(val[0]).toMatchObject({ refId: 3, annId: 1003, imageId: 102, categoryId: 18, category: 'dog', split: 'val', box: [50, 60, 130, 100] });
    expect(val[0]!.image).toEqual({ id: 102, fileName: 'COCO_train2014_000000000102.jpg', height: 427, width: 640 });
    expect(refer.expressions('train', 'raw')[1]!.text).toBe('Left guy in café shirt');
    expect(refer.expressions('train', 'sent')[1]!.text).toBe('left guy in café shirt');
    expect(refer.expressions().length).toBe(10);
  });

  it('names the refs record whose ann_id, image or category instances.json lacks', () => {
    const refs = parseRefsPickle(bytesOf(FILES.unc), 'refs(unc).p');
    const without = (edit: (j: any) => void) => {
      const j = instancesJson();
      edit(j);
      return parseInstances(j, 'instances.json');
    };
    expect(() => new Refer(refs, without((j) => j.annotations.splice(3, 1)), 'refs(unc).p')).toThrow(
      'refs(unc).p: record 3 (ref_id 4): ann_id: 1004 is not an annotation id of instances.json (a refs file of another dataset?)',
    );
    expect(() => new Refer(refs, without((j) => { j.annotations[0].image_id = 102; }), 'refs(unc).p')).toThrow(
      'refs(unc).p: record 0 (ref_id 1): image_id: 101, but annotation 1001 of instances.json is on image 102',
    );
    expect(() => new Refer([refs[0]!, refs[0]!], without(() => {}), 'refs(unc).p')).toThrow('refs(unc).p: record 1 (ref_id 1): ref_id: 1 repeats an earlier record');
  });
});

describe('locateRefer / loadRefer', () => {
  it('finds the files under refer’s data root or in the dataset folder', async () => {
    expect(locateRefer(ROOT, 'refcocog', 'umd')).toEqual({ refs: join(ROOT, 'refcocog', 'refs(umd).p'), instances: join(ROOT, 'refcocog', 'instances.json') });
    expect(locateRefer(join(ROOT, 'refcoco'), 'refcoco', 'google').refs).toBe(join(ROOT, 'refcoco', 'refs(google).p'));
    const refer = await loadRefer(ROOT, 'refcoco', 'google');
    expect(refer.refIds('train')).toEqual([1, 3]);
  });

  it('says where it looked, and what is missing beside a refs file', () => {
    expect(() => locateRefer(ROOT, 'refcoco+', 'unc')).toThrow(`refcoco+: no refs(unc).p in ${join(ROOT, 'refcoco+')} or ${ROOT}; path must be refer's data root`);
    const dir = scratchDir({ 'refs(unc).p': bytesOf(FILES.unc) });
    expect(() => locateRefer(dir, 'refcoco', 'unc')).toThrow(`refcoco: found ${join(dir, 'refs(unc).p')} but not ${join(dir, 'instances.json')} beside it`);
  });

  it('names the file of a truncated instances.json', async () => {
    const dir = scratchDir({ 'refs(unc).p': bytesOf(FILES.unc), 'instances.json': readFileSync(FILES.instances, 'utf8').slice(0, 500) });
    await expect(loadRefer(dir, 'refcoco', 'unc')).rejects.toThrow(`${join(dir, 'instances.json')}: not valid JSON (500 characters; truncated?)`);
  });
});
