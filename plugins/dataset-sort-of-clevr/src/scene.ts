// Sort-of-CLEVR scenes (Santoro et al. 2017, appendix D, https://arxiv.org/abs/1706.01427):
// six objects of unique colours on a white 75×75 canvas, each a square or a circle of one size,
// placed without overlap, drawn from a seeded generator so a seed always gives the same scene.
import { Generator } from '@crossmodal/tensor';

/** Canvas side in pixels (the paper's 75×75). */
export const IMAGE_SIZE = 75;
/** Side of every object's bounding box in pixels (the public generators' radius 5). */
export const OBJECT_SIZE = 10;

/** The six colours, in the order of the question encoding's one-hot bits. */
export const COLORS = ['red', 'green', 'blue', 'orange', 'gray', 'yellow'] as const;
/** One of {@link COLORS}. */
export type Color = (typeof COLORS)[number];
/** RGB (0–255) of each colour, index-aligned with {@link COLORS}. */
export const COLOR_RGB: readonly (readonly [number, number, number])[] = [
  [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 156, 0], [128, 128, 128], [255, 255, 0],
];

/** The two shapes. */
export const SHAPES = ['square', 'circle'] as const;
/** One of {@link SHAPES}. */
export type Shape = (typeof SHAPES)[number];

/** One object: its colour (index into COLORS, also its index in the scene) and its pixel box. */
export interface SceneObject {
  /** Index into {@link COLORS}; scene.objects[i].color === i. */
  readonly color: number;
  readonly shape: Shape;
  /** Left column of its box (pixels [x, x + OBJECT_SIZE) are its columns). */
  readonly x: number;
  /** Top row of its box. */
  readonly y: number;
}

/** A scene: one object per colour, in colour order. */
export interface Scene {
  readonly objects: readonly SceneObject[];
}

/** Centre of an object's box in pixel units: integers, so never on the image's midline 37.5. */
export const centerOf = (o: SceneObject): readonly [number, number] => [o.x + OBJECT_SIZE / 2, o.y + OBJECT_SIZE / 2];

/** Squared distance between two objects' centres (exact: centres are integers). */
export function squaredDistance(a: SceneObject, b: SceneObject): number {
  const [ax, ay] = centerOf(a);
  const [bx, by] = centerOf(b);
  return (ax - bx) ** 2 + (ay - by) ** 2;
}

/** Whether two boxes share a pixel (boxes that only share an edge line do not). */
export function boxesOverlap(a: SceneObject, b: SceneObject): boolean {
  return Math.abs(a.x - b.x) < OBJECT_SIZE && Math.abs(a.y - b.y) < OBJECT_SIZE;
}

/**
 * The object other than `index` whose centre is nearest (`closest`) or furthest from object
 * `index`'s centre, or -1 when two objects tie for it.
 */
export function extremeFrom(scene: Scene, index: number, which: 'closest' | 'furthest'): number {
  const self = scene.objects[index]!;
  let best = -1;
  let bestDistance = which === 'closest' ? Number.POSITIVE_INFINITY : -1;
  let tied = false;
  for (const other of scene.objects) {
    if (other.color === index) continue;
    const d = squaredDistance(self, other);
    if (d === bestDistance) tied = true;
    if (which === 'closest' ? d < bestDistance : d > bestDistance) {
      best = other.color;
      bestDistance = d;
      tied = false;
    }
  }
  return tied ? -1 : best;
}

/** Placement attempts per object before the scene starts over (six 10-px boxes fill 11% of the canvas). */
const MAX_PLACEMENT_TRIES = 1000;

/**
 * Draws a scene from `gen`: colours in order, each a fair coin for its shape and a uniform box
 * position whose box shares no pixel with the earlier boxes (rejection sampling). A scene where
 * some object's closest or furthest neighbour is tied is drawn again, so every relational
 * answer is unambiguous.
 */
export function generateScene(gen: Generator): Scene {
  for (;;) {
    const objects = placeObjects(gen);
    if (!objects) continue;
    const scene: Scene = { objects };
    const ambiguous = objects.some((o) => extremeFrom(scene, o.color, 'closest') < 0 || extremeFrom(scene, o.color, 'furthest') < 0);
    if (!ambiguous) return scene;
  }
}

function placeObjects(gen: Generator): SceneObject[] | undefined {
  const span = IMAGE_SIZE - OBJECT_SIZE + 1; // positions 0..65 keep the box inside the canvas
  const objects: SceneObject[] = [];
  for (let color = 0; color < COLORS.length; color++) {
    const shape: Shape = gen.uniform() < 0.5 ? 'square' : 'circle';
    let placed: SceneObject | undefined;
    for (let t = 0; t < MAX_PLACEMENT_TRIES && !placed; t++) {
      const candidate = { color, shape, x: Math.floor(gen.uniform() * span), y: Math.floor(gen.uniform() * span) };
      if (!objects.some((o) => boxesOverlap(o, candidate))) placed = candidate;
    }
    if (!placed) return undefined;
    objects.push(placed);
  }
  return objects;
}

/**
 * Whether pixel (px, py) of the canvas belongs to the object: every pixel of its box for a
 * square; for a circle, the pixels whose centre lies within OBJECT_SIZE / 2 of the box centre
 * (which reaches all four box edges, so the box is tight for both shapes).
 */
export function coversPixel(o: SceneObject, px: number, py: number): boolean {
  if (px < o.x || px >= o.x + OBJECT_SIZE || py < o.y || py >= o.y + OBJECT_SIZE) return false;
  if (o.shape === 'square') return true;
  const [cx, cy] = centerOf(o);
  const r = OBJECT_SIZE / 2;
  return (px + 0.5 - cx) ** 2 + (py + 0.5 - cy) ** 2 <= r * r;
}

/** Calls `paint(pixel, object)` for each canvas pixel (row-major index) an object covers. */
function paintObjects(scene: Scene, paint: (pixel: number, o: SceneObject) => void): void {
  for (const o of scene.objects) {
    for (let py = o.y; py < o.y + OBJECT_SIZE; py++) {
      for (let px = o.x; px < o.x + OBJECT_SIZE; px++) if (coversPixel(o, px, py)) paint(py * IMAGE_SIZE + px, o);
    }
  }
}

/** The scene as 8-bit RGB, [H, W, 3] interleaved (what a PNG holds); background white. */
export function renderRgb(scene: Scene): Uint8Array {
  const rgb = new Uint8Array(IMAGE_SIZE * IMAGE_SIZE * 3).fill(255);
  paintObjects(scene, (p, o) => rgb.set(COLOR_RGB[o.color]!, p * 3));
  return rgb;
}

/**
 * The scene as a [3, 75, 75] channel-major float image in [0, 1] (what patch encoders read), the
 * same values as renderRgb / 255. Painted directly: converting the whole RGB canvas cost twice as
 * much, and every example drawn in a random order renders its image again.
 */
export function renderChw(scene: Scene): Float32Array {
  const plane = IMAGE_SIZE * IMAGE_SIZE;
  const chw = new Float32Array(3 * plane).fill(1); // [3, H, W], white
  paintObjects(scene, (p, o) => {
    const [r, g, b] = COLOR_RGB[o.color]!;
    chw[p] = r / 255;
    chw[plane + p] = g / 255;
    chw[2 * plane + p] = b / 255;
  });
  return chw;
}
