// refer's index over one dataset (lichengunc/refer refer.py, REFER.createIndex and getRefIds):
// refs joined with their annotation, image and category; splits selected as refer selects them;
// one entry per expression, as ViLBERT's refer task reads them. Pure.
import type { CocoAnnotation, CocoImage, Instances } from './instances.ts';
import { RefcocoFormatError, type RefRecord } from './refs-pickle.ts';

/** The datasets of refer's data root that hold COCO images. */
export const REFER_DATASETS = ['refcoco', 'refcoco+', 'refcocog'] as const;
export type ReferDataset = (typeof REFER_DATASETS)[number];

/** Who made the split: UNC (Yu et al. 2016), Google (Mao et al. 2016) or UMD (Nagaraja et al. 2016). */
export type SplitBy = 'unc' | 'google' | 'umd';

/** The `refs(<splitBy>).p` files each dataset ships (the first is the default). */
export const SPLIT_BY: Readonly<Record<ReferDataset, readonly SplitBy[]>> = {
  refcoco: ['unc', 'google'],
  'refcoco+': ['unc'],
  refcocog: ['umd', 'google'],
};

/** The split names the published files hold, per splitBy (for messages and the README). */
export const PUBLISHED_SPLITS: Readonly<Record<SplitBy, readonly string[]>> = {
  unc: ['train', 'val', 'testA', 'testB'],
  google: ['train', 'val'],
  umd: ['train', 'val', 'test'],
};

/**
 * The split names refer's `getRefIds(split=…)` accepts: `testA` takes every ref whose split
 * contains `A` (so `testAB` too), `test` every split containing `test`, the rest match exactly.
 */
export const REFER_SPLITS = ['train', 'val', 'test', 'testA', 'testB', 'testC', 'testAB', 'testBC', 'testAC'] as const;
export type ReferSplit = (typeof REFER_SPLITS)[number];

/** A box as [x1, y1, x2, y2] in pixels. */
export type Box = readonly [number, number, number, number];

/** One referring expression with what it refers to: ViLBERT's entry `{caption, sent_id, image_id, refBox, ref_id}`. */
export interface RefExpression {
  /** The text to tokenize: the sentence's `raw` (ViLBERT) or `sent` (refer's cleaned text). */
  readonly text: string;
  readonly sentId: number;
  readonly refId: number;
  readonly annId: number;
  readonly imageId: number;
  readonly categoryId: number;
  /** The category's name from instances.json. */
  readonly category: string;
  /** The ref's split as stored (`testA`…). */
  readonly split: string;
  /** The target: the annotation's bbox as [x1, y1, x2, y2] = [x, y, x + w, y + h] (ViLBERT's conversion). */
  readonly box: Box;
  readonly image: CocoImage;
}

/** COCO's [x, y, w, h] as [x1, y1, x2, y2]. */
export function xywhToXyxy([x, y, w, h]: readonly [number, number, number, number]): Box {
  return [x, y, x + w, y + h];
}

/** Whether a ref stored with `stored` split belongs to the requested split, as refer's getRefIds decides. */
export function inSplit(stored: string, split: ReferSplit): boolean {
  if (split === 'testA' || split === 'testB' || split === 'testC') return stored.includes(split.slice(-1));
  if (split === 'test') return stored.includes('test');
  return stored === split;
}

/**
 * refs(…).p joined with instances.json, as refer's REFER builds it; every ref's ann_id and
 * image_id must exist (an error names the refs file, the record and the field).
 * @example
 * const refer = new Refer(parseRefsPickle(bytes, refsFile), instances, refsFile);
 * refer.expressions('testA').map((e) => e.text);
 */
export class Refer {
  readonly refs: readonly RefRecord[];
  readonly annotations: ReadonlyMap<number, CocoAnnotation>;
  readonly images: ReadonlyMap<number, CocoImage>;
  readonly categories: ReadonlyMap<number, string>;
  private readonly byRefId = new Map<number, RefRecord>();

  constructor(refs: readonly RefRecord[], instances: Instances, refsFile: string) {
    this.refs = refs;
    this.annotations = new Map(instances.annotations.map((a) => [a.id, a]));
    this.images = new Map(instances.images.map((i) => [i.id, i]));
    this.categories = new Map(instances.categories.map((c) => [c.id, c.name]));
    refs.forEach((ref, index) => {
      const where = `${refsFile}: record ${index} (ref_id ${ref.refId})`;
      if (this.byRefId.has(ref.refId)) throw new RefcocoFormatError(`${where}: ref_id: ${ref.refId} repeats an earlier record's, expected unique ref ids`);
      const ann = this.annotations.get(ref.annId);
      if (!ann) throw new RefcocoFormatError(`${where}: ann_id: ${ref.annId} is not an annotation id of ${instances.file} (a refs file of another dataset?)`);
      if (!this.images.has(ref.imageId)) throw new RefcocoFormatError(`${where}: image_id: ${ref.imageId} is not an image id of ${instances.file}`);
      if (ann.imageId !== ref.imageId) {
        throw new RefcocoFormatError(`${where}: image_id: ${ref.imageId}, but annotation ${ref.annId} of ${instances.file} is on image ${ann.imageId}`);
      }
      if (!this.categories.has(ref.categoryId)) throw new RefcocoFormatError(`${where}: category_id: ${ref.categoryId} is not a category id of ${instances.file}`);
      this.byRefId.set(ref.refId, ref);
    });
  }

  /** The ref with this ref_id; an error when there is none. */
  ref(refId: number): RefRecord {
    const ref = this.byRefId.get(refId);
    if (!ref) throw new RangeError(`no ref with ref_id ${refId}`);
    return ref;
  }

  /** Ref ids in file order, of one split or of all (refer's getRefIds). */
  refIds(split?: ReferSplit): number[] {
    return this.refs.filter((r) => split === undefined || inSplit(r.split, split)).map((r) => r.refId);
  }

  /** The target box of a ref: its annotation's bbox, [x, y, w, h] (refer's getRefBox). */
  refBox(refId: number): readonly [number, number, number, number] {
    return this.annotations.get(this.ref(refId).annId)!.bbox;
  }

  /** How many refs each stored split holds, in order of first appearance. */
  splitCounts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.refs) counts.set(r.split, (counts.get(r.split) ?? 0) + 1);
    return counts;
  }

  /**
   * One entry per expression of the split's refs, in file order (refs, then their sentences), as
   * ViLBERT's `_load_annotations`.
   * @param text - `raw` (default, ViLBERT's caption) or `sent` (refer's cleaned, lower-cased text)
   */
  expressions(split?: ReferSplit, text: 'raw' | 'sent' = 'raw'): RefExpression[] {
    const out: RefExpression[] = [];
    for (const ref of this.refs) {
      if (split !== undefined && !inSplit(ref.split, split)) continue;
      const ann = this.annotations.get(ref.annId)!;
      const common = {
        refId: ref.refId, annId: ref.annId, imageId: ref.imageId, categoryId: ref.categoryId,
        category: this.categories.get(ref.categoryId)!, split: ref.split, box: xywhToXyxy(ann.bbox), image: this.images.get(ref.imageId)!,
      };
      for (const s of ref.sentences) out.push({ ...common, text: text === 'raw' ? s.raw : s.sent, sentId: s.sentId });
    }
    return out;
  }
}
