// Weight key maps and pretrained loading: Hugging Face names round-trip through ours, qkv is
// joined in [q; k; v] order, position embeddings are resized and heads reset when they do not fit.
import { createTestRuntime } from '@crossmodal/core/testing';
import { StateDictError } from '@crossmodal/nn';
import { manualSeed, memory, randn, type Tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { loadVitWeights } from './pretrained.ts';
import { VisionTransformer } from './vision-transformer.ts';
import { vitModelPlugin } from './plugin.ts';
import { fromHuggingFaceVit, isHuggingFaceVit, timmToComposed, toHuggingFaceVit, WeightMappingError } from './weights.ts';

const TINY = { dim: 8, depth: 2, heads: 2, patchSize: 4, imageSize: 8, channels: 3, numClasses: 3 } as const;

/** A synthetic ViTForImageClassification state dict (D 8, 2 layers, 4 patches, 3 classes) with random values. */
function hfStateDict(): Record<string, Tensor> {
  const D = 8;
  const sd: Record<string, Tensor> = {
    'vit.embeddings.cls_token': randn([1, 1, D]),
    'vit.embeddings.position_embeddings': randn([1, 5, D]),
    'vit.embeddings.patch_embeddings.projection.weight': randn([D, 3, 4, 4]),
    'vit.embeddings.patch_embeddings.projection.bias': randn([D]),
  };
  for (const n of [0, 1]) {
    const p = `vit.encoder.layer.${n}`;
    for (const [name, shape] of [
      ['attention.attention.query', [D, D]], ['attention.attention.key', [D, D]], ['attention.attention.value', [D, D]],
      ['attention.output.dense', [D, D]], ['intermediate.dense', [4 * D, D]], ['output.dense', [D, 4 * D]],
      ['layernorm_before', [D]], ['layernorm_after', [D]],
    ] as const) {
      sd[`${p}.${name}.weight`] = randn([...shape]);
      sd[`${p}.${name}.bias`] = randn([shape[0]]);
    }
  }
  sd['vit.layernorm.weight'] = randn([D]);
  sd['vit.layernorm.bias'] = randn([D]);
  sd['classifier.weight'] = randn([3, D]);
  sd['classifier.bias'] = randn([3]);
  return sd;
}

const values = (t: Tensor): number[] => [...t.dataSync()];

describe('Hugging Face ViT names', () => {
  it('map onto every key of our (timm) model, and back to the same names and values', () => {
    manualSeed(0);
    const hf = hfStateDict();
    expect(isHuggingFaceVit(hf)).toBe(true);
    const { stateDict, mapping, skipped } = fromHuggingFaceVit(hf);
    const vit = new VisionTransformer(TINY);
    expect(Object.keys(stateDict).sort()).toEqual(Object.keys(vit.stateDict()).sort());
    expect(isHuggingFaceVit(stateDict)).toBe(false);
    vit.loadStateDict(stateDict); // strict: names and shapes all fit
    expect(skipped).toEqual([]);
    expect(mapping.find((m) => m.to[0] === 'blocks.1.attn.qkv.weight')!.from).toEqual([
      'vit.encoder.layer.1.attention.attention.query.weight',
      'vit.encoder.layer.1.attention.attention.key.weight',
      'vit.encoder.layer.1.attention.attention.value.weight',
    ]);
    const back = toHuggingFaceVit(vit.stateDict()).stateDict;
    expect(Object.keys(back).sort()).toEqual(Object.keys(hf).sort());
    for (const [k, v] of Object.entries(hf)) expect(values(back[k]!), k).toEqual(values(v));
  });

  it('stacks query, key and value as the rows [q; k; v] of qkv', () => {
    manualSeed(1);
    const hf = hfStateDict();
    const qkv = fromHuggingFaceVit(hf).stateDict['blocks.0.attn.qkv.bias']!;
    const part = (p: string): number[] => values(hf[`vit.encoder.layer.0.attention.attention.${p}.bias`]!);
    expect(values(qkv)).toEqual([...part('query'), ...part('key'), ...part('value')]);
  });

  it("skips ViTModel's pooler and lists it; ViTModel names (no vit. prefix) map too", () => {
    manualSeed(2);
    const model = Object.fromEntries(Object.entries(hfStateDict()).filter(([k]) => !k.startsWith('classifier.')).map(([k, v]) => [k.slice(4), v]));
    model['pooler.dense.weight'] = randn([8, 8]);
    const { stateDict, skipped } = fromHuggingFaceVit(model);
    expect(skipped).toEqual(["pooler.dense.weight (no counterpart in timm's ViT)"]);
    expect(stateDict['head.weight']).toBeUndefined();
    expect(Object.keys(toHuggingFaceVit(stateDict, { prefix: '' }).stateDict).sort()).toEqual(Object.keys(model).filter((k) => !k.startsWith('pooler')).sort());
  });

  it('names unknown keys and a layer missing one of query/key/value', () => {
    manualSeed(3);
    const hf = hfStateDict();
    expect(() => fromHuggingFaceVit({ ...hf, 'vit.encoder.layer.0.extra.weight': randn([1]) })).toThrow(
      'fromHuggingFaceVit: no rule for 1 key(s): vit.encoder.layer.0.extra.weight',
    );
    delete hf['vit.encoder.layer.1.attention.attention.key.bias'];
    expect(() => fromHuggingFaceVit(hf)).toThrow(WeightMappingError);
    expect(() => fromHuggingFaceVit(hf)).toThrow('fromHuggingFaceVit: layer 1 has attention query/value bias but no key bias; expected all three');
  });
});

describe('loadVitWeights', () => {
  it('loads a 2×2-grid, 3-class checkpoint into a 4×4-grid, 5-class model: pos_embed resized, head reset', () => {
    manualSeed(4);
    const source = new VisionTransformer({ ...TINY, eps: 1e-12 });
    const target = new VisionTransformer({ ...TINY, imageSize: 16, numClasses: 5, eps: 1e-12 });
    const freshHead = values(target.head!.weight);
    const report = loadVitWeights(target, toHuggingFaceVit(source.stateDict()).stateDict, { mode: 'bilinear' });
    expect([report.format, report.layerNormEps]).toEqual(['hf', 1e-12]);
    expect(report.resized).toEqual([{ key: 'pos_embed', from: [1, 5, 8], to: [1, 17, 8] }]);
    expect(report.headReset).toEqual(['head.weight', 'head.bias']);
    expect(values(target.head!.weight)).toEqual(freshHead);
    expect(values(target.blocks[1]!.attn.qkv!.weight)).toEqual(values(source.blocks[1]!.attn.qkv!.weight));
    // The class token's row is kept as it was.
    expect(values(target.pos_embed).slice(0, 8)).toEqual(values(source.pos_embed).slice(0, 8));
  });

  it("loads a timm checkpoint of the same architecture unchanged, dropping pre_logits and a head the model lacks", () => {
    manualSeed(5);
    const source = new VisionTransformer(TINY);
    const target = new VisionTransformer({ ...TINY, numClasses: 0 });
    const preLogits = { 'pre_logits.fc.weight': randn([8, 8]), 'pre_logits.fc.bias': randn([8]) }; // timm's old 21k checkpoints
    const report = loadVitWeights(target, { ...source.stateDict(), ...preLogits });
    expect([report.format, report.resized, report.headReset, report.layerNormEps]).toEqual(['timm', [], [], 1e-6]);
    expect(report.skipped).toEqual([
      "pre_logits.fc.weight (timm's representation layer (pre_logits), unused by the classifier; timm's checkpoint_filter_fn drops it too)",
      "pre_logits.fc.bias (timm's representation layer (pre_logits), unused by the classifier; timm's checkpoint_filter_fn drops it too)",
      'head.weight (the model has no head)', 'head.bias (the model has no head)',
    ]);
    expect(values(target.pos_embed)).toEqual(values(source.pos_embed));
  });

  it("refuses a model whose LayerNorm eps is not the checkpoint's (HF 1e-12, timm 1e-6) unless told the checkpoint's", () => {
    manualSeed(6);
    const source = new VisionTransformer(TINY); // eps 1e-6
    const hf = toHuggingFaceVit(source.stateDict());
    expect(() => loadVitWeights(new VisionTransformer(TINY), hf.stateDict)).toThrow(
      "loadVitWeights: the model's LayerNorm eps is 0.000001, but Hugging Face ViTs (ViTConfig.layer_norm_eps) use 1e-12; build the model with eps: 1e-12, or pass { layerNormEps } when the checkpoint was trained with another",
    );
    expect(() => loadVitWeights(new VisionTransformer({ ...TINY, eps: 1e-12 }), source.stateDict())).toThrow("but timm's ViTs use 0.000001; build the model with eps: 0.000001");
    const target = new VisionTransformer(TINY);
    expect(loadVitWeights(target, hf.stateDict, { layerNormEps: 1e-6 }).layerNormEps).toBe(1e-6); // this one was trained with 1e-6
    expect(values(target.blocks[0]!.attn.qkv!.weight)).toEqual(values(source.blocks[0]!.attn.qkv!.weight));
    hf.created.forEach((t) => t.dispose());
  });
});

describe('tensors made while converting', () => {
  it('are listed in created, and freed on an error before any is handed out', () => {
    manualSeed(7);
    const hf = hfStateDict();
    const before = memory().tensors;
    const { stateDict, created } = fromHuggingFaceVit(hf);
    expect(created).toHaveLength(4);
    const joined = [0, 1].flatMap((n) => ['weight', 'bias'].map((k) => stateDict[`blocks.${n}.attn.qkv.${k}`]!));
    expect(joined.every((t) => created.includes(t))).toBe(true);
    created.forEach((t) => t.dispose());
    expect(memory().tensors).toBe(before);
    delete hf['vit.encoder.layer.1.attention.attention.key.bias']; // layer 0's qkv would be joined before this is found
    expect(() => fromHuggingFaceVit(hf)).toThrow('layer 1 has attention query/value bias but no key bias');
    expect(memory().tensors).toBe(before);
  });

  it('are freed by toHuggingFaceVit when a key has no Hugging Face name', () => {
    manualSeed(8);
    const sd = { ...new VisionTransformer(TINY).stateDict(), 'extra.weight': randn([1]) };
    const before = memory().tensors;
    expect(() => toHuggingFaceVit(sd)).toThrow('toHuggingFaceVit: no Hugging Face name for 1 key(s): extra.weight');
    expect(memory().tensors).toBe(before);
  });

  it('are freed by loadVitWeights once loaded (joined qkv, resized pos_embed), and when the load fails', () => {
    manualSeed(9);
    const source = new VisionTransformer(TINY);
    const converted = toHuggingFaceVit(source.stateDict());
    const target = new VisionTransformer({ ...TINY, imageSize: 16, numClasses: 5, eps: 1e-12 });
    const wide = new VisionTransformer({ ...TINY, mlpDim: 16, eps: 1e-12 });
    const before = memory().tensors;
    loadVitWeights(target, converted.stateDict, { mode: 'bilinear' });
    expect(memory().tensors).toBe(before);
    expect(values(target.blocks[0]!.attn.qkv!.weight)).toEqual(values(source.blocks[0]!.attn.qkv!.weight)); // still held by the model
    expect(() => loadVitWeights(wide, converted.stateDict)).toThrow(StateDictError);
    expect(memory().tensors).toBe(before);
  });
});

describe('timmToComposed', () => {
  it('puts timm keys where a composed vit + classification model keeps them', () => {
    manualSeed(6);
    const vit = new VisionTransformer(TINY);
    const runtime = createTestRuntime([vitModelPlugin]);
    const { numClasses: _numClasses, ...arch } = TINY;
    const model = runtime.models.build(
      { encoders: { vision: { name: 'vit', ...arch } }, head: { name: 'toy-classification', dim: 8, numClasses: 3 } },
      { seed: 0 },
    );
    model.loadStateDict(timmToComposed(vit.stateDict()).stateDict); // strict
    expect(values(model.stateDict()['head.fc.weight']!)).toEqual(values(vit.head!.weight));
    expect(() => timmToComposed(new VisionTransformer({ ...TINY, pool: 'avg' }).stateDict())).toThrow("fc_norm.weight, fc_norm.bias belong to timm's 'avg' pooling");
  });
});
