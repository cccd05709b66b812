// ViT modules: patch embedding = a stride-p conv, shapes, class token, attention maps, drop path,
// head reset, and config errors that name the field, the value and the expectation.
import { Linear } from '@crossmodal/nn';
import { manualSeed, randn, tensor, tidy } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { convToLinearWeight, linearToConvWeight, PatchEmbed, patchify } from './patch-embed.ts';
import { VisionTransformer } from './vision-transformer.ts';
import { vitEncoderProvider, VitEncoder } from './vit-encoder.ts';
import { validateVitConfig } from './vit.config.ts';

const TINY = { dim: 16, depth: 2, heads: 2, patchSize: 4, imageSize: 8, channels: 3 } as const;

describe('PatchEmbed', () => {
  it('computes Conv2d(kernel = stride = p) with the [D, C, p, p] weight, patches in row-major order', () => {
    manualSeed(0);
    const embed = new PatchEmbed({ channels: 2, dim: 3, patchSize: 2, imageSize: 4 });
    const x = randn([2, 2, 4, 4]);
    const got = embed.forward(x).dataSync(); // [B, N, D]
    const [w, b, xs] = [embed.proj.weight.dataSync(), embed.proj.bias.dataSync(), x.dataSync()];
    const at = (bi: number, c: number, h: number, ww: number): number => xs[((bi * 2 + c) * 4 + h) * 4 + ww]!;
    for (let bi = 0; bi < 2; bi++) {
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          for (let d = 0; d < 3; d++) {
            let conv = b[d]!;
            for (let c = 0; c < 2; c++) for (let u = 0; u < 2; u++) for (let v = 0; v < 2; v++) conv += w[((d * 2 + c) * 2 + u) * 2 + v]! * at(bi, c, i * 2 + u, j * 2 + v);
            expect(got[(bi * 4 + i * 2 + j) * 3 + d]).toBeCloseTo(conv, 5);
          }
        }
      }
    }
  });

  it('maps the conv weight layout to a Linear one and back without moving a value', () => {
    const w = randn([4, 3, 2, 2]);
    const lin = convToLinearWeight(w);
    expect(lin.shape).toEqual([4, 12]);
    expect([...lin.dataSync()]).toEqual([...w.dataSync()]);
    expect(linearToConvWeight(lin, 3, 2).shape).toEqual([4, 3, 2, 2]);
    expect(() => linearToConvWeight(lin, 3, 3)).toThrow('linearToConvWeight: expected a [D, 27] weight for C=3, p=3, got [4, 12]');
  });

  it('flattens each patch in (C, p, p) order', () => {
    // One 1×2×2 image, p = 1: each patch is one pixel's channels.
    const x = tensor([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]);
    expect(patchify(x, 1).toArray()).toEqual([[[1, 10], [2, 20], [3, 30], [4, 40]]]);
  });

  it('names the expected image shape', () => {
    const embed = new PatchEmbed({ channels: 3, dim: 4, patchSize: 4, imageSize: 8 });
    expect(() => embed.forward(randn([1, 3, 12, 12]))).toThrow('vit: images must be [B, 3, 8, 8], got [1, 3, 12, 12]');
    expect(() => embed.forward(randn([1, 3, 8, 6]))).toThrow('vit: image 8×6 is not a whole number of 4×4 patches');
  });
});

