// Parity with PyTorch: the tiny ViTs of tools/golden/make_vit_fixture.py (a timm-named reference),
// forward logits, attention probabilities, loss and the gradient of every parameter, ≤ 1e-4 relative.
import { decodeSafetensors } from '@crossmodal/nn';
import { crossEntropy, type Tensor } from '@crossmodal/tensor';
import { scaledError } from '@crossmodal/tensor/testing';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VisionTransformer } from './vision-transformer.ts';

const bytes = new Uint8Array(readFileSync(new URL('../fixtures/vit-tiny.golden.safetensors', import.meta.url)));
const { tensors, metadata } = decodeSafetensors(bytes);

/** The error relative to the tensor's scale, after checking the shapes match. */
function relError(got: Tensor, want: Tensor): number {
  expect(got.shape).toEqual(want.shape);
  return scaledError(got, want);
}

/** The fixture's model `prefix`, built from its metadata and loaded with the reference's weights. */
function loadCase(prefix: 'token' | 'avg'): { vit: VisionTransformer; params: Record<string, Tensor> } {
  const arch = JSON.parse(metadata[prefix]!) as Record<string, number | string>;
  const vit = new VisionTransformer({
    dim: Number(arch['dim']), depth: Number(arch['depth']), heads: Number(arch['heads']), mlpRatio: Number(arch['mlp_ratio']),
    patchSize: Number(arch['patch']), imageSize: Number(arch['image']), channels: Number(arch['channels']),
    numClasses: Number(arch['classes']), pool: arch['pool'] === 'avg' ? 'avg' : 'token',
  });
  const params = Object.fromEntries(
    Object.entries(tensors).filter(([k]) => k.startsWith(`${prefix}.param.`)).map(([k, v]) => [k.slice(`${prefix}.param.`.length), v]),
  );
  vit.loadStateDict(params); // strict: every timm key must be one of ours, with its shape
  return { vit, params };
}

describe.each(['token', 'avg'] as const)('VisionTransformer (%s pooling) vs the PyTorch reference', (prefix) => {
  const t = (name: string): Tensor => tensors[`${prefix}.${name}`]!;

  it("has exactly the reference's state-dict keys, in timm's order", () => {
    const { vit, params } = loadCase(prefix);
    expect(Object.keys(vit.stateDict()).sort()).toEqual(Object.keys(params).sort());
    expect(Object.keys(vit.stateDict()).slice(0, 4)).toEqual(['cls_token', 'pos_embed', 'patch_embed.proj.weight', 'patch_embed.proj.bias']);
  });

  it('matches the logits, every attention map and the loss', () => {
    const { vit } = loadCase(prefix);
    const { logits, attention } = vit.eval().forward(t('input'), { returnProbs: true });
    expect(relError(logits, t('logits'))).toBeLessThan(1e-4);
    // One map per block: an empty list must not pass the loop below vacuously.
    expect(attention).toHaveLength(vit.config.depth);
    expect(vit.config.depth).toBe(Object.keys(tensors).filter((k) => k.startsWith(`${prefix}.attn.`)).length);
    attention!.forEach((probs, i) => expect(relError(probs, t(`attn.${i}`)), `attn.${i}`).toBeLessThan(1e-4));
    expect(relError(crossEntropy(logits, t('labels')).reshape([1]), t('loss'))).toBeLessThan(1e-4);
  });

  it('matches the gradient of the cross-entropy w.r.t. every parameter', () => {
    const { vit } = loadCase(prefix);
    const { logits } = vit.train().forward(t('input'));
    crossEntropy(logits, t('labels')).backward();
    const errors = vit.namedParameters().map(([name, p]) => [name, relError(p.grad!, t(`grad.${name}`))] as const);
    expect(errors.length).toBe(Object.keys(tensors).filter((k) => k.startsWith(`${prefix}.grad.`)).length);
    for (const [name, err] of errors) expect(err, name).toBeLessThan(1e-4);
  });
});
