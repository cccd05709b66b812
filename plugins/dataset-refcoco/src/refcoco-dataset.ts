// A referring-expression dataset: one example per expression (ViLBERT's entries), with the target
// box, the tokenized text when a tokenizer is given, and region labels when a region source is
// (with the regions' features too when they come from a region store).
import type { Dataset, DatasetInfo, Example, RegionFeatureStore } from '@crossmodal/core';
import { encodingToExample, padRegions, regionExampleFields, type BertTokenizer } from '@crossmodal/data';
import { labelRows, regionRows, type RegionBoxes } from './iou.ts';
import type { RefExpression } from './refer.ts';

/**
 * Where the region boxes of an image come from: an adapter over a `RegionFeatureStore`
 * (plugins/dataset-region-features) or any detector output. Boxes in pixels of the original image.
 */
export interface RegionBoxSource {
  /** The regions of image `imageId`, [N, 4] rows of x1, y1, x2, y2. */
  boxes(imageId: number): RegionBoxes | Promise<RegionBoxes>;
}

/** Region features from a store (core's REGION_STORES): the examples gain the regions themselves and their labels. */
export interface RefcocoRegionStore {
  readonly store: RegionFeatureStore;
  /** The store key of each image id (every expression's image has one: checked when the dataset is made). */
  readonly keyOf: ReadonlyMap<number, string>;
  /** D, the feature size (read from the first image). */
  readonly dim: number;
}

/** Options of {@link RefcocoDataset}. */
export interface RefcocoDatasetOptions {
  /** The dataset's name, for messages (`refcoco+`…). */
  readonly name: string;
  /** Tokenizes each expression into inputIds/tokenTypeIds/attentionMask of `maxLength`. */
  readonly tokenizer?: BertTokenizer;
  /** Token length, [CLS] and [SEP] included, truncated and padded to it; default 20 (ViLBERT's max_seq_length). */
  readonly maxLength?: number;
  /** Region boxes per image: the examples gain region labels (see {@link RefcocoDataset.get}). */
  readonly regions?: RegionBoxSource;
  /** Region features per image (instead of `regions`): the examples gain the padded regions and their labels. */
  readonly store?: RefcocoRegionStore;
  /** Regions per example, first ones kept and the rest padded (with regions); default 60 (ViLBERT's max_region_num). */
  readonly maxRegions?: number;
  /** IoU threshold of a positive region; default 0.5. */
  readonly threshold?: number;
  /** Pixel-inclusive IoU (ViLBERT's); default true. */
  readonly plusOne?: boolean;
}

/**
 * One example per referring expression.
 * @example
 * const refer = await loadRefer('data', 'refcoco', 'unc');
 * const ds = new RefcocoDataset(refer.expressions('val'), { name: 'refcoco', tokenizer });
 * ds.expression(0).text; // 'man on the left'
 */
export class RefcocoDataset implements Dataset {
  readonly size: number;
  readonly info: DatasetInfo;
  private readonly maxLength: number;
  private readonly maxRegions: number;

  constructor(
    /** The expressions, in example order. */
    readonly expressions: readonly RefExpression[],
    private readonly options: RefcocoDatasetOptions,
  ) {
    this.size = expressions.length;
    this.maxLength = options.maxLength ?? 20;
    this.maxRegions = options.maxRegions ?? 60;
    if (!Number.isInteger(this.maxLength) || this.maxLength < 3) {
      throw new RangeError(`${options.name}: maxLength must be an integer ≥ 3 ([CLS], a token and [SEP]), got ${this.maxLength}`);
    }
    if (!Number.isInteger(this.maxRegions) || this.maxRegions < 1) throw new RangeError(`${options.name}: maxRegions must be an integer ≥ 1, got ${this.maxRegions}`);
    if (options.regions && options.store) throw new RangeError(`${options.name}: give regions (boxes) or store (features), not both`);
    const T = this.maxLength;
    const R = this.maxRegions;
    const labelled = options.regions !== undefined || options.store !== undefined;
    this.info = {
      fields: {
        imageId: [], refId: [], sentId: [], categoryId: [], targetBox: [4], imageSize: [2],
        ...(options.tokenizer ? { inputIds: [T], tokenTypeIds: [T], attentionMask: [T] } : {}),
        ...(labelled ? { regionIou: [R], regionTarget: [R], regionLabel: [R], regionMask: [R], targetRegion: [], targetHit: [] } : {}),
        ...(options.store ? { regions: [R, options.store.dim], boxes: [R, 4], locations: [R, 5] } : {}),
      },
    };
  }

