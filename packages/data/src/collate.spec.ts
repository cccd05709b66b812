import { describe, expect, it } from 'vitest';
import { memory } from '@crossmodal/tensor';
import { collate, collateHost, uploadBatch } from './collate.ts';
import type { Example } from './types.ts';

const host = (values: number[], shape: number[], int = false) => ({ data: int ? Int32Array.from(values) : Float32Array.from(values), shape });

describe('collate', () => {
  it('stacks arrays along a new axis B and keeps their dtype', () => {
    const batch = collate([
      { x: host([1, 2, 3, 4], [2, 2]), ids: host([5, 6], [2], true) },
      { x: host([5, 6, 7, 8], [2, 2]), ids: host([7, 8], [2], true) },
    ]);
    expect(batch.x!.shape).toEqual([2, 2, 2]);
    expect(batch.x!.dtype).toBe('float32');
    expect(Array.from(batch.x!.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(batch.ids!.dtype).toBe('int32');
    expect(batch.ids!.toArray()).toEqual([[5, 6], [7, 8]]);
  });

  it('makes number fields int32, and float32 only when listed in floatFields, whatever the values', () => {
    const batch = collate([{ label: 1, weight: 0.5 }, { label: 2, weight: 1 }], { floatFields: ['weight'] });
    expect(batch.label!.dtype).toBe('int32');
    expect(batch.label!.toArray()).toEqual([1, 2]);
    expect(batch.weight!.dtype).toBe('float32');
    expect(batch.weight!.toArray()).toEqual([0.5, 1]);
    // A float field whose batch happens to hold whole numbers stays float32.
    expect(collateHost([{ weight: 1 }, { weight: 2 }], { floatFields: ['weight'] }).weight!.data).toEqual(Float32Array.of(1, 2));
    // A float scalar given as a host array of shape [] needs no declaration.
    expect(collateHost([{ weight: { data: Float32Array.of(1), shape: [] } }, { weight: { data: Float32Array.of(2), shape: [] } }]).weight).toEqual({ data: Float32Array.of(1, 2), shape: [2] });
  });

  it('refuses a non-integer in an int32 number field instead of switching that batch to float32', () => {
    expect(() => collateHost([{ weight: 1 }, { weight: 0.5 }], { indices: [3, 8] })).toThrow(
      "collate: field 'weight' of example 8 is 0.5, expected an int32 integer (a number field is int32: labels, indices, counts); for a float field list 'weight' in floatFields or give it as { data: Float32Array.of(v), shape: [] }",
    );
    expect(() => collateHost([{ id: 2 ** 31 }])).toThrow("collate: field 'id' of example 0 is 2147483648, expected an int32 integer");
  });

  it('names the field, the example index and both shapes on a shape mismatch', () => {
    const examples: Example[] = [{ x: host([1, 2], [2]) }, { x: host([1, 2, 3], [3]) }];
    expect(() => collate(examples, { indices: [10, 42] })).toThrow(
      "collate: field 'x' of example 42 has shape [3] (3 values), but example 10 (the batch's first) has [2]",
    );
  });

  it('names a missing field and a number/array mix', () => {
    expect(() => collate([{ a: 1, b: 2 }, { a: 3 }], { indices: [0, 7] })).toThrow("example 7 has no field 'b'");
    expect(() => collate([{ a: 1 }, { a: host([1], [1]) }], { indices: [0, 5] })).toThrow(
      "field 'a' of example 5 is an array of shape [1], but example 0 (the batch's first) has a number",
    );
    expect(() => collate([{ a: host([1], [1]) }, { a: host([1], [1], true) }])).toThrow("field 'a' of example 1 is a Int32Array");
  });

  it('names what it accepts when the first example holds neither a Float32Array nor an Int32Array', () => {
    // The types forbid it; a dataset written in JS (or one that casts) can still give one.
    const bytes = { data: Uint8Array.of(1, 2) as unknown as Float32Array, shape: [2] };
    expect(() => collateHost([{ m: bytes }, { m: bytes }], { indices: [4, 9] })).toThrow(
      "collate: field 'm' of example 4 is a Uint8Array, expected a Float32Array (values) or an Int32Array (indices, labels, masks); convert it in the dataset, e.g. Float32Array.from(bytes)",
    );
  });

  it('frees the tensors uploadBatch already made when a later field fails to upload', () => {
    const before = memory().tensors;
    // Field 'a' uploads; field 'b' has 3 values for shape [2], so making its tensor throws.
    const bad = { a: host([1, 2], [2]), b: host([1, 2, 3], [2]) };
    expect(() => uploadBatch(bad)).toThrow('tensor: 3 values cannot take shape [2] (2 elements)');
    expect(memory().tensors).toBe(before);
  });

  it('stacks on the host with collateHost, and uploadBatch gives the tensors collate would', () => {
    const examples: Example[] = [{ x: host([1, 2], [2]), label: 4 }, { x: host([3, 4], [2]), label: 5 }];
    const hostBatch = collateHost(examples);
    expect(hostBatch.x!.shape).toEqual([2, 2]);
    expect(hostBatch.label!.data).toEqual(Int32Array.of(4, 5));
    const up = uploadBatch(hostBatch);
    const direct = collate(examples);
    expect([up.x!.toArray(), up.label!.dtype]).toEqual([direct.x!.toArray(), direct.label!.dtype]);
    [...Object.values(up), ...Object.values(direct)].forEach((t) => t.dispose());
  });

  it('rejects an empty list', () => {
    expect(() => collate([])).toThrow('collate: got no examples');
  });
});
