// The binary version of CIFAR: fixed-size records, CIFAR-10's 1 label byte + 3072 pixel bytes,
// CIFAR-100's coarse byte, fine byte + 3072; class names in text files, one per line. Pure.
import { checkLabels, IMAGE_BYTES, type CifarBatch, type CifarLayout, type LabelKind } from './cifar-layout.ts';

/** Bytes per record of a layout: its label bytes, then the image. */
export const recordBytes = (layout: CifarLayout): number => layout.labelSets.length + IMAGE_BYTES;

/**
 * Splits one binary batch into images and labels.
 * @param file - its path, for messages
 * @example
 * const batch = parseBinaryBatch(bytes, 'cifar-10-batches-bin/test_batch.bin', CIFAR10_LAYOUT);
 * batch.count; // 10000
 */
export function parseBinaryBatch(bytes: Uint8Array, file: string, layout: CifarLayout): CifarBatch {
  const record = recordBytes(layout);
  const head = layout.labelSets.length;
  const inRecordOrder = [...layout.labelSets].sort((a, b) => a.byte - b.byte);
  const fields = `${inRecordOrder.map((s) => `${s.kind} byte`).join(' + ')} + ${IMAGE_BYTES} pixel bytes`;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    const whole = Math.floor(bytes.length / record);
    throw new RangeError(
      `${file}: ${bytes.length} bytes is not a whole number of ${record}-byte ${layout.title} records (${fields}): ` +
        `${whole} record${whole === 1 ? '' : 's'} and ${bytes.length % record} bytes over (truncated, or not a ${layout.title} binary file?)`,
    );
  }
  const count = bytes.length / record;
  const images = new Uint8Array(count * IMAGE_BYTES);
  for (let n = 0; n < count; n++) images.set(bytes.subarray(n * record + head, (n + 1) * record), n * IMAGE_BYTES);
  const labels: Partial<Record<LabelKind, Uint8Array>> = {};
  for (const set of layout.labelSets) {
    const raw = Uint8Array.from({ length: count }, (_, n) => bytes[n * record + set.byte]!);
    labels[set.kind] = checkLabels(file, set, raw, (n) => `record ${n}: ${set.kind === 'label' ? 'label' : `${set.kind} label`}`);
  }
  return { images, count, labels };
}

/**
 * Class names from a names file (`batches.meta.txt`, `fine_label_names.txt`…): one per line, blank
 * lines and surrounding spaces ignored (the archive's files end in blank lines).
 * @example
 * parseLabelNames('airplane\nautomobile\n…\ntruck\n\n', 'batches.meta.txt', 10); // ['airplane', …, 'truck']
 */
export function parseLabelNames(text: string, file: string, expected: number): string[] {
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (names.length !== expected) throw new RangeError(`${file}: ${names.length} class names (non-blank lines), expected ${expected}`);
  return names;
}
