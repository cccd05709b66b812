// The `image-folder` dataset: options read from a run config, the folder listed (files are decoded
// later, per example), the split's transforms built and the subset chosen.
import { readOptions, type CreateContext, type DatasetConfig, type DatasetProvider } from '@crossmodal/core';
import {
  datasetTransforms, NORMALIZE_PRESETS, randomSubset, splitUserTransforms, type ChannelStats, type NormalizePreset, type Size,
} from '@crossmodal/data';
import { fmix32 } from '@crossmodal/tensor';
import { scanImageFolder } from './folder-scan.ts';
import type { ImageChannels } from './image-decode.ts';
import { ImageFolderDataset } from './image-folder-dataset.ts';
import { nodeFiles, type ImageFolderFiles } from './node-files.ts';
import { defaultStats, imageFolderPipeline } from './transforms.ts';

const NAME = 'image-folder';

/** Options of the `image-folder` dataset. */
export interface ImageFolderConfig {
  /** The dataset root: `path/<class>/<image>`, or `path/<split>/<class>/<image>` with `split`. */
  readonly path: string;
  /** Subdirectory of `path` holding this split's class folders (e.g. `train`, `val`); absent: `path` itself. */
  readonly split?: string;
  /** Fixes the classes and their order (default: the sorted folder names); every folder must be listed. */
  readonly classes?: readonly string[];
  /** 3 (RGB, the default, as torchvision's loader) or 1 (BT.601 luma). */
  readonly channels?: ImageChannels;
  /** Output size (a number: square, or [height, width]); absent: images must all have one size. */
  readonly size?: Size;
  /** Eval Resize (a number: the shorter side); default ⌊size / cropPct⌋. */
  readonly resize?: Size;
  /** Eval centre-crop fraction (timm's crop_pct, default 0.875). */
  readonly cropPct?: number;
  /** RandomResizedCrop + flip (true) or Resize + CenterCrop (false); default true for split `train`. */
  readonly augment?: boolean;
  /** RandomResizedCrop's area range (default [0.08, 1]). */
  readonly scale?: readonly [number, number];
  /** RandomResizedCrop's aspect-ratio range (default [3/4, 4/3]). */
  readonly ratio?: readonly [number, number];
  /** Flip probability when augmenting (default 0.5). */
  readonly hflip?: number;
  /** true (ImageNet's statistics, the default), false ([0, 1] pixels), a preset's name or { mean, std }. */
  readonly normalize?: boolean | NormalizePreset | ChannelStats;
  /**
   * Transforms applied first (specs as `composeFromSpecs` reads them), except `random-erasing`,
   * which must end the list and runs after the crop and flip, before Normalize (timm erases the
   * final crop; before Normalize it paints [0, 1] pixel values). A `normalize` entry needs `normalize: false`.
   */
  readonly transforms?: readonly unknown[];
  /** Keep decoded images in memory (C·H·W bytes each) after their first read (default false). */
  readonly cache?: boolean;
  /** Keep only `limit` examples. */
  readonly limit?: number;
  /** Which `limit` examples: a seeded random subset in listing order (default; files are sorted by class) or the first. */
  readonly subset?: 'random' | 'first';
  /** Seed of the subset and the augmentation (default: the run's). */
  readonly seed?: number;
}

const KNOWN = [
  'path', 'split', 'classes', 'channels', 'size', 'resize', 'cropPct', 'augment', 'scale', 'ratio', 'hflip', 'normalize',
  'transforms', 'cache', 'limit', 'subset', 'seed',
];
const SALT = { subset: 0x2545f491, augment: 0x9e3779b9 } as const;

const fail = (field: string, expected: string, value: unknown): never => {
  throw new RangeError(`${NAME}: ${field} must be ${expected}, got ${JSON.stringify(value)}`);
};
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

function readSize(config: DatasetConfig, field: string): Size | undefined {
  const v = config[field];
  if (v === undefined || isInt(v)) return v;
  return Array.isArray(v) && v.length === 2 && v.every(isInt) ? (v as [number, number]) : fail(field, 'a positive integer or [height, width]', v);
}

function readRange(config: DatasetConfig, field: string): [number, number] | undefined {
  const v = config[field];
  if (v === undefined) return undefined;
  const ok = Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && x > 0 && Number.isFinite(x)) && v[0] <= v[1];
  return ok ? (v as [number, number]) : fail(field, '[low, high] with 0 < low ≤ high', v);
}

function readBool(config: DatasetConfig, field: string, fallback: boolean): boolean {
  const v = config[field] ?? fallback;
  return typeof v === 'boolean' ? v : fail(field, 'true or false', v);
}

