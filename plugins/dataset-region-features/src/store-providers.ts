// The region-store providers registered under core's REGION_STORES: one per file format, options read
// strictly (a misspelt option is an error naming the known ones), files opened by the Node adapter.
import { readOptions, type RegionStoreConfig, type RegionStoreProvider } from '@crossmodal/core';
import { loadLxmertStore, openLmdbStore, openMcanStore } from './node-io.ts';
import type { McanOptions } from './npz.ts';
import type { RegionStoreOptions } from './region-store.ts';

/** Options every format reads: the global region and the box checks (see BoxCheckOptions). */
const COMMON = ['path', 'globalRegion', 'tolerance', 'outOfRange'] as const;

/** `path`, `globalRegion`, `tolerance`, `outOfRange`, read for store `owner`. */
function commonOptions(owner: string, config: RegionStoreConfig, extra: readonly string[]): { path: string; options: RegionStoreOptions; o: ReturnType<typeof readOptions> } {
  const o = readOptions(owner, config, [...COMMON, ...extra]);
  const path = o.string('path', undefined);
  if (path === undefined) throw new RangeError(`${owner}: path is required (${PATH_OF[owner] ?? 'where the features are'})`);
  const globalRegion = config['globalRegion'];
  if (globalRegion !== undefined && typeof globalRegion !== 'boolean') throw new RangeError(`${owner}: globalRegion must be true or false, got ${JSON.stringify(globalRegion)}`);
  const options: RegionStoreOptions = {
    ...(globalRegion === undefined ? {} : { globalRegion }),
    ...(config['tolerance'] === undefined ? {} : { tolerance: o.number('tolerance', 0.01, 0, 1) }),
    ...(config['outOfRange'] === undefined ? {} : { outOfRange: o.oneOf('outOfRange', 'error', ['error', 'clamp'] as const) }),
  };
  return { path, options, o };
}

/** What `path` names, per format, for the "required" message. */
const PATH_OF: Readonly<Record<string, string>> = {
  'lxmert-tsv': "an LXMERT .tsv, e.g. data/mscoco_imgfeat/train2014_obj36.tsv",
  'mcan-npz': 'a directory of per-image <image id>.npz archives, e.g. datasets/coco_extract/train2014',
  lmdb: 'a ViLBERT/MMF feature LMDB (its directory or data.mdb)',
};

/** The expected feature size D when given. */
const dimOf = (o: ReturnType<typeof readOptions>, config: RegionStoreConfig): { dim?: number } =>
  config['dim'] === undefined ? {} : { dim: o.int('dim', undefined, 1) };

/** LXMERT's TSV, loaded whole into memory as LXMERT does (`topk` images only, -1 = all). */
export const lxmertTsvStoreProvider: RegionStoreProvider = {
  name: 'lxmert-tsv',
  description: "LXMERT's bottom-up TSV (img_id … boxes, features; base64 arrays), loaded whole; options path, topk, dim, globalRegion, tolerance, outOfRange",
  paper: 'https://arxiv.org/abs/1908.07490',
  create(config) {
    const { path, options, o } = commonOptions('lxmert-tsv', config, ['topk', 'dim']);
    return loadLxmertStore(path, { ...options, ...dimOf(o, config), ...(config['topk'] === undefined ? {} : { topk: o.int('topk', -1, -1) }) });
  },
};

/** MCAN's directory of per-image .npz archives, each read when asked for. */
export const mcanNpzStoreProvider: RegionStoreProvider = {
  name: 'mcan-npz',
  description: "MCAN's per-image .npz archives (x transposed, bbox, image_w/h) in a directory, read on demand; options path, dim, imageSize, globalRegion, tolerance, outOfRange",
  paper: 'https://arxiv.org/abs/1906.10770',
  create(config) {
    const { path, options, o } = commonOptions('mcan-npz', config, ['dim', 'imageSize']);
    const size = config['imageSize'] as { width?: unknown; height?: unknown } | undefined;
    const positive = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
    if (size !== undefined && !(typeof size === 'object' && size !== null && positive(size.width) && positive(size.height) && Object.keys(size).length === 2)) {
      throw new RangeError(`mcan-npz: imageSize must be { width, height } in pixels (positive integers), got ${JSON.stringify(size)}`);
    }
    const mcan: McanOptions = { ...dimOf(o, config), ...(size === undefined ? {} : { imageSize: size as { width: number; height: number } }) };
    return openMcanStore(path, { ...options, ...mcan });
  },
};

/** ViLBERT's and MMF's LMDB feature databases (the `keys` record, pickled dicts per image). */
export const lmdbStoreProvider: RegionStoreProvider = {
  name: 'lmdb',
  description: "ViLBERT/MMF feature LMDB (keys record, pickled numpy dicts, read without running pickle code); options path, mode (pread | whole), globalRegion, tolerance, outOfRange",
  paper: 'https://arxiv.org/abs/1908.02265',
  create(config) {
    const { path, options, o } = commonOptions('lmdb', config, ['mode']);
    return openLmdbStore(path, { ...options, ...(config['mode'] === undefined ? {} : { mode: o.oneOf('mode', 'pread', ['pread', 'whole'] as const) }) });
  },
};

/** Every region-store provider of this package, in registration order. */
export const regionStoreProviders: readonly RegionStoreProvider[] = [lxmertTsvStoreProvider, mcanNpzStoreProvider, lmdbStoreProvider];
