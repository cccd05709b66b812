// Parity with PyTorch: decode the file tools/golden/make_safetensors_fixture.py wrote from torch tensors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeF16, encodeBf16 } from './half.ts';
import { decodeSafetensors } from './safetensors.ts';
import { readSafetensorsHeader } from './safetensors-header.ts';

interface Expected {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: 'float32' | 'int32'; shape: number[]; values: (number | string)[]; bits?: number[] }>;
}

const fixtures = new URL('../../fixtures/', import.meta.url);
const bytes = new Uint8Array(readFileSync(new URL('torch-reference.safetensors', fixtures)));
const expected: Expected = JSON.parse(readFileSync(new URL('torch-reference.json', fixtures), 'utf8'));
// The sidecar spells non-finite floats as strings, since JSON has no literals for them.
const asNumber = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

describe('safetensors written by PyTorch', () => {
  const { tensors, metadata } = decodeSafetensors(bytes);

  it('lists every tensor with the dtypes torch wrote (I64, F16, BF16, F64, BOOL, U8 included)', () => {
    const header = readSafetensorsHeader(bytes);
    const dtypes = Object.fromEntries(Object.entries(header.tensors).map(([k, e]) => [k, e.dtype]));
    expect(dtypes).toEqual({
      f64: 'F64', ids: 'I64', count: 'I32', empty: 'F32', src: 'F32', weight: 'F32',
      'half.weight': 'F16', 'src.bf16': 'BF16', 'src.f16': 'F16', mask: 'BOOL', pixels: 'U8',
    });
    expect(metadata).toEqual(expected.metadata);
  });

  it.each(Object.keys(expected.tensors))('decodes %s to the values torch converts it to', async (name) => {
    const want = expected.tensors[name]!;
    const got = tensors[name]!;
    expect(got.dtype).toBe(want.dtype);
    expect(got.shape).toEqual(want.shape);
    const data = [...(await got.data())];
    expect(data.length).toBe(want.values.length);
    data.forEach((v, i) => {
      const w = asNumber(want.values[i]!);
      // Object.is: -0 must stay -0 and NaN must stay NaN.
      if (!Object.is(v, w)) expect.fail(`${name}[${i}]: got ${v}, torch says ${w}`);
    });
  });

  it.each([['src.f16', encodeF16], ['src.bf16', encodeBf16]] as const)(
    'rounds float32 to the same %s bits as torch does',
    async (name, encode) => {
      const ours = [...encode(Float32Array.from(await tensors['src']!.data()))];
      const theirs = expected.tensors[name]!.bits!;
      const isNaNBits = name === 'src.f16'
        ? (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0
        : (h: number) => (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;
      // NOTE: torch's NaN payload differs by build (0x7fc0 or 0xffff for bf16); any NaN pattern matches a NaN.
      ours.forEach((bits, i) => {
        const same = isNaNBits(theirs[i]!) ? isNaNBits(bits) : bits === theirs[i];
        if (!same) expect.fail(`${name}[${i}]: ours 0x${bits.toString(16)}, torch 0x${theirs[i]!.toString(16)}`);
      });
      expect(ours.length).toBe(24);
    },
  );
});
