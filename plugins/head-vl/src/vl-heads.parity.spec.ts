// Parity with PyTorch (fixtures/make_vl_heads_fixture.py, float64 references): MCAN's AttFlat with
// padding, LXMERT's VQA answer head and loss, ViLBERT's product pooling; outputs and grads ≤ 1e-5.
import type { Module } from '@crossmodal/nn';
import { decodeSafetensors } from '@crossmodal/nn';
import type { Tensor } from '@crossmodal/tensor';
import { allClose } from '@crossmodal/tensor/testing';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VqaHead } from './answer-head.ts';
import { AttFlat } from './pooling.ts';
import { ProductPooler } from './poolers.ts';

const golden = decodeSafetensors(new Uint8Array(readFileSync(new URL('../fixtures/vl-heads.golden.safetensors', import.meta.url)))).tensors;
const ref = (name: string): Tensor => {
  const t = golden[name];
  if (!t) throw new Error(`fixture has no tensor '${name}'`);
  return t;
};

/** Copies `<prefix>.<param>` from the fixture into every parameter of `module`. */
function loadWeights(module: Module, prefix: string): void {
  for (const [name, p] of module.namedParameters()) p.assign(ref(`${prefix}.${name}`));
}

/** Every element within 1e-5 (absolute) of the reference; the error names `what` and the worst element. */
const expectClose = (got: Tensor, want: Tensor, what = 'output'): void => {
  const mismatch = allClose(got, want, { atol: 1e-5, rtol: 0 });
  if (mismatch) throw new Error(`${what}: ${mismatch}`);
};

/** Every parameter's grad matches `<prefix>.grad.<param>`. */
function expectParamGrads(module: Module, prefix: string): void {
  for (const [name, p] of module.namedParameters()) expectClose(p.grad!, ref(`${prefix}.grad.${name}`), name);
}

describe('parity with PyTorch', () => {
  it("AttFlat (MCAN, 2 glimpses, a padded row): output and grads", () => {
    const flat = new AttFlat(6, 8, 2, 7);
    loadWeights(flat, 'attflat');
    const x = ref('attflat.x').clone().requireGrad();
    const out = flat.forward(x, ref('attflat.mask'));
    expectClose(out, ref('attflat.out'));
    out.mul(ref('attflat.dy')).sum().backward();
    expectClose(x.grad!, ref('attflat.grad.x'));
    expectParamGrads(flat, 'attflat');
    // Padding (row 1, positions 3 and 4) gets no gradient, as in MCAN where its weight is exactly 0.
    expect(Array.from(x.grad!.slice([1, 3, 0], [2, 5, 6]).dataSync()).every((g) => g === 0)).toBe(true);
  });

  it("the VQA head (LXMERT's logit_fc, BCE × numAnswers): logits, loss and grads", () => {
    const head = new VqaHead({ dim: 6, numAnswers: 5 });
    loadWeights(head, 'vqa');
    const x = ref('vqa.x').clone().requireGrad();
    const { logits, loss } = head.forward({ streams: {}, pooled: x }, { targets: ref('vqa.target') });
    expectClose(logits, ref('vqa.logits'));
    expect(Math.abs(loss!.item() - ref('vqa.loss').item())).toBeLessThanOrEqual(1e-5);
    loss!.backward();
    expectClose(x.grad!, ref('vqa.grad.x'));
    expectParamGrads(head, 'vqa');
  });

  it("ViLBERT's product of pooled text and pooled image: output and grads", () => {
    const pooler = new ProductPooler('spec', { textStream: 'text', visionStream: 'vision', textDim: 5, visionDim: 6 }, 4, 'relu');
    loadWeights(pooler, 'product');
    const text = ref('product.text').clone().requireGrad();
    const vision = ref('product.vision').clone().requireGrad();
    const out = pooler.forward({ streams: { text: { states: text }, vision: { states: vision } } });
    expectClose(out, ref('product.out'));
    out.mul(ref('product.dy')).sum().backward();
    expectClose(text.grad!, ref('product.grad.text'));
    expectClose(vision.grad!, ref('product.grad.vision'));
    expectParamGrads(pooler, 'product');
  });
});
