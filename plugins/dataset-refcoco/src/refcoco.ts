// The `refcoco` dataset: RefCOCO, RefCOCO+ or RefCOCOg read from refer's data root, one example
// per expression with its target box (and tokens when a vocabulary is given).
// Yu et al. 2016 (RefCOCO, RefCOCO+): https://arxiv.org/abs/1608.00272; Mao et al. 2016 (RefCOCOg): https://arxiv.org/abs/1511.02283
import { readOptions, REGION_STORES, type CreateContext, type DatasetConfig, type DatasetProvider, type NamedSpec, type RegionFeatureStore } from '@crossmodal/core';
import { BertTokenizer, describeRegionKey, regionKeyResolver } from '@crossmodal/data';
import { RefcocoDataset, type RefcocoRegionStore } from './refcoco-dataset.ts';
import { loadRefer } from './refer-files.ts';
import { PUBLISHED_SPLITS, REFER_DATASETS, REFER_SPLITS, SPLIT_BY, type RefExpression, type ReferDataset, type ReferSplit, type SplitBy } from './refer.ts';

/** Options of the `refcoco` dataset. */
export interface RefcocoConfig {
  /** Required: refer's data root (holding `refcoco/`, `refcoco+/`, `refcocog/`) or one dataset's folder. */
  readonly path: string;
  /** `refcoco` (default), `refcoco+` or `refcocog`. */
  readonly dataset?: ReferDataset;
  /** Whose split: `unc` (default for refcoco, refcoco+) or `google` for refcoco; `umd` (default) or `google` for refcocog. */
  readonly splitBy?: SplitBy;
  /** `train` (default), `val`, `testA`, `testB` (unc), `test` (umd)…, selected as refer's getRefIds does. */
  readonly split?: ReferSplit;
  /** Which text of a sentence: `raw` (default; ViLBERT's) or `sent` (refer's cleaned, lower-cased). */
  readonly text?: 'raw' | 'sent';
  /** A BERT `vocab.txt` or WordPiece `tokenizer.json`: examples gain inputIds/tokenTypeIds/attentionMask. */
  readonly vocab?: string;
  /** Lower-case (an uncased vocabulary; default true). Only with vocab.txt: tokenizer.json says it itself. */
  readonly lowercase?: boolean;
  /** Token length with [CLS] and [SEP]; default 20 (ViLBERT's). */
  readonly maxLength?: number;
  /** Keep the first `limit` expressions. */
  readonly limit?: number;
  /** A region store, e.g. `{ name: 'lmdb', path: … }` (any provider under REGION_STORES): examples gain regions and region labels. */
  readonly regions?: NamedSpec;
  /** How an image_id becomes a store key: a template such as `COCO_train2014_{id:012}`; default: the id, else the COCO stem with it. */
  readonly imageKey?: string;
  /** Region slots R; default 60 (ViLBERT's max_region_num). */
  readonly maxRegions?: number;
}

const KNOWN = ['path', 'dataset', 'splitBy', 'split', 'text', 'vocab', 'lowercase', 'maxLength', 'limit', 'regions', 'imageKey', 'maxRegions'];

/** Reads and checks the options (before any file is read). */
export function readRefcocoOptions(config: DatasetConfig): Required<Pick<RefcocoConfig, 'path' | 'dataset' | 'splitBy' | 'split' | 'text'>> &
  Pick<RefcocoConfig, 'vocab' | 'lowercase' | 'maxLength' | 'limit' | 'regions' | 'imageKey' | 'maxRegions'> {
  const name = 'refcoco';
  const o = readOptions(name, { ...config }, KNOWN);
  const regions = config['regions'];
  if (regions === undefined && (config['imageKey'] !== undefined || config['maxRegions'] !== undefined)) {
    throw new RangeError(`${name}: imageKey and maxRegions apply to region features: give regions (a region store, e.g. { name: 'lmdb', path: … }) too`);
  }
  const path = o.string('path', undefined);
  if (path === undefined) {
    throw new RangeError(`${name}: path is required: refer's data root (holding refcoco/, refcoco+/, refcocog/ with refs(<splitBy>).p and instances.json) or one dataset's folder`);
  }
  const dataset = o.oneOf('dataset', 'refcoco', REFER_DATASETS);
  const splitBy = o.oneOf('splitBy', SPLIT_BY[dataset][0]!, SPLIT_BY[dataset]);
  const split = o.oneOf('split', 'train', REFER_SPLITS);
  const text = o.oneOf('text', 'raw', ['raw', 'sent'] as const);
  if (config['lowercase'] !== undefined && typeof config['lowercase'] !== 'boolean') {
    throw new RangeError(`${name}: lowercase must be true or false, got ${JSON.stringify(config['lowercase'])}`);
  }
  const vocab = o.string('vocab', undefined);
  if (vocab === undefined && (config['lowercase'] !== undefined || config['maxLength'] !== undefined)) {
    throw new RangeError(`${name}: lowercase and maxLength apply to the tokenizer: give vocab (a vocab.txt or tokenizer.json) too`);
  }
  return {
    path, dataset, splitBy, split, text,
    ...(vocab === undefined ? {} : { vocab }),
    ...(config['lowercase'] === undefined ? {} : { lowercase: config['lowercase'] as boolean }),
    ...(config['maxLength'] === undefined ? {} : { maxLength: o.int('maxLength', 20, 3) }),
    ...(config.limit === undefined ? {} : { limit: o.int('limit', 1, 1) }),
    ...(regions === undefined ? {} : { regions: regions as NamedSpec }),
    ...(config['imageKey'] === undefined ? {} : { imageKey: o.string('imageKey', undefined)! }),
    ...(config['maxRegions'] === undefined ? {} : { maxRegions: o.int('maxRegions', 60, 1) }),
  };
}