describe('VitEncoder', () => {
  it('returns [class token; patches] after the final norm, and every layer’s attention on request', () => {
    manualSeed(1);
    const enc = new VitEncoder(TINY);
    const { states, attention } = enc.forward({ image: randn([2, 3, 8, 8]) }, { returnProbs: true });
    expect(states.shape).toEqual([2, 5, 16]);
    expect(Object.keys(attention!)).toEqual(['layer0', 'layer1']);
    for (const probs of Object.values(attention!)) {
      expect(probs.shape).toEqual([2, 2, 5, 5]); // [B, H, T, T]
      for (const s of probs.sum(-1).dataSync()) expect(s).toBeCloseTo(1, 5);
      expect(probs.min().item()).toBeGreaterThanOrEqual(0);
    }
    expect(enc.forward({ image: randn([2, 3, 8, 8]) }).attention).toBeUndefined();
    expect([enc.dim, enc.modality, enc.inputs]).toEqual([16, 'vision', ['image']]);
  });

  it("says how many prefix tokens lead the states (1: the class token), so a head's 'mean' averages the patches only", () => {
    manualSeed(2);
    const image = randn([2, 3, 8, 8]);
    const withCls = new VitEncoder(TINY);
    expect(withCls.forward({ image }).prefixTokens).toBe(1);
    expect(withCls.forward({ image }, { returnProbs: true }).prefixTokens).toBe(1);
    const noCls = new VitEncoder({ ...TINY, classToken: false });
    expect(noCls.forward({ image }).prefixTokens).toBe(0);
  });

  it("uses timm's parameter names and none for the head", () => {
    const names = new VitEncoder({ ...TINY, depth: 1 }).namedParameters().map(([n, p]) => `${n} ${p.shape.join('x')}`);
    expect(names).toEqual([
      'cls_token 1x1x16', 'pos_embed 1x5x16', 'patch_embed.proj.weight 16x3x4x4', 'patch_embed.proj.bias 16',
      'blocks.0.norm1.weight 16', 'blocks.0.norm1.bias 16', 'blocks.0.attn.qkv.weight 48x16', 'blocks.0.attn.qkv.bias 48',
      'blocks.0.attn.proj.weight 16x16', 'blocks.0.attn.proj.bias 16', 'blocks.0.norm2.weight 16', 'blocks.0.norm2.bias 16',
      'blocks.0.mlp.fc1.weight 64x16', 'blocks.0.mlp.fc1.bias 64', 'blocks.0.mlp.fc2.weight 16x64', 'blocks.0.mlp.fc2.bias 16',
      'norm.weight 16', 'norm.bias 16',
    ]);
  });

  it('drops the class token when asked: N patch tokens only', () => {
    const enc = new VitEncoder({ ...TINY, classToken: false });
    expect(enc.cls_token).toBeNull();
    expect(enc.forward({ image: randn([1, 3, 8, 8]) }).states.shape).toEqual([1, 4, 16]);
  });

  it('applies drop path per example while training (seeded) and not in eval', () => {
    const enc = new VitEncoder({ ...TINY, dropPath: 0.5 });
    const x = randn([8, 3, 8, 8]);
    const run = (seed: number): number[] => tidy(() => {
      manualSeed(seed);
      return [...enc.forward({ image: x }).states.dataSync()];
    });
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
    enc.eval();
    expect(run(3)).toEqual(run(4));
    // Linear schedule: 0 at the first block, dropPath at the last.
    expect(enc.blocks.map((b) => b.dropPath.p)).toEqual([0, 0.5]);
  });

  it("gives a single block no drop path, as timm's linspace(0, rate, 1) = [0]", () => {
    expect(new VitEncoder({ ...TINY, depth: 1, dropPath: 0.3 }).blocks.map((b) => b.dropPath.p)).toEqual([0]);
    expect(new VitEncoder({ ...TINY, depth: 3, dropPath: 0.3 }).blocks.map((b) => b.dropPath.p)).toEqual([0, 0.15, 0.3]);
  });

  it('names the option, the value and what was expected in config errors', () => {
    const create = (config: Record<string, unknown>) => () => vitEncoderProvider.create(config, { seed: 0 });
    expect(create({ ...TINY, dim: 15 })).toThrow('vit: dim must be divisible by heads (2), got 15');
    expect(create({ ...TINY, imageSize: 10 })).toThrow('vit: imageSize must be a multiple of patchSize (4), got 10');
    expect(create({ ...TINY, depth: 0 })).toThrow('vit: depth must be an integer ≥ 1, got 0');
    expect(create({ ...TINY, eps: 0 })).toThrow('vit: eps must be a number > 0, got 0');
    expect(create({ ...TINY, classToken: 'yes' })).toThrow("vit: classToken must be true or false, got \"yes\"");
    expect(create({ ...TINY, numClasses: 10 })).toThrow("vit: 'numClasses' is not an encoder option: the encoder has no head; set the head's numClasses");
    expect(create({ ...TINY, patch: 4 })).toThrow("vit: unknown option 'patch' (known: name, dim, depth, heads,");
    expect(() => new VitEncoder(TINY).forward({ pixels: randn([1, 3, 8, 8]) })).toThrow("vit: the batch has no 'image' field (fields: pixels)");
  });
});

