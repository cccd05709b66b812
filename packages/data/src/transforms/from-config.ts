// Transforms from plain data (a dataset's `transforms` option in a YAML run config): each entry is
// a kebab-case name, or `{ name, ...options }` with the constructor's options.
import { RandomErasing, type ErasingValue } from './erasing.ts';
import type { PaddingMode } from './functional.ts';
import {
  CenterCrop, Compose, Normalize, NORMALIZE_PRESETS, RandomCrop, RandomHorizontalFlip, RandomResizedCrop, Resize,
  type ImageTransform, type NormalizePreset, type Size,
} from './transforms.ts';

/** One transform in a config: `'random-horizontal-flip'` or `{ name: 'random-crop', padding: 4 }`. */
export type TransformSpec = string | { readonly name: string; readonly [option: string]: unknown };

type Reader = {
  size(field: string, required: boolean): Size | undefined;
  numbers(field: string, lengths: readonly number[]): number[] | undefined;
  padding(field: string): number | [number, number] | [number, number, number, number] | undefined;
  number(field: string): number | undefined;
  bool(field: string): boolean | undefined;
  string(field: string): string | undefined;
  erasingValue(field: string): ErasingValue | undefined;
};
type Builder = { readonly options: readonly string[]; build(o: Reader): ImageTransform };

const BUILDERS: Readonly<Record<string, Builder>> = {
  resize: { options: ['size', 'antialias'], build: (o) => new Resize(o.size('size', true)!, antialias(o)) },
  'center-crop': { options: ['size'], build: (o) => new CenterCrop(o.size('size', true)!) },
  'random-resized-crop': {
    options: ['size', 'scale', 'ratio', 'antialias'],
    build: (o) =>
      new RandomResizedCrop(o.size('size', true)!, {
        ...(o.numbers('scale', [2]) ? { scale: o.numbers('scale', [2]) as [number, number] } : {}),
        ...(o.numbers('ratio', [2]) ? { ratio: o.numbers('ratio', [2]) as [number, number] } : {}),
        ...antialias(o),
      }),
  },
  'random-crop': {
    options: ['size', 'padding', 'padIfNeeded', 'fill', 'paddingMode'],
    build: (o) => {
      const padding = o.padding('padding');
      const [padIfNeeded, fill, paddingMode] = [o.bool('padIfNeeded'), o.number('fill'), o.string('paddingMode')];
      return new RandomCrop(o.size('size', false), {
        ...(padding === undefined ? {} : { padding }),
        ...(padIfNeeded === undefined ? {} : { padIfNeeded }),
        ...(fill === undefined ? {} : { fill }),
        ...(paddingMode === undefined ? {} : { paddingMode: paddingMode as PaddingMode }),
      });
    },
  },
  'random-horizontal-flip': { options: ['p'], build: (o) => new RandomHorizontalFlip(o.number('p') ?? 0.5) },
  'random-erasing': {
    options: ['p', 'scale', 'ratio', 'value'],
    build: (o) => {
      const [p, scale, ratio, value] = [o.number('p'), o.numbers('scale', [2]), o.numbers('ratio', [2]), o.erasingValue('value')];
      return new RandomErasing({
        ...(p === undefined ? {} : { p }),
        ...(scale ? { scale: scale as [number, number] } : {}),
        ...(ratio ? { ratio: ratio as [number, number] } : {}),
        ...(value === undefined ? {} : { value }),
      });
    },
  },
  normalize: {
    options: ['preset', 'mean', 'std'],
    build: (o) => {
      const preset = o.string('preset');
      const [mean, std] = [o.numbers('mean', []), o.numbers('std', [])];
      if (preset !== undefined && (mean || std)) throw new RangeError('give either preset or mean and std, not both');
      if (preset !== undefined) return new Normalize(preset as NormalizePreset);
      if (!mean || !std) throw new RangeError("needs preset (e.g. 'imagenet') or both mean and std");
      return new Normalize({ mean, std });
    },
  },
};

/** The names a transform spec may use. */
export const TRANSFORM_NAMES: readonly string[] = Object.keys(BUILDERS);

function antialias(o: Reader): { antialias?: boolean } {
  const a = o.bool('antialias');
  return a === undefined ? {} : { antialias: a };
}

function reader(where: string, options: Readonly<Record<string, unknown>>): Reader {
  const bad = (field: string, expected: string): never => {
    throw new RangeError(`${where}.${field} must be ${expected}, got ${JSON.stringify(options[field])}`);
  };
  const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
  return {
    size(field, required) {
      const v = options[field];
      if (v === undefined && !required) return undefined;
      return typeof v === 'number' || (isNumbers(v) && v.length === 2) ? (v as Size) : bad(field, 'a number or [height, width]');
    },
    numbers(field, lengths) {
      const v = options[field];
      if (v === undefined) return undefined;
      const lengthOk = isNumbers(v) && (lengths.length === 0 ? v.length > 0 : lengths.includes(v.length));
      return lengthOk ? v : bad(field, lengths.length === 0 ? 'a list of numbers' : `a list of ${lengths.join(' or ')} numbers`);
    },
    padding(field) {
      const v = options[field];
      if (v === undefined || typeof v === 'number') return v;
      if (isNumbers(v) && [1, 2, 4].includes(v.length)) return (v.length === 1 ? v[0] : v) as [number, number];
      return bad(field, 'a number or a list of 1, 2 or 4 numbers');
    },
    number(field) {
      const v = options[field];
      return v === undefined ? undefined : typeof v === 'number' ? v : bad(field, 'a number');
    },
    bool(field) {
      const v = options[field];
      return v === undefined ? undefined : typeof v === 'boolean' ? v : bad(field, 'true or false');
    },
    string(field) {
      const v = options[field];
      return v === undefined ? undefined : typeof v === 'string' ? v : bad(field, 'a string');
    },
    erasingValue(field) {
      const v = options[field];
      if (v === undefined || v === 'random' || typeof v === 'number' || (isNumbers(v) && v.length > 0)) return v as ErasingValue | undefined;
      return bad(field, "a number, a list of numbers (one per channel) or 'random'");
    },
  };
}

