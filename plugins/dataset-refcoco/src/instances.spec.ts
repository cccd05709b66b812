// instances.json (COCO format as refer ships it): the fields refer reads, checked with the file,
// the record and the field named.
import { parseJsonText } from '@crossmodal/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FILES } from './fixtures.spec-helper.ts';
import { parseInstances } from './instances.ts';

const json = (): any => JSON.parse(readFileSync(FILES.instances, 'utf8'));

describe('parseInstances', () => {
  it('reads images, annotations with their [x, y, w, h] boxes, and categories', () => {
    const inst = parseInstances(json(), 'instances.json');
    expect(inst.images.map((i) => [i.id, i.height, i.width])).toEqual([[101, 480, 640], [102, 427, 640], [103, 500, 375]]);
    expect(inst.images[0]!.fileName).toBe('COCO_train2014_000000000101.jpg');
    expect(inst.annotations[0]).toEqual({ id: 1001, imageId: 101, categoryId: 1, bbox: [10.5, 20.25, 100, 200] });
    expect(inst.categories).toEqual([{ id: 1, name: 'person' }, { id: 3, name: 'car' }, { id: 18, name: 'dog' }]);
  });

  it('names the file, the record and the field of a bad value', () => {
    const cases: [(j: any) => void, string][] = [
      [(j) => { j.annotations[2].bbox = [1, 2, 3]; }, 'f.json: annotations[2].bbox: got [1,2,3], expected [x, y, width, height]: 4 finite numbers, width and height ≥ 0'],
      [(j) => { j.annotations[1].bbox[3] = -4; }, 'f.json: annotations[1].bbox: got [300,40,120.5,-4], expected [x, y, width, height]'],
      [(j) => { delete j.annotations[4].id; }, 'f.json: annotations[4].id: missing, expected an integer'],
      [(j) => { j.annotations[0].image_id = 999; }, 'f.json: annotations[0].image_id: got 999, expected the id of an image in images[]'],
      [(j) => { j.annotations[3].category_id = 2; }, 'f.json: annotations[3].category_id: got 2, expected the id of a category in categories[]'],
      [(j) => { j.annotations[5].id = 1001; }, 'f.json: annotations[5].id: 1001 repeats annotations[0].id, expected unique ids'],
      [(j) => { j.images[1].height = 0; }, 'f.json: images[1].height: got 0, expected an integer ≥ 1'],
      [(j) => { j.categories[0] = 'person'; }, 'f.json: categories[0]: got "person", expected an object'],
      [(j) => { delete j.images; }, 'f.json: top level.images: missing, expected an array'],
    ];
    for (const [edit, message] of cases) {
      const j = json();
      edit(j);
      expect(() => parseInstances(j, 'f.json'), message).toThrow(message);
    }
  });

  it('names a truncated file', () => {
    const text = readFileSync(FILES.instances, 'utf8');
    expect(() => parseJsonText(text.slice(0, 900), 'refcoco/instances.json')).toThrow(/^refcoco\/instances\.json: not valid JSON \(900 characters; truncated\?\): /);
  });
});