describe('VisionTransformer', () => {
  it('classifies from the class token, or from the mean of the patch tokens through fc_norm', () => {
    manualSeed(2);
    const token = new VisionTransformer({ ...TINY, numClasses: 3 });
    const avg = new VisionTransformer({ ...TINY, numClasses: 3, pool: 'avg' });
    const x = randn([2, 3, 8, 8]);
    expect(token.forward(x).logits.shape).toEqual([2, 3]);
    expect(avg.forward(x).logits.shape).toEqual([2, 3]);
    expect([token.norm !== null, token.fc_norm]).toEqual([true, null]);
    expect([avg.norm, avg.fc_norm !== null]).toEqual([null, true]);
    // Without a head the logits are the pooled [B, D] vector.
    expect(new VisionTransformer({ ...TINY, numClasses: 0 }).forward(x).logits.shape).toEqual([2, 16]);
  });

  it("resets the head for another class count with PyTorch's default Linear init, as timm's reset_classifier", () => {
    const vit = new VisionTransformer({ ...TINY, numClasses: 3 });
    manualSeed(11);
    vit.resetHead(7);
    expect([vit.numClasses, vit.config.numClasses, vit.head!.weight.shape]).toEqual([7, 7, [7, 16]]);
    // nn.Linear(16, 7): weight and bias U(±1/√16), drawn in that order.
    const [w, b] = [[...vit.head!.weight.dataSync()], [...vit.head!.bias!.dataSync()]];
    for (const v of [...w, ...b]) expect(Math.abs(v)).toBeLessThanOrEqual(0.25);
    expect(Math.max(...b.map(Math.abs))).toBeGreaterThan(0.05); // not zeros
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.15); // not trunc-normal(0.02)
    manualSeed(11);
    const linear = new Linear(16, 7);
    expect([w, b]).toEqual([[...linear.weight.dataSync()], [...linear.bias!.dataSync()]]);
    vit.resetHead(0);
    expect(vit.head).toBeNull();
    expect(() => vit.resetHead(1)).toThrow('VisionTransformer.resetHead: numClasses must be 0 (no head) or an integer ≥ 2, got 1');
  });

  it('fills defaults as timm does and refuses token pooling without a class token', () => {
    const c = validateVitConfig({ dim: 192, depth: 12, heads: 3, patchSize: 16, imageSize: 224 });
    expect([c.mlpDim, c.eps, c.numClasses, c.pool, c.channels, c.classToken]).toEqual([768, 1e-6, 1000, 'token', 3, true]);
    // timm's int(dim · mlp_ratio) truncates: 3 · 2.5 = 7.5 → 7 (rounding would give 8).
    expect(validateVitConfig({ dim: 3, depth: 1, heads: 1, mlpRatio: 2.5, patchSize: 4, imageSize: 8 }).mlpDim).toBe(7);
    expect(validateVitConfig({ dim: 3, depth: 1, heads: 1, mlpRatio: 0.1, patchSize: 4, imageSize: 8 }).mlpDim).toBe(1);
    expect(() => new VisionTransformer({ ...TINY, classToken: false })).toThrow("vit: pool must be 'avg' when classToken is false");
  });
});
