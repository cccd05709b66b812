// encodeSafetensors: byte-exact layout, exact round trips, and F16/BF16 storage of float32 tensors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memory, scalar, tensor, zeros, type Tensor } from '@crossmodal/tensor';
import { f32ToBf16, f32ToF16 } from './half.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
import { readSafetensorsHeader, SafetensorsError } from './safetensors-header.ts';

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** Float data as bit patterns, so -0 and NaN payloads compare exactly. */
const bitsOf = async (t: Tensor): Promise<number[]> => {
  const data = await t.data();
  return [...new Uint32Array(data.buffer, data.byteOffset, data.length)];
};

describe('encodeSafetensors', () => {
  it('writes the byte-exact layout of the spec for a tiny tensor', async () => {
    const bytes = await encodeSafetensors({ a: tensor([1, -2]) });
    // {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} is 54 bytes; 2 spaces pad it to 56.
    const json = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(json.length).toBe(54);
    const expected = [
      56, 0, 0, 0, 0, 0, 0, 0, // u64 little-endian header length
      ...ascii(json), 0x20, 0x20, // header, space-padded to a multiple of 8
      0x00, 0x00, 0x80, 0x3f, // 1.0f little-endian
      0x00, 0x00, 0x00, 0xc0, // -2.0f little-endian
    ];
    expect([...bytes]).toEqual(expected);
  });

  it('sorts names, puts __metadata__ first and lays tensors out contiguously in name order', async () => {
    const bytes = await encodeSafetensors(
      { 'b.weight': tensor([1, 2, 3]), a: tensor([7], [1], { dtype: 'int32' }), 'b.bias': scalar(5) },
      { metadata: { epoch: '3' } },
    );
    const header = readSafetensorsHeader(bytes);
    expect(Object.keys(header.tensors)).toEqual(['a', 'b.bias', 'b.weight']);
    expect(header.tensors['a']).toEqual({ dtype: 'I32', shape: [1], dataOffsets: [0, 4] });
    expect(header.tensors['b.bias']).toEqual({ dtype: 'F32', shape: [], dataOffsets: [4, 8] });
    expect(header.tensors['b.weight']).toEqual({ dtype: 'F32', shape: [3], dataOffsets: [8, 20] });
    expect(header.metadata).toEqual({ epoch: '3' });
    const text = new TextDecoder().decode(bytes.subarray(8, header.dataStart));
    expect(text.startsWith('{"__metadata__":{"epoch":"3"},"a":')).toBe(true);
    expect(header.headerLength % 8).toBe(0);
  });

  it('pads every header to a multiple of 8 bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ minLength: 1, maxLength: 20 }), async (name) => {
      fc.pre(name !== '__metadata__');
      const t = scalar(1);
      const bytes = await encodeSafetensors({ [name]: t });
      t.dispose();
      const header = readSafetensorsHeader(bytes);
      expect(header.headerLength % 8).toBe(0);
      expect(Object.keys(header.tensors)).toEqual([name]);
      expect(bytes.length).toBe(8 + header.headerLength + 4);
    }), { numRuns: 100 });
  });

  it('round-trips f32, i32, scalar and empty tensors exactly', async () => {
    const specials = new Float32Array([1.5, -0, 3e-8, 1e-45, Infinity, -Infinity, NaN, 3.4028234663852886e38]);
    const tensors = {
      w: tensor(specials, [2, 4]),
      ids: tensor(new Int32Array([1, -2, 2147483647, -2147483648]), [2, 2]),
      step: scalar(0.1),
      count: tensor([42], [], { dtype: 'int32' }),
      none: zeros([0]),
      hollow: zeros([2, 0, 3], { dtype: 'int32' }),
    };
    const { tensors: back, metadata } = decodeSafetensors(await encodeSafetensors(tensors, { metadata: { note: 'héllo ✓' } }));
    expect(metadata).toEqual({ note: 'héllo ✓' });
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const got = back[name]!;
      expect([got.shape, got.dtype]).toEqual([t.shape, t.dtype]);
      expect(await bitsOf(got)).toEqual(await bitsOf(t));
    }
    expect(back['count']!.item()).toBe(42);
  });

  it('keeps a tensor named "__proto__" as an ordinary name', async () => {
    const { tensors } = decodeSafetensors(await encodeSafetensors({ ['__proto__']: scalar(3) }));
    expect(Object.keys(tensors)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
  });

  it('stores float32 as F16 with round-to-nearest-even and reads it back within half precision', async () => {
    const exact = [1, -2, 0.5, 65504, 2 ** -24, -0, 0.333251953125];
    const values = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 10 ** ((i % 7) - 3));
    const bytes = await encodeSafetensors({ exact: tensor(exact), values: tensor(values), ids: tensor([3], [1], { dtype: 'int32' }) }, { dtype: 'F16' });
    const header = readSafetensorsHeader(bytes);
    expect(header.tensors['exact']!.dtype).toBe('F16');
    expect(header.tensors['ids']!.dtype).toBe('I32'); // int32 tensors are never narrowed
    const [begin, end] = header.tensors['values']!.dataOffsets;
    const stored = new Uint16Array(bytes.slice(header.dataStart + begin, header.dataStart + end).buffer);
    expect([...stored]).toEqual([...values].map(f32ToF16));
    const { tensors } = decodeSafetensors(bytes);
    expect(await bitsOf(tensors['exact']!)).toEqual(await bitsOf(tensor(exact)));
    const back = await tensors['values']!.data();
    values.forEach((v, i) => {
      // Relative error ≤ 2^-11 for normal halves; below 2^-14 the absolute step is 2^-24.
      expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25));
    });
  });

  it('stores float32 as BF16 with round-to-nearest-even and reads it back within bfloat16 precision', async () => {
    const exact = [1, -2, 1.0078125, 3.3895313892515355e38, -0];
    const values = Float32Array.from({ length: 64 }, (_, i) => Math.cos(i) * 10 ** ((i % 11) - 5));
    const bytes = await encodeSafetensors({ exact: tensor(exact), ties: tensor([1.00390625, 1.01171875]), values: tensor(values) }, { dtype: 'BF16' });
    const { tensors } = decodeSafetensors(bytes);
    expect(await bitsOf(tensors['exact']!)).toEqual(await bitsOf(tensor(exact)));
    expect([...(await tensors['ties']!.data())]).toEqual([1, 1.015625]);
    const back = await tensors['values']!.data();
    values.forEach((v, i) => {
      expect(f32ToBf16(back[i]!)).toBe(f32ToBf16(v));
      expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -8);
    });
  });

  it('names the tensor it could not read, and does not touch the others', async () => {
    const gone = tensor([1, 2]);
    gone.dispose();
    const kept = tensor([3]);
    await expect(encodeSafetensors({ kept, gone })).rejects.toThrow(/encodeSafetensors: cannot read tensor 'gone': data: tensor #\d+ \[2\] float32 was disposed/);
    expect(kept.isDisposed).toBe(false);
  });

  it('rejects a reserved name, a non-string metadata value and an unknown storage dtype', async () => {
    const t = scalar(1);
    await expect(encodeSafetensors({ __metadata__: t })).rejects.toThrow("encodeSafetensors: '__metadata__' is reserved by the format and cannot name a tensor");
    const metadata: Record<string, string> = JSON.parse('{"epoch": 3}');
    await expect(encodeSafetensors({ t }, { metadata })).rejects.toThrow("encodeSafetensors: metadata value for 'epoch' must be a string, got number");
    const options: { dtype: 'F16' } = JSON.parse('{"dtype": "F8"}');
    await expect(encodeSafetensors({ t }, options)).rejects.toThrow(SafetensorsError);
    await expect(encodeSafetensors({ t }, options)).rejects.toThrow('encodeSafetensors: dtype must be one of F32, F16, BF16, got "F8"');
  });

  it('leaves no tensor behind after a round trip once the results are disposed', async () => {
    const before = memory().tensors;
    const source = tensor([1, 2, 3]);
    const { tensors } = decodeSafetensors(await encodeSafetensors({ source }));
    for (const t of Object.values(tensors)) t.dispose();
    source.dispose();
    expect(memory().tensors).toBe(before);
  });
});
