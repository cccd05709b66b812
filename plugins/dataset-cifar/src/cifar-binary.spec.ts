import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBinaryBatch, parseLabelNames, recordBytes } from './cifar-binary.ts';
import { CIFAR10_LAYOUT, CIFAR100_LAYOUT } from './cifar-layout.ts';
import { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from './classes.ts';
import { FIXTURES, fixtureImage } from './fixtures.spec-helper.ts';

const read = (dir: string, name: string): [Uint8Array, string] => {
  const file = join(FIXTURES, dir, name);
  return [readFileSync(file), file];
};

describe('parseBinaryBatch', () => {
  it('splits CIFAR-10 records into a label byte and the R, G, B planes', () => {
    const batch = parseBinaryBatch(...read('cifar-10-batches-bin', 'test_batch.bin'), CIFAR10_LAYOUT);
    expect([batch.count, Array.from(batch.labels.label!), batch.images.length]).toEqual([3, [3, 8, 0], 3 * 3072]);
    expect(Array.from(batch.images.subarray(2 * 3072))).toEqual(fixtureImage(2));
  });

  it('reads the coarse byte before the fine byte of CIFAR-100 records', () => {
    const batch = parseBinaryBatch(...read('cifar-100-binary', 'train.bin'), CIFAR100_LAYOUT);
    expect([Array.from(batch.labels.fine!), Array.from(batch.labels.coarse!)]).toEqual([[19, 29, 0], [11, 15, 4]]);
    expect(Array.from(batch.images.subarray(3072, 6144))).toEqual(fixtureImage(1));
    expect([recordBytes(CIFAR10_LAYOUT), recordBytes(CIFAR100_LAYOUT)]).toEqual([3073, 3074]);
  });

  it('names a truncated file, an empty one and a file of the other dataset with the byte counts', () => {
    const [bytes, file] = read('cifar-10-batches-bin', 'data_batch_1.bin');
    expect(() => parseBinaryBatch(bytes.subarray(0, 6000), file, CIFAR10_LAYOUT)).toThrow(
      `${file}: 6000 bytes is not a whole number of 3073-byte CIFAR-10 records (label byte + 3072 pixel bytes): ` +
        '1 record and 2927 bytes over (truncated, or not a CIFAR-10 binary file?)',
    );
    expect(() => parseBinaryBatch(new Uint8Array(0), 'e.bin', CIFAR10_LAYOUT)).toThrow('e.bin: 0 bytes is not a whole number');
    expect(() => parseBinaryBatch(bytes, file, CIFAR100_LAYOUT)).toThrow(
      `${file}: 6146 bytes is not a whole number of 3074-byte CIFAR-100 records (coarse byte + fine byte + 3072 pixel bytes): 1 record and 3072 bytes over`,
    );
  });

  it('names a label outside the classes with its record', () => {
    const [bytes, file] = read('cifar-10-batches-bin', 'data_batch_1.bin');
    const bad = Uint8Array.from(bytes);
    bad[3073] = 10;
    expect(() => parseBinaryBatch(bad, file, CIFAR10_LAYOUT)).toThrow(`${file}: record 1: label is 10, expected a class in 0..9`);
    const [hundred, name] = read('cifar-100-binary', 'test.bin');
    const coarse = Uint8Array.from(hundred);
    coarse[0] = 20;
    expect(() => parseBinaryBatch(coarse, name, CIFAR100_LAYOUT)).toThrow(`${name}: record 0: coarse label is 20, expected a coarse class in 0..19`);
  });
});

describe('parseLabelNames', () => {
  it('reads the names files, ignoring blank lines, and checks their count', () => {
    const text = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
    expect(parseLabelNames(text('cifar-10-batches-bin/batches.meta.txt'), 'm', 10)).toEqual(CIFAR10_CLASSES);
    expect(parseLabelNames(text('cifar-100-binary/fine_label_names.txt'), 'f', 100)).toEqual(CIFAR100_FINE_CLASSES);
    expect(parseLabelNames(text('cifar-100-binary/coarse_label_names.txt'), 'c', 20)).toEqual(CIFAR100_COARSE_CLASSES);
    expect(parseLabelNames(' cat \r\n\r\ndog\r\n', 'w', 2)).toEqual(['cat', 'dog']);
    expect(() => parseLabelNames('a\nb\n', 'names.txt', 10)).toThrow('names.txt: 2 class names (non-blank lines), expected 10');
  });
});