/**
 * Builds one transform from a spec; errors name `where` (e.g. `data.train.transforms[1]`), the
 * option and the expected value.
 * @example
 * transformFromSpec({ name: 'random-crop', padding: 4 }).name; // 'RandomCrop(size=input, padding=[4, 4, 4, 4], …)'
 */
export function transformFromSpec(spec: unknown, where = 'transform'): ImageTransform {
  const entry = typeof spec === 'string' ? { name: spec } : spec;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || typeof (entry as { name?: unknown }).name !== 'string') {
    throw new TypeError(`${where} must be a transform name or { name, ...options }, got ${JSON.stringify(spec)}`);
  }
  const { name, ...options } = entry as { name: string; [option: string]: unknown };
  // NOTE: Object.hasOwn, not a lookup alone: 'toString' or 'constructor' would find Object.prototype's.
  const builder = Object.hasOwn(BUILDERS, name) ? BUILDERS[name] : undefined;
  if (builder === undefined) throw new RangeError(`${where}: unknown transform '${name}' (known: ${TRANSFORM_NAMES.join(', ')})`);
  for (const key of Object.keys(options)) {
    if (!builder.options.includes(key)) throw new RangeError(`${where}: unknown option '${key}' of '${name}' (known: ${builder.options.join(', ')})`);
  }
  try {
    return builder.build(reader(where, options));
  } catch (err) {
    if (err instanceof Error && !err.message.startsWith(where)) err.message = `${where} (${name}): ${err.message}`;
    throw err;
  }
}

/**
 * A Compose of a list of specs (absent or empty: a Compose that copies).
 * @example
 * composeFromSpecs(['random-horizontal-flip', { name: 'normalize', preset: 'fashion-mnist' }], 'data.train.transforms');
 */
export function composeFromSpecs(specs: unknown, where = 'transforms'): Compose {
  if (specs === undefined) return new Compose([]);
  if (!Array.isArray(specs)) throw new TypeError(`${where} must be a list of transforms, got ${JSON.stringify(specs)}`);
  return new Compose(specs.map((s, i) => transformFromSpec(s, `${where}[${i}]`)));
}

/**
 * A dataset's `transforms` option as transforms (errors name `<owner>: transforms[i]`), refusing a
 * `normalize` entry while the dataset normalises itself (`normalizing`: its own `normalize` option is
 * on, as it is by default), which would normalise every image twice.
 * @example
 * datasetTransforms('cifar10', config['transforms'], stats !== undefined); // ImageTransform[]
 */
export function datasetTransforms(owner: string, specs: unknown, normalizing: boolean): ImageTransform[] {
  const transforms = composeFromSpecs(specs, `${owner}: transforms`).transforms;
  const at = transforms.findIndex((t) => t instanceof Normalize);
  if (normalizing && at >= 0) {
    throw new RangeError(
      `${owner}: transforms[${at}] is a normalize, but the dataset's normalize option is on (it is unless set to false), so images would be normalised twice; ` +
        'set normalize: false to normalise with your own transform, or drop the transform',
    );
  }
  return [...transforms];
}

/**
 * A dataset's user transforms split into those run before its own crop and flip (`before`) and the
 * Random Erasing run after them (`after`), as timm and Zhong et al. erase last, on the final crop,
 * so that a crop cannot shift or cut the erased box. Here `after` still comes before the dataset's
 * Normalize, so erasing paints [0, 1] pixel values ('random': uniform [0, 1); see `RandomErasing`).
 * The order within the user's list is kept. `random-erasing` entries must end the list: a transform
 * listed after one would otherwise silently change places with it, so that is an error naming `owner`.
 * @example
 * splitUserTransforms([flip, erasing], 'cifar10'); // { before: [flip], after: [erasing] }
 */
export function splitUserTransforms(transforms: readonly ImageTransform[], owner: string): { before: ImageTransform[]; after: ImageTransform[] } {
  const first = transforms.findIndex((t) => t instanceof RandomErasing);
  if (first < 0) return { before: [...transforms], after: [] };
  const stray = transforms.findIndex((t, i) => i > first && !(t instanceof RandomErasing));
  if (stray >= 0) {
    throw new RangeError(
      `${owner}: transforms[${stray}] (${transforms[stray]!.name}) comes after random-erasing (transforms[${first}]), ` +
        "but random-erasing runs after the dataset's crop and flip (timm's order); list random-erasing last",
    );
  }
  return { before: transforms.slice(0, first), after: transforms.slice(first) };
}

/**
 * A dataset's `normalize` option: `true` or absent → `fallback` (the dataset's own statistics),
 * `false` → none, a preset name → that preset; anything else is a RangeError naming `owner`.
 * @example
 * normalizeOption('cifar10', config['normalize'], 'cifar10'); // 'cifar10' | 'imagenet' | … | undefined
 */
export function normalizeOption(owner: string, value: unknown, fallback: NormalizePreset): NormalizePreset | undefined {
  if (value === undefined || value === true) return fallback;
  if (value === false) return undefined;
  if (typeof value === 'string' && Object.hasOwn(NORMALIZE_PRESETS, value)) return value as NormalizePreset;
  throw new RangeError(`${owner}: normalize must be true, false or a preset (${Object.keys(NORMALIZE_PRESETS).join(', ')}), got ${JSON.stringify(value)}`);
}
