// The reduction, layout, indexing and matmul programs are pure functions of their static
// parameters: equal keys give equal sources, and every distinct source has its own key (so the
// per-device pipeline cache is sound); plus the host-side axis merging they rely on.
import { describe, expect, it } from 'vitest';
import { programKeyViolation } from '../testing/index.ts';
import type { WgslProgram } from '../program.ts';
import { indexingGatherProgram } from './indexing-gather.program.ts';
import { indexingOneHotProgram } from './indexing-one-hot.program.ts';
import { indexingScatterAddProgram } from './indexing-scatter-add.program.ts';
import { indexingScatterLinksProgram } from './indexing-scatter-links.program.ts';
import { layoutCopyProgram } from './layout-copy.program.ts';
import { layoutPadProgram } from './layout-pad.program.ts';
import { matmulProgram } from './matmul.program.ts';
import { reduceProgram } from './reduce.program.ts';
import { collapseAxes } from './strided.ts';

const bools = [false, true];

/** Every program variant, each built twice (a pure function must build the same thing). */
function variants(): WgslProgram[] {
  const out: WgslProgram[] = [layoutCopyProgram(), layoutPadProgram(), indexingGatherProgram(), indexingOneHotProgram(), indexingScatterLinksProgram()];
  for (const t of ['f32', 'i32'] as const) {
    out.push(indexingScatterAddProgram(t));
    for (const mode of ['sum', 'max', 'min', 'argmax', 'argmin'] as const) out.push(reduceProgram(mode, t));
  }
  for (const transA of bools) for (const transB of bools) for (const vecA of bools) for (const vecB of bools) {
    for (const tile of [4, 8]) out.push(matmulProgram({ transA, transB, vecA, vecB, rows: tile, cols: tile }));
  }
  return out;
}

describe('reduction, layout, indexing and matmul programs', () => {
  it('map equal keys to equal sources and distinct sources to distinct keys', () => {
    expect(programKeyViolation(variants)).toBeNull();
    expect(new Set(variants().map((p) => p.key)).size).toBe(variants().length);
  });

  it('merges axes that are contiguous in every operand and drops size-1 axes', () => {
    // [2, 3, 4] read row-major and written transposed on the last two axes: the destination breaks every run…
    expect(collapseAxes([2, 3, 4], [[12, 4, 1], [12, 1, 3]])).toEqual({ shape: [2, 3, 4], strides: [[12, 4, 1], [12, 1, 3]] });
    expect(collapseAxes([2, 3, 4], [[12, 4, 1], [12, 4, 1]])).toEqual({ shape: [24], strides: [[1], [1]] });
    // …a plain copy is one run; broadcast (stride 0) axes merge with each other; size-1 axes vanish.
    expect(collapseAxes([2, 1, 3, 5], [[0, 7, 0, 1], [15, 15, 5, 1]])).toEqual({ shape: [6, 5], strides: [[0, 1], [5, 1]] });
    expect(collapseAxes([1, 1], [[1, 1]])).toEqual({ shape: [], strides: [[]] });
  });
});
