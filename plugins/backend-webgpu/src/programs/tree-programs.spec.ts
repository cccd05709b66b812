// The workgroup-tree and f16 program variants obey the program-key law (equal keys ⇒ equal
// sources), have keys of their own, and leave the default programs as they were.
import { describe, expect, it } from 'vitest';
import { programKeyViolation } from '../testing/index.ts';
import type { WgslProgram } from '../program.ts';
import { layerNormProgram } from './layer-norm.program.ts';
import { matmulProgram, type MatmulVariant } from './matmul.program.ts';
import { reduceProgram } from './reduce.program.ts';
import { reduceTreeProgram } from './reduce-tree.program.ts';
import { softmaxProgram } from './softmax.program.ts';
import { dispatchRows } from './workgroup-tree.wgsl.ts';

const bools = [false, true];
const modes = ['sum', 'max', 'min', 'argmax', 'argmin'] as const;

function variants(): WgslProgram[] {
  const out: WgslProgram[] = [];
  for (const tree of bools) {
    for (const t of ['f32', 'i32'] as const) for (const mode of modes) out.push(tree ? reduceTreeProgram(mode, t) : reduceProgram(mode, t));
    out.push(softmaxProgram('softmax', tree), softmaxProgram('log-softmax', tree));
    for (const weight of bools) for (const bias of bools) out.push(layerNormProgram({ weight, bias }, tree));
  }
  for (const f16 of bools) for (const transA of bools) for (const transB of bools) for (const vec of bools) {
    for (const tile of [4, 8]) out.push(matmulProgram({ transA, transB, vecA: vec, vecB: !vec, rows: tile, cols: tile, f16 }));
  }
  return out;
}

describe('tree and f16 program variants', () => {
  it('map equal keys to equal sources and distinct sources to distinct keys', () => {
    expect(programKeyViolation(variants)).toBeNull();
    expect(new Set(variants().map((p) => p.key)).size).toBe(variants().length);
  });

  it('give f16 matmuls their own key and `enable f16`, and leave the f32 program without either', () => {
    const v: MatmulVariant = { transA: true, transB: false, vecA: true, vecB: false, rows: 8, cols: 8 };
    const [plain, off, half] = [matmulProgram(v), matmulProgram({ ...v, f16: false }), matmulProgram({ ...v, f16: true })];
    expect([plain.key, half.key]).toEqual(['matmul/TN/vs/8x8', 'matmul/TN/vs/8x8/f16']);
    expect(off).toEqual(plain);
    expect(plain.source).not.toMatch(/f16/);
    expect(half.source.startsWith('enable f16;\n')).toBe(true);
    // Accumulators and the output stay f32: every product is widened before it is added.
    expect(half.source).toMatch(/var acc0_0 = vec4<f32>\(0\.0\);/);
    expect(half.source).toMatch(/acc0_0 \+= vec4<f32>\(a0\.x \* b0_0\) \+ vec4<f32>\(a0\.y \* b1_0\)/);
  });

  it('dispatch one workgroup per row, folding past 65535 into a second axis', () => {
    expect(dispatchRows(0)).toEqual([1, 1, 1]);
    expect(dispatchRows(7)).toEqual([7, 1, 1]);
    expect(dispatchRows(65535 + 9)).toEqual([65535, 2, 1]);
  });
});
