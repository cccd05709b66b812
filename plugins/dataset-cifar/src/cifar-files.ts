// Finds a CIFAR copy under a path (the unpacked directory itself, or its parent as torchvision's
// `root`), tells the python version from the binary one by the files present, and reads one split:
// its batches concatenated in order, and the class names from the meta files when they are there.
import { parseBinaryBatch, parseLabelNames } from './cifar-binary.ts';
import {
  FORMATS, IMAGE_BYTES, type CifarArrays, type CifarBatch, type CifarFormat, type CifarLayout, type LabelKind, type Split,
} from './cifar-layout.ts';
import { parsePythonBatch, parsePythonMeta } from './cifar-python.ts';
import { isFile, pathIn, readBytes } from './node-files.ts';

/** Which format to read: whichever is found (python first), or only the one named. */
export type FormatChoice = 'auto' | CifarFormat;

/** Every file a format has: both splits' batches and its class-name files. */
export function formatFiles(layout: CifarLayout, format: CifarFormat): string[] {
  const files = layout[format];
  const names = format === 'python' ? [files.meta!] : layout.labelSets.map((s) => s.namesFile);
  return [...files.splits.train, ...files.splits.test, ...names];
}

/** The directories searched for a format, in order: `path`, then the archive's directory inside it. */
function candidates(path: string, layout: CifarLayout, choice: FormatChoice): { dir: string; format: CifarFormat }[] {
  const formats = choice === 'auto' ? FORMATS : [choice];
  return [
    ...formats.map((format) => ({ dir: path, format })),
    ...formats.map((format) => ({ dir: pathIn(path, layout[format].dir), format })),
  ];
}

/** `a, b, c` with runs of numbered batches shortened to `data_batch_1…data_batch_5`. */
const listFiles = (names: readonly string[]): string => names.join(', ').replace(/data_batch_1(\.bin)?(, data_batch_\d\1?)+, data_batch_5\1?/g, 'data_batch_1…data_batch_5$1');

/**
 * The directory and format of the copy under `path`: the first candidate holding any of the
 * format's files. The error names the path, the formats and the files looked for.
 * @example
 * locateCifar(CIFAR10_LAYOUT, '/data', 'auto'); // { dir: '/data/cifar-10-batches-py', format: 'python' }
 */
export function locateCifar(layout: CifarLayout, path: string, choice: FormatChoice): { dir: string; format: CifarFormat } {
  const found = candidates(path, layout, choice).find(({ dir, format }) => formatFiles(layout, format).some((f) => isFile(pathIn(dir, f))));
  if (found) return found;
  const formats = choice === 'auto' ? FORMATS : [choice];
  const looked = formats.map((f) => `the ${f} files ${listFiles(formatFiles(layout, f))} in ${path} and ${pathIn(path, layout[f].dir)}`);
  const archives = formats.map((f) => `${layout.name.replace('cifar', 'cifar-')}-${f}.tar.gz`).join(' or ');
  throw new Error(
    `${layout.name}: no ${layout.title} files under ${path} (looked for ${looked.join('; and for ')}); ` +
      `download ${archives} from https://www.cs.toronto.edu/~kriz/cifar.html, unpack it and set path to the directory`,
  );
}

/**
 * Reads `split` of the copy under `path`.
 * @example
 * const test = await loadCifarSplit(CIFAR100_LAYOUT, '/data/cifar-100-python', 'test', 'auto');
 * [test.count, test.classNames.coarse!.length]; // [10000, 20]
 */
export async function loadCifarSplit(layout: CifarLayout, path: string, split: Split, choice: FormatChoice): Promise<CifarArrays> {
  const { dir, format } = locateCifar(layout, path, choice);
  const names = layout[format].splits[split];
  const missing = names.filter((name) => !isFile(pathIn(dir, name)));
  if (missing.length) {
    throw new Error(`${layout.name}: ${dir} holds ${layout.title} ${format} files but not ${missing.join(', ')} (the ${split} split is ${listFiles(names)})`);
  }
  const files = names.map((name) => pathIn(dir, name));
  const parse = format === 'python' ? parsePythonBatch : parseBinaryBatch;
  const batches: CifarBatch[] = [];
  // One file at a time: a python batch of CIFAR-10 is 30 MB and briefly doubles as a string.
  for (const file of files) batches.push(parse(await readBytes(file), file, layout));
  const classNames = await readClassNames(layout, dir, format);
  return { ...concat(layout, batches), classNames: classNames.names, format, files: [...files, ...classNames.files] };
}

/** Class names from the meta files that exist, the built-in names for the others. */
async function readClassNames(layout: CifarLayout, dir: string, format: CifarFormat): Promise<{ names: CifarArrays['classNames']; files: string[] }> {
  const names: Partial<Record<LabelKind, readonly string[]>> = Object.fromEntries(layout.labelSets.map((s) => [s.kind, s.classes]));
  const files: string[] = [];
  if (format === 'python') {
    const meta = pathIn(dir, layout.python.meta!);
    if (isFile(meta)) {
      Object.assign(names, parsePythonMeta(await readBytes(meta), meta, layout));
      files.push(meta);
    }
    return { names, files };
  }
  for (const set of layout.labelSets) {
    const file = pathIn(dir, set.namesFile);
    if (!isFile(file)) continue;
    names[set.kind] = parseLabelNames(new TextDecoder().decode(await readBytes(file)), file, set.classes.length);
    files.push(file);
  }
  return { names, files };
}

function concat(layout: CifarLayout, batches: readonly CifarBatch[]): Pick<CifarArrays, 'images' | 'count' | 'labels'> {
  if (batches.length === 1) return batches[0]!;
  const count = batches.reduce((n, b) => n + b.count, 0);
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels: Partial<Record<LabelKind, Uint8Array>> = Object.fromEntries(layout.labelSets.map((s) => [s.kind, new Uint8Array(count)]));
  let at = 0;
  for (const batch of batches) {
    images.set(batch.images, at * IMAGE_BYTES);
    for (const set of layout.labelSets) labels[set.kind]!.set(batch.labels[set.kind]!, at);
    at += batch.count;
  }
  return { images, count, labels };
}