/** The region store of `spec`, the key of every expression's image, and D; an image the store lacks is an error naming the ref. */
async function regionStoreFor(spec: NamedSpec, template: string | undefined, expressions: readonly RefExpression[], context: CreateContext): Promise<RefcocoRegionStore> {
  if (!context.build) throw new Error('refcoco: regions needs a runtime context to build its store (create the dataset through runtime.datasets.create with runtime.createContext(…))');
  const store = await context.build(REGION_STORES, spec, 'regions');
  try {
    return await joinRegions(store, template, expressions);
  } catch (error) {
    await store.close?.();
    throw error;
  }
}

/** The key of every expression's image in `store`, and D (from the first expression's image). */
async function joinRegions(store: RegionFeatureStore, template: string | undefined, expressions: readonly RefExpression[]): Promise<RefcocoRegionStore> {
  const resolve = regionKeyResolver(store.ids(), template);
  const keyOf = new Map<number, string>();
  const missing = new Map<number, RefExpression>();
  for (const e of expressions) {
    if (keyOf.has(e.imageId) || missing.has(e.imageId)) continue;
    const key = resolve(e.imageId);
    if (key === undefined) missing.set(e.imageId, e);
    else keyOf.set(e.imageId, key);
  }
  const first = missing.values().next().value;
  if (first !== undefined) {
    throw new RangeError(
      `refcoco: ref ${first.refId} (sentence ${first.sentId}, image ${first.imageId}): the ${store.format} store has no regions for image ${first.imageId} ` +
        `(looked for ${describeRegionKey(first.imageId, template)}; ${missing.size} image(s) missing in all; the store holds ${store.ids().length} images, e.g. ${store.ids().slice(0, 3).join(', ')}); ` +
        'give imageKey if its keys are named otherwise',
    );
  }
  const dim = expressions.length === 0 ? 0 : (await store.get(keyOf.get(expressions[0]!.imageId)!)).dim;
  return { store, keyOf, dim };
}

async function makeRefcoco(config: DatasetConfig, context: CreateContext): Promise<RefcocoDataset> {
  const o = readRefcocoOptions(config);
  const tokenizer =
    o.vocab === undefined
      ? undefined
      : o.vocab.endsWith('.json')
        ? await BertTokenizer.fromTokenizerJsonFile(o.vocab, o.lowercase === undefined ? {} : { lowercase: o.lowercase })
        : await BertTokenizer.fromVocabFile(o.vocab, o.lowercase === undefined ? {} : { lowercase: o.lowercase });
  const refer = await loadRefer(o.path, o.dataset, o.splitBy);
  const all = refer.expressions(o.split, o.text);
  if (all.length === 0) {
    const held = [...refer.splitCounts()].map(([s, n]) => `${s} (${n} refs)`).join(', ') || 'no refs';
    throw new RangeError(
      `${o.dataset} (${o.splitBy}): split '${o.split}' selects no refs; the file holds ${held} ` +
        `(published ${o.splitBy} splits: ${PUBLISHED_SPLITS[o.splitBy].join(', ')})`,
    );
  }
  const expressions = o.limit === undefined ? all : all.slice(0, o.limit);
  const store = o.regions === undefined ? undefined : await regionStoreFor(o.regions, o.imageKey, expressions, context);
  try {
    return new RefcocoDataset(expressions, {
      name: o.dataset,
      ...(store ? { store } : {}),
      ...(o.maxRegions === undefined ? {} : { maxRegions: o.maxRegions }),
      ...(tokenizer ? { tokenizer } : {}),
      ...(o.maxLength === undefined ? {} : { maxLength: o.maxLength }),
    });
  } catch (error) {
    await store?.store.close?.();
    throw error;
  }
}

/** The `refcoco` provider: referring expressions with target boxes, from refer's files at a path. */
export const refcocoProvider: DatasetProvider = {
  name: 'refcoco',
  description:
    'RefCOCO / RefCOCO+ / RefCOCOg referring expressions (refer\'s refs(<splitBy>).p + instances.json from path): one example per expression, ' +
    'targetBox [4] x1,y1,x2,y2, ids; tokens with vocab; with regions (a region store): regions [R, D], boxes, locations, regionMask and ' +
    'the target region by IoU ≥ 0.5 (targetRegion, regionTarget, regionLabel, regionIou, targetHit)',
  paper: 'https://arxiv.org/abs/1608.00272',
  create: (config, context) => makeRefcoco(config, context),
};
