// The nn programs are pure functions of their static parameters: equal keys give equal sources,
// and every distinct source has its own key (so the per-device pipeline cache is sound).
import { describe, expect, it } from 'vitest';
import { programKeyViolation } from '../testing/index.ts';
import type { WgslProgram } from '../program.ts';
import { attentionBlockProgram, attentionProgram } from './attention.program.ts';
import { attentionGradRowsProgram } from './attention-grad-rows.program.ts';
import { attentionGradKeysProgram } from './attention-grad-keys.program.ts';
import { attentionGradBlockKeysProgram, attentionGradBlockRowsProgram } from './attention-grad-block.program.ts';
import { dropoutProgram } from './dropout.program.ts';
import { geluGradProgram } from './gelu-grad.program.ts';
import { layerNormProgram } from './layer-norm.program.ts';
import { layerNormGradRowsProgram } from './layer-norm-grad-rows.program.ts';
import { layerNormGradColumnsProgram } from './layer-norm-grad-columns.program.ts';
import { softmaxProgram } from './softmax.program.ts';
import { softmaxGradProgram } from './softmax-grad.program.ts';

const bools = [false, true];
const masks = ['none', 'f32', 'i32'] as const;

/** Every program variant, each built twice (a pure function must build the same thing). */
function variants(): WgslProgram[] {
  const out: WgslProgram[] = [softmaxProgram('softmax'), softmaxProgram('log-softmax'), softmaxGradProgram(), dropoutProgram()];
  out.push(geluGradProgram('none'), geluGradProgram('tanh'));
  for (const a of bools) {
    out.push(layerNormGradRowsProgram({ weight: a }));
    for (const b of bools) out.push(layerNormProgram({ weight: a, bias: b }), layerNormGradColumnsProgram({ dweight: a, dbias: b }));
  }
  for (const mask of masks) {
    for (const dropout of bools) {
      for (const [dchunk, vchunk, rows] of [[4, 8, 4], [64, 64, 4], [64, 64, 2]] as const) {
        const f = { mask, dropout, dchunk, vchunk, rows };
        out.push(attentionGradBlockRowsProgram(f, true), attentionGradBlockRowsProgram(f, false));
        for (const want of [{ dk: true, dv: false }, { dk: false, dv: true }, { dk: true, dv: true }]) out.push(attentionGradBlockKeysProgram(f, want));
      }
      for (const chunk of [4, 128]) {
        out.push(attentionProgram({ mask, dropout, chunk }, false), attentionProgram({ mask, dropout, chunk }, true));
        for (const dchunk of [4, 16, 64]) {
          out.push(attentionBlockProgram({ mask, dropout, chunk, rows: 4, dchunk }, false), attentionBlockProgram({ mask, dropout, chunk, rows: 2, dchunk }, true));
        }
        for (const [dq, dmask] of [[true, false], [false, true], [true, true], [false, false]] as const) {
          out.push(attentionGradRowsProgram({ mask, dropout, chunk }, { dq, dmask }));
        }
        for (const [dk, dv] of [[true, false], [false, true], [true, true]] as const) {
          out.push(attentionGradKeysProgram({ mask, dropout }, { dk, dv, chunkK: chunk, chunkV: 8 }));
        }
      }
    }
  }
  return out;
}

describe('nn programs', () => {
  it('map equal keys to equal sources and distinct sources to distinct keys', () => {
    expect(programKeyViolation(variants)).toBeNull();
  });
});
