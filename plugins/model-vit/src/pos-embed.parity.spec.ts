// resizePosEmbed: identity at the same size, a bilinear case worked by hand, and torch's
// F.interpolate (bilinear/bicubic, with and without antialias) from tools/golden/make_vit_fixture.py.
import { decodeSafetensors } from '@crossmodal/nn';
import { randn, tensor } from '@crossmodal/tensor';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resampleMatrix, resizePosEmbed } from './pos-embed.ts';

const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(new URL('../fixtures/pos-embed-resize.golden.safetensors', import.meta.url))));

describe('resizePosEmbed', () => {
  it.each([
    ['bilinear', false], ['bilinear', true], ['bicubic', false], ['bicubic', true],
  ] as const)('returns the same values when the grid does not change (%s, antialias %s)', (mode, antialias) => {
    const pos = randn([1, 1 + 3 * 4, 5]);
    const out = resizePosEmbed(pos, [3, 4], { oldGrid: [3, 4], mode, antialias });
    expect(out.shape).toEqual([1, 13, 5]);
    [...out.dataSync()].forEach((v, i) => expect(v).toBeCloseTo(pos.dataSync()[i]!, 6));
  });

  it('upsamples a 2×2 grid to 4×4 bilinearly (half-pixel centres, edges clamped) and keeps the class token', () => {
    // D = 1: class token 9, grid [[0, 1], [2, 3]]; per axis the weights are [1, 0], [¾, ¼], [¼, ¾], [0, 1].
    const pos = tensor([9, 0, 1, 2, 3], [1, 5, 1]);
    const out = resizePosEmbed(pos, 4, { mode: 'bilinear', antialias: false });
    expect([...out.dataSync()]).toEqual([
      9,
      0, 0.25, 0.75, 1,
      0.5, 0.75, 1.25, 1.5,
      1.5, 1.75, 2.25, 2.5,
      2, 2.25, 2.75, 3,
    ]);
  });

  it('builds resampling rows that each sum to 1', () => {
    for (const [n, m] of [[3, 5], [5, 3], [14, 24], [24, 14]] as const) {
      for (const mode of ['bilinear', 'bicubic'] as const) {
        for (const aa of [false, true]) {
          for (const row of resampleMatrix(n, m, mode, aa)) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        }
      }
    }
  });

  const cases = Object.keys(tensors).filter((k) => !k.startsWith('src'));
  it.each(cases)('matches torch F.interpolate for %s', (name) => {
    const [sizes, tag] = name.split('.') as [string, string];
    const [from, to] = sizes.split('to') as [string, string];
    const grid = to.includes('x') ? (to.split('x').map(Number) as [number, number]) : Number(to);
    const out = resizePosEmbed(tensors[`src${from}`]!, grid, {
      mode: tag.startsWith('bicubic') ? 'bicubic' : 'bilinear',
      antialias: tag.endsWith('_aa'),
    });
    const want = tensors[name]!;
    expect(out.shape).toEqual(want.shape);
    [...out.dataSync()].forEach((v, i) => expect(Math.abs(v - want.dataSync()[i]!), `${name}[${i}]`).toBeLessThan(1e-5));
  });

  it('names the problem when the tokens are not a grid or the options are wrong', () => {
    expect(() => resizePosEmbed(randn([1, 11, 2]), 4)).toThrow('resizePosEmbed: 11 tokens are not 1 prefix token(s) + a 3×3 grid');
    expect(() => resizePosEmbed(randn([2, 10, 2]), 4)).toThrow('resizePosEmbed: expected [1, T, D], got [2, 10, 2]');
    expect(() => resizePosEmbed(randn([1, 10, 2]), 0)).toThrow('resizePosEmbed: newGrid must be positive integers, got 0');
  });
});
