// Scenes: deterministic by seed, one object per colour, inside the canvas, no overlap, and the
// rendered pixels are exactly the objects' shapes in their colours.
import { Generator } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import {
  boxesOverlap, COLOR_RGB, COLORS, coversPixel, extremeFrom, generateScene, IMAGE_SIZE, OBJECT_SIZE, renderChw, renderRgb,
  squaredDistance, type Scene,
} from './scene.ts';

const scenes = (seed: number, n: number): Scene[] => Array.from({ length: n }, (_, i) => generateScene(new Generator(seed * 1000 + i)));

describe('generateScene', () => {
  it('gives the same scene for the same seed and different scenes for different seeds', () => {
    expect(generateScene(new Generator(7))).toEqual(generateScene(new Generator(7)));
    const distinct = new Set(scenes(1, 50).map((s) => JSON.stringify(s)));
    expect(distinct.size).toBe(50);
  });

  it('places six objects of unique colours, in colour order, inside the canvas', () => {
    for (const scene of scenes(2, 200)) {
      expect(scene.objects.map((o) => o.color)).toEqual([0, 1, 2, 3, 4, 5]);
      for (const o of scene.objects) {
        expect(o.x).toBeGreaterThanOrEqual(0);
        expect(o.y).toBeGreaterThanOrEqual(0);
        expect(o.x + OBJECT_SIZE).toBeLessThanOrEqual(IMAGE_SIZE);
        expect(o.y + OBJECT_SIZE).toBeLessThanOrEqual(IMAGE_SIZE);
      }
    }
  });

  it('never lets two boxes share a pixel', () => {
    for (const scene of scenes(3, 500)) {
      const owner = new Int32Array(IMAGE_SIZE * IMAGE_SIZE).fill(-1);
      for (const o of scene.objects) {
        for (let y = o.y; y < o.y + OBJECT_SIZE; y++) {
          for (let x = o.x; x < o.x + OBJECT_SIZE; x++) {
            expect(owner[y * IMAGE_SIZE + x]).toBe(-1);
            owner[y * IMAGE_SIZE + x] = o.color;
          }
        }
      }
      for (const a of scene.objects) for (const b of scene.objects) if (a !== b) expect(boxesOverlap(a, b)).toBe(false);
    }
  });

  it('draws squares and circles with about equal odds', () => {
    const shapes = scenes(4, 300).flatMap((s) => s.objects.map((o) => o.shape));
    const squares = shapes.filter((s) => s === 'square').length / shapes.length;
    expect(squares).toBeGreaterThan(0.45);
    expect(squares).toBeLessThan(0.55);
  });

  it('leaves no object with a tied closest or furthest neighbour', () => {
    for (const scene of scenes(5, 300)) {
      for (const o of scene.objects) {
        const d = scene.objects.filter((p) => p !== o).map((p) => squaredDistance(o, p)).sort((a, b) => a - b);
        expect(d[0]).toBeLessThan(d[1]!);
        expect(d.at(-1)).toBeGreaterThan(d.at(-2)!);
        expect(squaredDistance(o, scene.objects[extremeFrom(scene, o.color, 'closest')]!)).toBe(d[0]);
        expect(squaredDistance(o, scene.objects[extremeFrom(scene, o.color, 'furthest')]!)).toBe(d.at(-1));
      }
    }
  });
});

describe('extremeFrom', () => {
  it('reports a tie as -1', () => {
    const at = (color: number, x: number, y: number) => ({ color, shape: 'square' as const, x, y });
    // green and blue are both 20 px from red; orange is the furthest, alone.
    const scene: Scene = { objects: [at(0, 30, 30), at(1, 10, 30), at(2, 50, 30), at(3, 30, 0), at(4, 0, 60), at(5, 60, 60)] };
    expect(extremeFrom(scene, 0, 'closest')).toBe(-1);
    expect(extremeFrom(scene, 1, 'closest')).toBe(0);
  });
});

describe('renderRgb and renderChw', () => {
  it('paints exactly the covered pixels of each object in its colour, the rest white', () => {
    for (const scene of scenes(6, 20)) {
      const rgb = renderRgb(scene);
      for (let y = 0; y < IMAGE_SIZE; y++) {
        for (let x = 0; x < IMAGE_SIZE; x++) {
          const o = scene.objects.find((obj) => coversPixel(obj, x, y));
          const want = o ? COLOR_RGB[o.color]! : [255, 255, 255];
          expect(Array.from(rgb.subarray((y * IMAGE_SIZE + x) * 3, (y * IMAGE_SIZE + x) * 3 + 3))).toEqual(want);
        }
      }
    }
  });

  it('fills a square’s whole box and a circle reaching all four edges of it', () => {
    const square = { color: 0, shape: 'square' as const, x: 3, y: 4 };
    const circle = { ...square, shape: 'circle' as const };
    const covered = (o: typeof square | typeof circle) => {
      let n = 0;
      const rows = new Set<number>();
      const cols = new Set<number>();
      for (let y = 0; y < IMAGE_SIZE; y++) for (let x = 0; x < IMAGE_SIZE; x++) if (coversPixel(o, x, y)) (n++, rows.add(y), cols.add(x));
      return [n, rows.size, cols.size];
    };
    expect(covered(square)).toEqual([100, 10, 10]);
    // 80 of the 100 pixel centres (offsets ±0.5…±4.5) lie within radius 5 of the box centre (20 per quadrant).
    expect(covered(circle)).toEqual([80, 10, 10]);
  });

  it('gives a [3, 75, 75] channel-major float image in [0, 1] equal to the RGB bytes / 255', () => {
    const scene = generateScene(new Generator(9));
    const rgb = renderRgb(scene);
    const chw = renderChw(scene);
    expect(chw.length).toBe(3 * IMAGE_SIZE * IMAGE_SIZE);
    const plane = IMAGE_SIZE * IMAGE_SIZE;
    // Painted separately from renderRgb: every pixel must agree exactly.
    const expected = new Float32Array(3 * plane);
    for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) expected[c * plane + p] = rgb[p * 3 + c]! / 255;
    expect(chw).toEqual(expected);
    expect(Math.min(...chw)).toBe(0);
    expect(Math.max(...chw)).toBe(1);
    expect(COLORS.length).toBe(new Set(COLOR_RGB.map((c) => c.join())).size);
  });
});