function readNormalize(v: unknown, channels: ImageChannels): ChannelStats | undefined {
  if (v === undefined || v === true) return defaultStats(channels);
  if (v === false) return undefined;
  const presets: Readonly<Record<string, ChannelStats>> = NORMALIZE_PRESETS;
  const stats = typeof v === 'string' ? (Object.hasOwn(presets, v) ? presets[v] : undefined) : (v as ChannelStats | null);
  const fits = (a: unknown): boolean => Array.isArray(a) && (a.length === 1 || a.length === channels) && a.every((x) => typeof x === 'number');
  if (typeof stats !== 'object' || stats === null || !fits(stats.mean) || !fits(stats.std)) {
    const presets = Object.keys(NORMALIZE_PRESETS).join(', ');
    return fail('normalize', `true, false, a preset (${presets}) or { mean, std } with 1 or ${channels} values each (channels is ${channels})`, v);
  }
  return stats;
}

function readClasses(v: unknown): readonly string[] | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) && v.length > 0 ? (v as string[]) : fail('classes', 'a non-empty list of folder names', v);
}

/** FNV-1a of a string: a split's own salt, so `train` and `val` draw unrelated streams. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}


/**
 * Reads the options, lists the folder and opens the dataset (the provider's `create`); `files`
 * replaces the Node file system (specs, other hosts).
 */
export async function createImageFolder(config: DatasetConfig, context: CreateContext, files: ImageFolderFiles = nodeFiles): Promise<ImageFolderDataset> {
  const o = readOptions(NAME, { ...config }, KNOWN);
  const path = o.string('path', undefined);
  if (path === undefined) throw new RangeError(`${NAME}: path is required: the dataset root holding <class>/<image> folders (or <split>/<class>/<image>)`);
  const split = o.string('split', undefined);
  if (split !== undefined && /[\\/]|^\.\.?$/.test(split)) fail('split', 'a subdirectory name (no slashes)', split);
  const channels = config['channels'] === undefined ? 3 : config['channels'] === 1 || config['channels'] === 3 ? config['channels'] : fail('channels', '1 or 3', config['channels']);
  const size = readSize(config, 'size');
  const resize = readSize(config, 'resize');
  if (resize !== undefined && size === undefined) fail('resize', 'given with size (it is the Resize before the centre crop to size)', resize);
  const augment = readBool(config, 'augment', split === 'train');
  const cache = readBool(config, 'cache', false);
  const scale = readRange(config, 'scale');
  if (scale && scale[1] > 1) fail('scale', 'within (0, 1] (fractions of the image area)', scale);
  const ratio = readRange(config, 'ratio');
  const seed = o.int('seed', context.seed, 0);
  const limit = config.limit === undefined ? undefined : o.int('limit', undefined, 1);
  const subset = o.oneOf('subset', 'random', ['random', 'first']);
  const cropPct = config['cropPct'] ?? 0.875;
  if (!(typeof cropPct === 'number' && cropPct > 0 && cropPct <= 1)) fail('cropPct', 'a number in (0, 1]', cropPct);
  const normalize = readNormalize(config['normalize'], channels);
  const user = splitUserTransforms(datasetTransforms(NAME, config['transforms'], normalize !== undefined), NAME);
  // Built before listing thousands of files, so that a config typo fails at once.
  const transform = imageFolderPipeline({
    ...(size === undefined ? {} : { size }),
    ...(resize === undefined ? {} : { resize }),
    cropPct: cropPct as number,
    augment,
    ...(scale ? { scale } : {}),
    ...(ratio ? { ratio } : {}),
    hflip: o.number('hflip', 0.5, 0, 1),
    ...(normalize ? { normalize } : {}),
    ...user,
  });
  const root = path.replace(/(.)\/+$/, '$1');
  const classes = readClasses(config['classes']);
  const listing = await scanImageFolder(files, split === undefined ? root : `${root}/${split}`, {
    owner: NAME,
    ...(classes ? { classes } : {}),
  });
  const splitSeed = (seed ^ hashString(split ?? '')) >>> 0;
  const count = listing.files.length;
  const indices =
    limit === undefined || limit >= count
      ? undefined
      : subset === 'random'
        ? randomSubset(count, limit, fmix32((splitSeed ^ SALT.subset) >>> 0))
        : Int32Array.from({ length: limit }, (_, i) => i);
  return ImageFolderDataset.open(listing, {
    name: NAME,
    files,
    channels,
    transform,
    seed: fmix32((splitSeed ^ SALT.augment) >>> 0),
    cache,
    ...(indices ? { indices } : {}),
  });
}

/** The `image-folder` provider: torchvision's ImageFolder over PNG/JPEG files. */
export const imageFolderProvider: DatasetProvider = {
  name: NAME,
  description: 'class-per-folder PNG/JPEG images (torchvision ImageFolder): image [C, size, size] float32, label = folder index; path required',
  create: (config, context) => createImageFolder(config, context),
};
