// The attention pictures from synthetic probabilities: file names, sizes, where the heat goes, the
// prefix-token inference and the display stretch.
import { describe, expect, it } from 'vitest';
import { attentionPictures, displayImage, MIN_PICTURE_SIDE, prefixTokensOf } from './attention-pictures.ts';

/** Probabilities [1, H, N, N] where every query attends only to `key` (one-hot rows). */
function oneHot(heads: number, tokens: number, key: (head: number) => number): { shape: number[]; data: Float32Array } {
  const data = new Float32Array(heads * tokens * tokens);
  for (let h = 0; h < heads; h++) for (let q = 0; q < tokens; q++) data[(h * tokens + q) * tokens + key(h)] = 1;
  return { shape: [1, heads, tokens, tokens], data };
}

const image = { shape: [1, 28, 28], data: new Float32Array(28 * 28).fill(0.5) };

describe('attentionPictures', () => {
  // 1 class token + a 4×4 grid; head 0 looks at the top-left patch, head 1 at the bottom-right one.
  const probs = [0, 1].map(() => oneHot(2, 17, (h) => (h === 0 ? 1 : 16)));
  const pictures = attentionPictures(probs, image, 'TEST');

  it('names one picture per layer and head, each layer mean, three rollouts and the sheet', () => {
    expect(pictures.map((p) => p.file)).toEqual([
      'layer0-head0.png', 'layer0-head1.png', 'layer0-mean.png',
      'layer1-head0.png', 'layer1-head1.png', 'layer1-mean.png',
      'rollout-mean.png', 'rollout-max.png', 'rollout-min.png', 'sheet.png',
    ]);
    for (const p of pictures.slice(0, -1)) expect([p.image.width, p.image.height, p.image.channels]).toEqual([112, 112, 3]);
    const sheet = pictures.at(-1)!.image;
    // 4 columns (2 heads + mean, or input + 3 rollouts) × 3 rows (2 layers + the rollout row), with captions and a title.
    expect(sheet.width).toBe(4 + 4 * (112 + 4));
    expect(sheet.height).toBeGreaterThan(3 * (112 + 4));
  });

  it('puts the heat where the class token looks: top-left for head 0, bottom-right for head 1', () => {
    const brightness = (file: string, x: number, y: number): number => {
      const im = pictures.find((p) => p.file === file)!.image;
      const i = (y * im.width + x) * 3;
      return im.data[i]! + im.data[i + 1]!; // viridis: yellow (hot) has far more red+green than purple (cold)
    };
    expect(brightness('layer0-head0.png', 5, 5)).toBeGreaterThan(brightness('layer0-head0.png', 106, 106) + 100);
    expect(brightness('layer1-head1.png', 106, 106)).toBeGreaterThan(brightness('layer1-head1.png', 5, 5) + 100);
  });

  it('infers the prefix tokens from a square grid and refuses a grid without a class token', () => {
    expect([prefixTokensOf(17), prefixTokensOf(197), prefixTokensOf(50), prefixTokensOf(201)]).toEqual([1, 1, 1, 5]);
    expect(() => prefixTokensOf(16)).toThrow('16 tokens form a square patch grid with no class token before it');
    expect(() => attentionPictures([oneHot(1, 16, () => 0)], image)).toThrow(/no class token/);
  });

  it('stretches the image to [0, 1] and scales 28 px up to at least MIN_PICTURE_SIDE', () => {
    const shown = displayImage({ shape: [1, 2, 2], data: [-1, 0, 1, 3] });
    expect(shown.shape).toEqual([1, MIN_PICTURE_SIDE, MIN_PICTURE_SIDE]);
    expect(Math.min(...Array.from(shown.data))).toBe(0);
    expect(Math.max(...Array.from(shown.data))).toBe(1);
    expect(displayImage({ shape: [3, 224, 224], data: new Float32Array(3 * 224 * 224) }).shape).toEqual([3, 224, 224]);
  });
});
