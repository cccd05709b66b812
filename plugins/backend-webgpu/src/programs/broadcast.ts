// Broadcast indexing shared by the elementwise programs: meta holds n, rank, the output shape and
// each input's strides (0 on broadcast axes); WGSL walks the output index back to input offsets.
import type { MetaWord } from '../program.ts';

/** Largest rank the broadcasting programs handle. */
export const MAX_RANK = 8;

/** Row-major strides of `shape` aligned to `outShape`'s axes, 0 where the input is broadcast. */
export function broadcastStrides(outShape: readonly number[], inShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let acc = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const axis = rank - inShape.length + i;
    strides[axis] = inShape[i] === 1 ? 0 : acc;
    acc *= inShape[i]!;
  }
  return strides;
}

/** Meta words: [n, rank, ...outShape, ...strides of each input]. */
export function broadcastMeta(outShape: readonly number[], inShapes: readonly (readonly number[])[]): MetaWord[] {
  if (outShape.length > MAX_RANK) throw new RangeError(`webgpu: rank ${outShape.length} exceeds the elementwise programs' maximum ${MAX_RANK}`);
  const n = outShape.reduce((a, b) => a * b, 1);
  return [n, outShape.length, ...outShape, ...inShapes.flatMap((s) => broadcastStrides(outShape, s))];
}

/** How each input is read: `same` (offset = i), `scalar` (offset 0) or `strided` (walk the shape). */
export type Access = 'same' | 'scalar' | 'strided';

/** The access mode of an input of `inSize` elements read for an output of `outSize`. */
export const accessOf = (inSize: number, outSize: number, sameShape: boolean): Access =>
  sameShape ? 'same' : inSize === 1 ? 'scalar' : 'strided';

/**
 * WGSL that defines `off<k>` (u32 offsets into input k) for the linear output index `i`. Strided
 * inputs walk the shape once; the others need no arithmetic.
 */
export function offsetsWgsl(access: readonly Access[]): string {
  const lines = access.map((a, k) => `var off${k} = ${a === 'same' ? 'i' : '0u'};`);
  if (!access.includes('strided')) return lines.join('\n  ');
  const updates = access
    .map((a, k) => (a === 'strided' ? `off${k} += c * m(2u + rank * ${k + 1}u + axis);` : ''))
    .filter((s) => s)
    .join('\n      ');
  return `${lines.join('\n  ')}
  {
    let rank = m(1u);
    var rem = i;
    for (var d = 0u; d < rank; d++) {
      let axis = rank - 1u - d;
      let dim = m(2u + axis);
      let c = rem % dim;
      rem = rem / dim;
      ${updates}
    }
  }`;
}