  /** Expression `index` with its ids, text and box (the part of an example that is not a number). */
  expression(index: number): RefExpression {
    const e = this.expressions[index];
    if (!Number.isInteger(index) || e === undefined) throw new RangeError(`${this.options.name}: index ${index} is out of range: expected 0..${this.size - 1}`);
    return e;
  }

  /** Closes the region store it reads (an LMDB file's descriptor); the run calls it when it ends. */
  async close(): Promise<void> {
    await this.options.store?.store.close?.();
  }

  /**
   * Example `index`: `imageId`, `refId`, `sentId`, `categoryId`; `targetBox` [4] (x1, y1, x2, y2,
   * pixels); `imageSize` [2] (height, width). With a tokenizer: `inputIds`, `tokenTypeIds`,
   * `attentionMask` [T]. With regions (R = maxRegions): `regionIou` [R] (ViLBERT's eval target),
   * `regionTarget` [R] (IoU where ≥ threshold: ViLBERT's training target), `regionLabel` [R]
   * (multi-hot), `regionMask` [R], `targetRegion` (best-IoU index), `targetHit` (1 when some region
   * reaches the threshold). With a store, the regions too: `regions` [R, D], `boxes` [R, 4]
   * (normalised), `locations` [R, 5]; over R regions the most confident are kept and the labels
   * index the kept slots.
   */
  get(index: number): Example | Promise<Example> {
    const e = this.expression(index);
    const base: Record<string, Example[string]> = {
      imageId: e.imageId,
      refId: e.refId,
      sentId: e.sentId,
      categoryId: e.categoryId,
      targetBox: { data: Float32Array.from(e.box), shape: [4] },
      imageSize: { data: Int32Array.of(e.image.height, e.image.width), shape: [2] },
    };
    const { tokenizer, regions, store } = this.options;
    if (tokenizer) {
      Object.assign(base, encodingToExample(tokenizer.encode(e.text, undefined, { maxLength: this.maxLength, padding: 'max_length' })));
    }
    if (store) return store.store.get(store.keyOf.get(e.imageId)!).then((r) => {
      const padded = padRegions(r, this.maxRegions);
      // The labels index the kept slots: gather the kept regions' pixel boxes in slot order.
      const rows = new Float64Array(padded.count * 4);
      for (let slot = 0; slot < padded.count; slot++) rows.set(r.boxes.subarray(padded.indices[slot]! * 4, padded.indices[slot]! * 4 + 4), slot * 4);
      return { ...this.withRegions(base, e, rows), ...regionExampleFields(padded) };
    });
    if (!regions) return base;
    const boxes = regions.boxes(e.imageId);
    const rowsOf = (b: RegionBoxes): Float64Array => {
      const rows = regionRows(b, `${this.options.name}: regions of image ${e.imageId}`);
      return rows.subarray(0, Math.min(rows.length / 4, this.maxRegions) * 4);
    };
    return boxes instanceof Promise ? boxes.then((b) => this.withRegions(base, e, rowsOf(b))) : this.withRegions(base, e, rowsOf(boxes));
  }

  /** The label fields over `rows` [n ≤ R, 4] pixel boxes (slot order), padded to R. */
  private withRegions(base: Record<string, Example[string]>, e: RefExpression, rows: Float64Array): Example {
    const R = this.maxRegions;
    const n = rows.length / 4;
    const labels = labelRows(rows, e.box, {
      ...(this.options.threshold === undefined ? {} : { threshold: this.options.threshold }),
      ...(this.options.plusOne === undefined ? {} : { plusOne: this.options.plusOne }),
    });
    const pad = (values: Float32Array): { data: Float32Array; shape: number[] } => {
      const out = new Float32Array(R);
      out.set(values);
      return { data: out, shape: [R] };
    };
    return {
      ...base,
      regionIou: pad(labels.ious),
      regionTarget: pad(labels.soft),
      regionLabel: pad(labels.multiHot),
      regionMask: pad(new Float32Array(n).fill(1)),
      targetRegion: labels.best,
      targetHit: labels.hit ? 1 : 0,
    };
  }
}
