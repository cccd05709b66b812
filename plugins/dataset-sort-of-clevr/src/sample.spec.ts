// The sample writer, and the committed example staying in step with the generator.
import { decodePng } from '@crossmodal/viz';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleImage, writeSample } from './sample.ts';
import { COLOR_RGB } from './scene.ts';
import { SortOfClevrDataset } from './sort-of-clevr-dataset.ts';
import { resolveSortOfClevrConfig } from './sort-of-clevr.config.ts';

const dir = mkdtempSync(join(tmpdir(), 'sort-of-clevr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const examples = new URL('../examples/', import.meta.url);

describe('writeSample', () => {
  it('writes a PNG of the scene at the chosen scale and its questions and answers', () => {
    const { png, txt } = writeSample(dir, { config: { seed: 5, split: 'val' }, image: 2, scale: 2, name: 'x' });
    const image = decodePng(readFileSync(png));
    const scene = new SortOfClevrDataset(resolveSortOfClevrConfig({ seed: 5, split: 'val', images: 3 }, { seed: 0 })).image(2).scene;
    expect([image.width, image.height, image.channels]).toEqual([150, 150, 3]);
    for (const o of scene.objects) {
      // The box centre pixel, doubled, is the object's colour for both shapes.
      const at = ((o.y + 5) * 2 * 150 + (o.x + 5) * 2) * 3;
      expect(Array.from(image.data.subarray(at, at + 3))).toEqual(COLOR_RGB[o.color]);
    }
    const text = readFileSync(txt, 'utf8');
    expect(text.split('\n')[0]).toBe('Sort-of-CLEVR: seed 5, split val, image 2 (75×75, PNG at 2×)');
    expect(text.match(/^ +\d+\. .+ → /gm)).toHaveLength(30); // 20 answered questions and 10 referents
    expect(text.match(/^ +\d+\. (match|mismatch) /gm)).toHaveLength(20);
  });

  it('matches the committed examples/sample.png and sample.txt (rerun scripts/write-sample.ts if this fails)', () => {
    const { png, txt } = writeSample(dir, { config: { seed: 0 } });
    expect(readFileSync(txt, 'utf8')).toBe(readFileSync(new URL('sample.txt', examples), 'utf8'));
    expect(decodePng(readFileSync(png)).data).toEqual(decodePng(readFileSync(new URL('sample.png', examples))).data);
  });

  it('leaves the raster at 75×75 with scale 1', () => {
    const image = new SortOfClevrDataset(resolveSortOfClevrConfig({ images: 1 }, { seed: 0 })).image(0);
    expect([sampleImage(image).width, sampleImage(image, 3).width]).toEqual([75, 225]);
  });
});
