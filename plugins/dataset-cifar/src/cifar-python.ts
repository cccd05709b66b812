// The python version of CIFAR: each batch a pickled dict {data: uint8 ndarray [N, 3072], labels (or
// fine_labels and coarse_labels): list of N ints, filenames, batch_label}, the meta file a dict of
// class-name lists. Pure: bytes in, arrays out, read through the allow-listed unpickler.
import { aPickleValue as aValue, isNdArray, ndArrayValues, pickleText as asText, unpickleNumpyDict } from '@crossmodal/nn';
import { checkLabels, IMAGE_BYTES, type CifarBatch, type CifarLayout, type LabelKind } from './cifar-layout.ts';

const keysOf = (dict: Map<string, unknown>): string => [...dict.keys()].join(', ');

function entry(dict: Map<string, unknown>, key: string, file: string, layout: CifarLayout, what: string): unknown {
  if (!dict.has(key)) throw new RangeError(`${file}: no '${key}' key (keys: ${keysOf(dict)}); expected a ${layout.title} ${what}`);
  return dict.get(key);
}

/**
 * Reads one python batch (`data_batch_1`, `test_batch`, CIFAR-100's `train`/`test`).
 * @param file - its path, for messages
 * @example
 * const batch = parsePythonBatch(bytes, 'cifar-100-python/test', CIFAR100_LAYOUT);
 * batch.labels.coarse; // Uint8Array of 10000 superclasses
 */
export function parsePythonBatch(bytes: Uint8Array, file: string, layout: CifarLayout): CifarBatch {
  const dict = unpickleNumpyDict(bytes, file);
  const data = entry(dict, 'data', file, layout, 'batch');
  const shape = isNdArray(data) ? data.shape : [];
  // [N, 3072] in the archives; [N, 3, 32, 32] is the same bytes, as some re-saved copies hold them.
  const rows = shape.length === 2 && shape[1] === IMAGE_BYTES ? shape[0] : shape.length === 4 && shape.slice(1).join() === '3,32,32' ? shape[0] : undefined;
  if (!isNdArray(data) || data.dtype !== 'u1' || rows === undefined) {
    const got = isNdArray(data) ? `a numpy array of dtype ${data.dtype} and shape (${data.shape.join(', ')})` : aValue(data);
    throw new RangeError(`${file}: 'data' must be a uint8 numpy array of shape (N, ${IMAGE_BYTES}), got ${got}`);
  }
  const labels: Partial<Record<LabelKind, Uint8Array>> = {};
  for (const set of layout.labelSets) {
    const value = entry(dict, set.pythonKey, file, layout, 'batch');
    const list = Array.isArray(value) ? value : isNdArray(value) && value.shape.length === 1 ? ndArrayValues(value) : undefined;
    if (list === undefined) throw new RangeError(`${file}: '${set.pythonKey}' must be a list of ints, got ${aValue(value)}`);
    if (list.length !== rows) {
      throw new RangeError(`${file}: '${set.pythonKey}' has ${list.length} entries, expected ${rows} (one per row of 'data')`);
    }
    labels[set.kind] = checkLabels(file, set, list as number[], (i) => `'${set.pythonKey}'[${i}]`);
  }
  return { images: data.bytes, count: rows, labels };
}

/**
 * Reads the python meta file (`batches.meta`, CIFAR-100's `meta`): each label set's class names,
 * which must be as many as the set has classes.
 * @example
 * parsePythonMeta(bytes, 'cifar-10-batches-py/batches.meta', CIFAR10_LAYOUT).label![0]; // 'airplane'
 */
export function parsePythonMeta(bytes: Uint8Array, file: string, layout: CifarLayout): Partial<Record<LabelKind, readonly string[]>> {
  const dict = unpickleNumpyDict(bytes, file);
  const out: Partial<Record<LabelKind, readonly string[]>> = {};
  for (const set of layout.labelSets) {
    const value = entry(dict, set.metaKey, file, layout, 'meta file');
    const names = Array.isArray(value) ? value.map(asText) : [];
    if (!Array.isArray(value) || names.some((n) => n === undefined)) {
      throw new RangeError(`${file}: '${set.metaKey}' must be a list of str, got ${aValue(value)}`);
    }
    if (names.length !== set.classes.length) {
      throw new RangeError(`${file}: '${set.metaKey}' has ${names.length} names, expected ${set.classes.length}`);
    }
    out[set.kind] = names as string[];
  }
  return out;
}
