// Finds and reads one split of an MNIST-layout directory (images and labels IDX files, gzipped
// or not) and checks the two files agree: one label per image, every label a known class.
import { parseIdx } from './idx.ts';
import { findFile, readMaybeGzipped } from './node-files.ts';

/** The splits MNIST-layout directories hold. */
export const SPLITS = ['train', 'test'] as const;
/** One of {@link SPLITS}. */
export type Split = (typeof SPLITS)[number];

/** One split in memory: N grayscale images of H×W bytes and their labels. */
export interface MnistArrays {
  /** Pixels 0..255, [N, H, W]. */
  readonly images: Uint8Array;
  /** Classes, [N]. */
  readonly labels: Uint8Array;
  /** N, H, W. */
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** The files read, for messages and reports. */
  readonly files: { readonly images: string; readonly labels: string };
}

/** LeCun's file stems: the test split is called t10k. */
const STEM: Readonly<Record<Split, string>> = { train: 'train', test: 't10k' };

/**
 * Names a split's file may have, in the order they are tried: the gzipped original, the
 * decompressed one, and the dotted spelling some mirrors use (`train-images.idx3-ubyte`).
 */
export function candidateNames(split: Split, kind: 'images' | 'labels'): string[] {
  const base = `${STEM[split]}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte`;
  return [`${base}.gz`, base, base.replace('-idx', '.idx')];
}

/**
 * Reads `split` from `dir`. `hint` ends the message when a file is missing (how to get it).
 * @example
 * const test = await loadMnistSplit('fashion-mnist', '/usr/share/datasets/fashion-mnist', 'test', 10, '');
 * test.count; // 10000
 */
export async function loadMnistSplit(owner: string, dir: string, split: Split, numClasses: number, hint: string): Promise<MnistArrays> {
  const locate = (kind: 'images' | 'labels'): string => {
    const names = candidateNames(split, kind);
    const path = findFile(dir, names);
    if (path === undefined) throw new Error(`${owner}: no ${split} ${kind} in ${dir} (looked for ${names.join(', ')}); ${hint}`);
    return path;
  };
  const files = { images: locate('images'), labels: locate('labels') };
  const [imageBytes, labelBytes] = await Promise.all([readMaybeGzipped(files.images), readMaybeGzipped(files.labels)]);
  const images = parseIdx(imageBytes, files.images, { dimNames: ['images', 'rows', 'columns'] });
  const labels = parseIdx(labelBytes, files.labels, { dimNames: ['labels'] });
  const [count, height, width] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new RangeError(`${files.labels}: dimension 0 (labels) is ${labels.dims[0]}, expected ${count}: one per image of ${files.images}`);
  }
  const bad = labels.data.findIndex((l) => l >= numClasses);
  if (bad >= 0) {
    throw new RangeError(`${files.labels}: label ${labels.data[bad]} at index ${bad}, expected a class in 0..${numClasses - 1}`);
  }
  return { images: images.data, labels: labels.data, count, height, width, files };
}
