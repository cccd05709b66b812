import { P, pickleDict } from '@crossmodal/nn/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_LAYOUT, CIFAR100_LAYOUT } from './cifar-layout.ts';
import { parsePythonBatch, parsePythonMeta } from './cifar-python.ts';
import { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from './classes.ts';
import { FIXTURES, fixtureImage } from './fixtures.spec-helper.ts';

const read = (path: string): Uint8Array => readFileSync(join(FIXTURES, path));
const labels = (...xs: number[]): Uint8Array => P.list(...xs.map(P.int));
const image = (n: number): Uint8Array => Uint8Array.from(fixtureImage(n));

describe('parsePythonBatch', () => {
  it('reads the images and fine and coarse labels of a CIFAR-100 batch', () => {
    const batch = parsePythonBatch(read('cifar-100-python/test'), 'test', CIFAR100_LAYOUT);
    expect([batch.count, Array.from(batch.labels.fine!), Array.from(batch.labels.coarse!)]).toEqual([2, [49, 33], [10, 10]]);
    expect(Array.from(batch.images.subarray(3072))).toEqual(fixtureImage(1));
  });

  it('accepts data as (N, 3, 32, 32) and labels as a numpy array', () => {
    const data = P.ndarray([1, 3, 32, 32], 'u1', image(4));
    const batch = parsePythonBatch(pickleDict({ data, labels: P.ndarray([1], 'i8', Uint8Array.of(7, 0, 0, 0, 0, 0, 0, 0), { order: '<' }) }), 'b', CIFAR10_LAYOUT);
    expect([batch.count, Array.from(batch.labels.label!), Array.from(batch.images)]).toEqual([1, [7], fixtureImage(4)]);
  });

  it('names a missing key, a label list of the wrong length and a label outside the classes', () => {
    const data = P.ndarray([2, 3072], 'u1', new Uint8Array(6144));
    expect(() => parsePythonBatch(pickleDict({ data, labels: labels(1, 2) }), 'c100', CIFAR100_LAYOUT)).toThrow(
      "c100: no 'fine_labels' key (keys: data, labels); expected a CIFAR-100 batch",
    );
    expect(() => parsePythonBatch(pickleDict({ data, labels: labels(1) }), 'short', CIFAR10_LAYOUT)).toThrow(
      "short: 'labels' has 1 entries, expected 2 (one per row of 'data')",
    );
    expect(() => parsePythonBatch(pickleDict({ data, labels: labels(1, 10) }), 'range', CIFAR10_LAYOUT)).toThrow(
      "range: 'labels'[1] is 10, expected a class in 0..9",
    );
    expect(() => parsePythonBatch(pickleDict({ data, labels: P.str('x') }), 'str', CIFAR10_LAYOUT)).toThrow(
      "str: 'labels' must be a list of ints, got bytes", // a Python 2 str is bytes (encoding='bytes')
    );
  });

  it('names data of the wrong dtype or shape', () => {
    const wide = P.ndarray([1, 3072], 'i2', new Uint8Array(6144));
    expect(() => parsePythonBatch(pickleDict({ data: wide, labels: labels(1) }), 'w', CIFAR10_LAYOUT)).toThrow(
      "w: 'data' must be a uint8 numpy array of shape (N, 3072), got a numpy array of dtype i2 and shape (1, 3072)",
    );
    const gray = P.ndarray([1, 1024], 'u1', new Uint8Array(1024));
    expect(() => parsePythonBatch(pickleDict({ data: gray, labels: labels(1) }), 'g', CIFAR10_LAYOUT)).toThrow('got a numpy array of dtype u1 and shape (1, 1024)');
    expect(() => parsePythonBatch(pickleDict({ data: labels(1), labels: labels(1) }), 'l', CIFAR10_LAYOUT)).toThrow("l: 'data' must be a uint8 numpy array of shape (N, 3072), got a list");
  });
});

describe('parsePythonMeta', () => {
  it('reads the class names of both meta files', () => {
    expect(parsePythonMeta(read('cifar-10-batches-py/batches.meta'), 'm', CIFAR10_LAYOUT)).toEqual({ label: CIFAR10_CLASSES });
    expect(parsePythonMeta(read('cifar-100-python/meta'), 'm', CIFAR100_LAYOUT)).toEqual({ fine: CIFAR100_FINE_CLASSES, coarse: CIFAR100_COARSE_CLASSES });
  });

  it('names a meta file with the wrong number of names', () => {
    expect(() => parsePythonMeta(pickleDict({ label_names: P.list(P.str('cat')) }), 'meta', CIFAR10_LAYOUT)).toThrow(
      "meta: 'label_names' has 1 names, expected 10",
    );
  });
});
