// The `refcoco` dataset: RefCOCO, RefCOCO+ or RefCOCOg read from refer's data root, one example
// per expression with its target box (and tokens when a vocabulary is given).
// Yu et al. 2016 (RefCOCO, RefCOCO+): https://arxiv.org/abs/1608.00272; Mao et al. 2016 (RefCOCOg): https://arxiv.org/abs/1511.02283
import { readOptions, type DatasetConfig, type DatasetProvider } from '@crossmodal/core';
import { BertTokenizer } from '@crossmodal/data';
import { RefcocoDataset } from './refcoco-dataset.ts';
import { loadRefer } from './refer-files.ts';
import { PUBLISHED_SPLITS, REFER_DATASETS, REFER_SPLITS, SPLIT_BY, type ReferDataset, type ReferSplit, type SplitBy } from './refer.ts';

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
}

const KNOWN = ['path', 'dataset', 'splitBy', 'split', 'text', 'vocab', 'lowercase', 'maxLength', 'limit', 'regions'];

/** Reads and checks the options (before any file is read). */
export function readRefcocoOptions(config: DatasetConfig): Required<Pick<RefcocoConfig, 'path' | 'dataset' | 'splitBy' | 'split' | 'text'>> &
  Pick<RefcocoConfig, 'vocab' | 'lowercase' | 'maxLength' | 'limit'> {
  const name = 'refcoco';
  const o = readOptions(name, { ...config }, KNOWN);
  if (config['regions'] !== undefined) {
    // NOTE: kept as a known option so that the message can say where region labels come from today.
    throw new RangeError(
      `${name}: regions is not read from a config yet: region boxes come from a feature store (dataset-region-features), which ` +
        'core has no token for yet; until then pass a RegionBoxSource to RefcocoDataset in code',
    );
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
  };
}

async function makeRefcoco(config: DatasetConfig): Promise<RefcocoDataset> {
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
  return new RefcocoDataset(expressions, {
    name: o.dataset,
    ...(tokenizer ? { tokenizer } : {}),
    ...(o.maxLength === undefined ? {} : { maxLength: o.maxLength }),
  });
}

/** The `refcoco` provider: referring expressions with target boxes, from refer's files at a path. */
export const refcocoProvider: DatasetProvider = {
  name: 'refcoco',
  description:
    'RefCOCO / RefCOCO+ / RefCOCOg referring expressions (refer\'s refs(<splitBy>).p + instances.json from path): one example per expression, ' +
    'targetBox [4] x1,y1,x2,y2, ids; tokens with vocab; region labels come with a region store (library API for now)',
  paper: 'https://arxiv.org/abs/1608.00272',
  create: (config) => makeRefcoco(config),
};
