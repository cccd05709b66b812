// What the published CIFAR archives hold: directory and file names of the python and binary
// versions, and each label set's key, byte and class names. Data, no I/O.
// https://www.cs.toronto.edu/~kriz/cifar.html
import { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from './classes.ts';

/** The registry names of the two datasets. */
export type CifarName = 'cifar10' | 'cifar100';
/** The splits both archives hold. */
export const SPLITS = ['train', 'test'] as const;
/** One of {@link SPLITS}. */
export type Split = (typeof SPLITS)[number];
/** The two file formats. */
export const FORMATS = ['python', 'binary'] as const;
/** One of {@link FORMATS}. */
export type CifarFormat = (typeof FORMATS)[number];
/** A label set: CIFAR-10's one (`label`) or CIFAR-100's `fine` (100 classes) and `coarse` (20 superclasses). */
export type LabelKind = 'label' | 'fine' | 'coarse';

/** One label set and where each format keeps it. */
export interface LabelSet {
  readonly kind: LabelKind;
  /** The key of the labels list in a python batch, e.g. `fine_labels`. */
  readonly pythonKey: string;
  /** The key of the class names in the python meta file, e.g. `fine_label_names`. */
  readonly metaKey: string;
  /** The text file of class names in the binary version, one per line. */
  readonly namesFile: string;
  /** The label's byte offset in a binary record. */
  readonly byte: number;
  /** The class names, used when the meta file is absent. */
  readonly classes: readonly string[];
}

/** The files of one format: its directory name in the archive, the meta file and each split's batches. */
export interface FormatFiles {
  readonly dir: string;
  /** The python meta file (the binary version keeps names in each label set's `namesFile`). */
  readonly meta?: string;
  readonly splits: Readonly<Record<Split, readonly string[]>>;
}

/** One dataset's layout. */
export interface CifarLayout {
  readonly name: CifarName;
  /** As the dataset's page spells it. */
  readonly title: string;
  readonly labelSets: readonly LabelSet[];
  readonly python: FormatFiles;
  readonly binary: FormatFiles;
}

/** Bytes per image: 3 planes (R, G, B) of 32×32, channel-major. */
export const IMAGE_BYTES = 3 * 32 * 32;

const batches = (suffix: string): string[] => [1, 2, 3, 4, 5].map((k) => `data_batch_${k}${suffix}`);

/** CIFAR-10: 5 train batches of 10000 and a test batch of 10000; records are 1 label byte + 3072. */
export const CIFAR10_LAYOUT: CifarLayout = {
  name: 'cifar10',
  title: 'CIFAR-10',
  labelSets: [{ kind: 'label', pythonKey: 'labels', metaKey: 'label_names', namesFile: 'batches.meta.txt', byte: 0, classes: CIFAR10_CLASSES }],
  python: { dir: 'cifar-10-batches-py', meta: 'batches.meta', splits: { train: batches(''), test: ['test_batch'] } },
  binary: { dir: 'cifar-10-batches-bin', splits: { train: batches('.bin'), test: ['test_batch.bin'] } },
};

/** CIFAR-100: one train file of 50000 and one test file of 10000; records are coarse byte, fine byte + 3072. */
export const CIFAR100_LAYOUT: CifarLayout = {
  name: 'cifar100',
  title: 'CIFAR-100',
  labelSets: [
    { kind: 'fine', pythonKey: 'fine_labels', metaKey: 'fine_label_names', namesFile: 'fine_label_names.txt', byte: 1, classes: CIFAR100_FINE_CLASSES },
    { kind: 'coarse', pythonKey: 'coarse_labels', metaKey: 'coarse_label_names', namesFile: 'coarse_label_names.txt', byte: 0, classes: CIFAR100_COARSE_CLASSES },
  ],
  python: { dir: 'cifar-100-python', meta: 'meta', splits: { train: ['train'], test: ['test'] } },
  binary: { dir: 'cifar-100-binary', splits: { train: ['train.bin'], test: ['test.bin'] } },
};

/** One split in memory: N images of [3, 32, 32] bytes and each label set's labels. */
export interface CifarArrays {
  /** Pixels 0..255, [N, 3, 32, 32] (R plane, G plane, B plane per image). */
  readonly images: Uint8Array;
  readonly count: number;
  /** Labels per label set, [N] each. */
  readonly labels: Readonly<Partial<Record<LabelKind, Uint8Array>>>;
  /** Class names per label set (from the meta files when present). */
  readonly classNames: Readonly<Partial<Record<LabelKind, readonly string[]>>>;
  /** The format read and the files, for messages and reports. */
  readonly format: CifarFormat;
  readonly files: readonly string[];
}

/** The label sets' labels of one batch file, before concatenation. */
export interface CifarBatch {
  readonly images: Uint8Array;
  readonly count: number;
  readonly labels: Readonly<Partial<Record<LabelKind, Uint8Array>>>;
}

/** Checks that every label is a class of its set; the message names the file, the position and the range. */
export function checkLabels(file: string, set: LabelSet, labels: ArrayLike<number>, where: (i: number) => string): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!(Number.isInteger(l) && l >= 0 && l < set.classes.length)) {
      throw new RangeError(`${file}: ${where(i)} is ${l}, expected a ${set.kind === 'label' ? '' : `${set.kind} `}class in 0..${set.classes.length - 1}`);
    }
    out[i] = l;
  }
  return out;
}
