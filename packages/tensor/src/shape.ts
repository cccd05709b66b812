// Shapes: broadcasting, axis normalisation and the error every shape check throws.

/** A tensor shape: one non-negative integer per axis; `[]` is a scalar. */
export type Shape = readonly number[];

/** Thrown when shapes are incompatible; the message names the op and every shape involved. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}

/** `[2, 3]` as text, for error messages. */
export const fmt = (s: Shape): string => `[${s.join(', ')}]`;

/** Number of elements in a tensor of this shape. */
export const sizeOf = (s: Shape): number => {
  let n = 1;
  for (const d of s) n *= d;
  return n;
};

/** Row-major (C-order) strides of a shape, in elements. */
export function stridesOf(s: Shape): number[] {
  const strides = new Array<number>(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= s[i]!;
  }
  return strides;
}

/** Throws unless every dim is a non-negative integer. */
export function assertValidShape(what: string, s: Shape): void {
  for (const d of s) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${what}: invalid shape ${fmt(s)}, dims must be integers >= 0`);
  }
}

/** NumPy broadcasting of several shapes; the error names the op and every shape. */
export function broadcastShapes(what: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else throw new ShapeError(`${what}: shapes ${shapes.map(fmt).join(' and ')} do not broadcast (axis ${o - rank})`);
    }
  }
  return out;
}

/** Normalises a possibly negative axis into [0, rank); the error names the op, axis and rank. */
export function normalizeAxis(what: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new RangeError(`${what}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalised, sorted, unique axes; `undefined` means every axis. */
export function normalizeAxes(what: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return [...Array(rank).keys()];
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = [...new Set(list.map((a) => normalizeAxis(what, a, rank)))].sort((a, b) => a - b);
  if (out.length !== list.length) throw new RangeError(`${what}: repeated axis in [${list.join(', ')}]`);
  return out;
}

/** The shape after reducing `axes`, keeping them as size 1 when `keepDim`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDim) out.push(1);
  });
  return out;
}

/** True when two shapes are equal. */
export const shapesEqual = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
