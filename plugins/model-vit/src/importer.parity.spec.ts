// The vit weight importer on the fixtures of tools/golden/make_vit_fixture.py: one set of weights as
// a timm-named torch.save .pth (nested under 'model', DeiT-style) and as Hugging Face-named
// safetensors converts to bit-identical parameters and an identical forward, within 1e-4 of PyTorch;
// a new class count and image size reset the head and resample the position embedding; the
// LayerNorm eps follows the checkpoint family (HF 1e-12, timm 1e-6) unless the config sets one.
import { ComposedModel, createRuntime, deepMerge, HEADS, importFormat, selectWeightImporter, WEIGHT_IMPORTERS, WeightImportError, type Head, type HeadInput, type ImportGeometry, type Model, type ModelConfigInput, type Plugin } from '@crossmodal/core';
import { decodeSafetensors, hostToTensors, Linear, Module, unwrapStateDict } from '@crossmodal/nn';
import { loadTorchCheckpoint } from '@crossmodal/nn/node';
import { manualSeed, memory, randn, type Tensor } from '@crossmodal/tensor';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { vitWeightImporter } from './importer.ts';
import { vitModelPlugin } from './plugin.ts';
import { resizePosEmbed } from './pos-embed.ts';
import type { VitEncoder } from './vit-encoder.ts';

const fixture = (name: string): URL => new URL(`../fixtures/${name}`, import.meta.url);
const golden = decodeSafetensors(new Uint8Array(readFileSync(fixture('vit-tiny.golden.safetensors'))));
const arch = JSON.parse(golden.metadata['token']!) as Record<string, number>;
const ref = (name: string): Tensor => golden.tensors[`token.${name}`]!;

/** The class token → Linear `fc`, as the classification head with pooling 'first' (a model plugin may not import that plugin). */
class FirstTokenHead extends Module implements Head {
  readonly targets = ['label'];
  readonly fc: Linear;
  constructor(dim: number, numClasses: number) {
    super();
    this.fc = new Linear(dim, numClasses);
  }
  forward(input: HeadInput): { logits: Tensor } {
    const states = Object.values(input.streams)[0]!.states; // [B, T, D]
    return { logits: this.fc.forward(states.slice([0, 0, 0], [states.shape[0]!, 1, states.shape[2]!]).squeeze(1)) };
  }
}
const headPlugin: Plugin = {
  name: 'spec-first-token-head',
  version: '0.0.0',
  register: (c) => void c.register(HEADS, { useValue: { name: 'first-token', create: (o: Record<string, unknown>) => new FirstTokenHead(Number(o['dim']), Number(o['numClasses'])) } }),
};
const runtime = createRuntime([vitModelPlugin, headPlugin]);

/** The fixture's architecture as a model config (no eps: the importer's configOverrides sets it). */
const fixtureConfig = ({ imageSize = arch['image']!, numClasses = arch['classes']! } = {}): ModelConfigInput => ({
  encoders: { vision: { name: 'vit', dim: arch['dim'], depth: arch['depth'], heads: arch['heads'], mlpRatio: arch['mlp_ratio'], patchSize: arch['patch'], imageSize, channels: arch['channels'] } },
  head: { name: 'first-token', dim: arch['dim'], numClasses },
});

const withEps = (config: ModelConfigInput, eps: number): ModelConfigInput => deepMerge({ ...config }, { encoders: { vision: { eps } } }) as ModelConfigInput;

/**
 * The fixture's architecture as a composed model, with `imageSize`/`numClasses` overridable. eps is
 * set to 1e-6 explicitly for both namings: the HF fixture is the timm weights renamed, so the
 * PyTorch reference was computed with timm's eps (a real HF checkpoint gets 1e-12, spec below).
 */
function build(geometry: { imageSize?: number; numClasses?: number } = {}): Model {
  manualSeed(1);
  return runtime.models.build(withEps(fixtureConfig(geometry), 1e-6), { seed: 0 });
}

async function readPth(): Promise<Record<string, Tensor>> {
  const root = await loadTorchCheckpoint(fileURLToPath(fixture('vit-tiny-token.timm.pth')), { opaqueGlobals: ['argparse.Namespace'] });
  return hostToTensors(unwrapStateDict(root));
}
const readHf = (): Record<string, Tensor> => decodeSafetensors(new Uint8Array(readFileSync(fixture('vit-tiny-token.hf.safetensors')))).tensors;

describe('vitWeightImporter', () => {
  it('is the one importer a vit model selects, and detects timm and Hugging Face names', async () => {
    const model = build();
    expect(selectWeightImporter(runtime.resolveAll(WEIGHT_IMPORTERS), runtime.models.resolveConfig(model.config), 'fixture')).toBe(vitWeightImporter);
    expect(importFormat(vitWeightImporter, Object.keys(await readPth()))).toBe('timm');
    expect(importFormat(vitWeightImporter, Object.keys(readHf()))).toBe('hf');
    expect(() => importFormat(vitWeightImporter, ['foo.weight'])).toThrow("importer 'vit' recognises none of its formats (timm, hf) in the checkpoint's keys (1: foo.weight); pass --format to force one");
    const mlp = { encoders: { vision: { name: 'mlp' } }, head: { name: 'first-token' } };
    expect(() => selectWeightImporter([vitWeightImporter], mlp, 'mlp-spirals')).toThrow(/^no weight importer accepts model 'mlp-spirals' \(encoders mlp\); the registered ones: vit \(/);
  });

  it('loads the .pth and the safetensors to bit-identical parameters and an identical forward, within 1e-4 of PyTorch', async () => {
    const [timm, hf] = [build(), build()];
    const fromPth = vitWeightImporter.convert(await readPth(), timm, { format: 'timm', source: 'a.pth' });
    const fromHf = vitWeightImporter.convert(readHf(), hf, { format: 'hf', source: 'b.safetensors' });
    timm.loadStateDict(fromPth.stateDict);
    hf.loadStateDict(fromHf.stateDict);
    const [a, b] = [timm.stateDict(), hf.stateDict()];
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const key of Object.keys(a)) expect(b[key]!.dataSync(), key).toEqual(a[key]!.dataSync());
    const input = { image: ref('input') };
    const [la, lb] = [timm.eval().forward(input).logits, hf.eval().forward(input).logits];
    expect(lb.dataSync()).toEqual(la.dataSync()); // exact: same values, same program
    const want = ref('logits').dataSync();
    const scale = Math.max(...want.map(Math.abs));
    la.dataSync().forEach((v, i) => expect(Math.abs(v - want[i]!) / scale).toBeLessThan(1e-4));
  });

  it("builds an HF-named import with HF's LayerNorm eps 1e-12 and a timm one with 1e-6, unless the config sets eps", () => {
    const plain = runtime.models.resolveConfig(fixtureConfig());
    const epsOf = (format: string | undefined, config = plain): unknown => {
      const geometry: ImportGeometry = { numClasses: 5, ...(format ? { format } : {}) };
      const overrides = vitWeightImporter.configOverrides(config, geometry);
      const built = runtime.models.build(deepMerge({ ...config }, { ...overrides }) as ModelConfigInput, { seed: 0 }) as ComposedModel;
      const encoder = (built.encoders as unknown as Record<string, VitEncoder>)['vision']!;
      const got = [built.config.encoders['vision']!['eps'], encoder.norm!.eps, encoder.blocks[0]!.norm1.eps, built.config.head['numClasses']];
      built.dispose();
      return got;
    };
    expect(epsOf('hf')).toEqual([1e-12, 1e-12, 1e-12, 5]);
    expect(epsOf('timm')).toEqual([1e-6, 1e-6, 1e-6, 5]);
    expect(epsOf(undefined)).toEqual([undefined, 1e-6, 1e-6, 5]); // no format given: the encoder's default
    const explicit = runtime.models.resolveConfig(withEps(fixtureConfig(), 1e-5));
    expect(epsOf('hf', explicit)).toEqual([1e-5, 1e-5, 1e-5, 5]);
  });

  it("skips timm's pre_logits representation layer, saying why, as timm's checkpoint_filter_fn", async () => {
    const source = { ...(await readPth()), 'pre_logits.fc.weight': randn([16, 16]) }; // as timm's old 21k checkpoints have
    const { report } = vitWeightImporter.convert(source, build(), { format: 'timm', source: 'a.pth' });
    expect(report.skipped).toEqual([{ key: 'pre_logits.fc.weight', reason: "timm's representation layer (pre_logits), unused by the classifier; timm's checkpoint_filter_fn drops it too" }]);
    expect([report.missing, report.unexpected]).toEqual([[], []]);
  });

  it('reports every key: 1:1 renames, q/k/v joined, nothing resized, skipped, missing or unexpected', async () => {
    const { report } = vitWeightImporter.convert(readHf(), build(), { format: 'hf', source: 'b.safetensors' });
    expect(report.joined).toHaveLength(2 * arch['depth']!); // weight and bias per layer
    expect(report.joined[0]).toEqual({
      from: ['vit.encoder.layer.0.attention.attention.query.weight', 'vit.encoder.layer.0.attention.attention.key.weight', 'vit.encoder.layer.0.attention.attention.value.weight'],
      to: 'encoders.vision.blocks.0.attn.qkv.weight',
    });
    expect(report.mapped).toContainEqual({ from: 'classifier.weight', to: 'head.fc.weight' });
    expect(report.mapped).toContainEqual({ from: 'vit.embeddings.position_embeddings', to: 'encoders.vision.pos_embed' });
    expect(report.mapped.length + 3 * report.joined.length).toBe(Object.keys(readHf()).length);
    expect([report.resized, report.reinitialised, report.skipped, report.missing, report.unexpected, report.split]).toEqual([[], [], [], [], [], []]);
  });

  it('resamples pos_embed to a new grid and gives a new class count a fresh head', async () => {
    const model = build({ imageSize: 12, numClasses: 5 });
    const fresh = model.stateDict()['head.fc.weight']!.dataSync().slice();
    const source = await readPth();
    const { stateDict, report } = vitWeightImporter.convert(source, model, { format: 'timm', source: 'a.pth', interpolation: 'bilinear' });
    model.loadStateDict(stateDict);
    expect(report.resized).toEqual([{ key: 'encoders.vision.pos_embed', from: [1, 5, 16], to: [1, 10, 16], method: 'bilinear, antialias, grid 2×2 → 3×3, 1 prefix token(s) kept' }]);
    expect(model.stateDict()['encoders.vision.pos_embed']!.dataSync()).toEqual(resizePosEmbed(source['pos_embed']!, 3, { mode: 'bilinear' }).dataSync());
    expect(report.reinitialised).toEqual(['weight', 'bias'].map((k) => ({ key: `head.fc.${k}`, reason: "class count 3 in the checkpoint, 5 in the model (pass --num-classes 3 to keep the checkpoint's head)" })));
    expect(report.skipped.map((s) => s.key)).toEqual(['head.weight', 'head.bias']);
    expect(model.stateDict()['head.fc.weight']!.dataSync()).toEqual(fresh);
  });

  it('refuses a checkpoint of another architecture, listing every misfit and what the checkpoint has', async () => {
    const wide = runtime.models.build({ encoders: { vision: { name: 'vit', dim: 32, depth: 3, heads: 2, patchSize: 4, imageSize: 8, channels: 3 } }, head: { name: 'first-token', dim: 32, numClasses: 3 } }, { seed: 0 });
    const attempt = async (): Promise<unknown> => vitWeightImporter.convert(await readPth(), wide, { format: 'timm', source: 'a.pth' });
    await expect(attempt()).rejects.toThrow(WeightImportError);
    await expect(attempt()).rejects.toThrow(/^a\.pth \(timm names\) does not fit the model:\n {2}missing keys \(12\): encoders\.vision\.blocks\.2\.norm1\.weight, /);
    await expect(attempt()).rejects.toThrow('encoders.vision.cls_token: model [1, 1, 32], checkpoint [1, 1, 16]');
    await expect(attempt()).rejects.toThrow('the checkpoint has dim 16, channels 3, patchSize 4, depth 2, mlpDim 64, pos_embed [1, 5, 16], 3 classes; set the model');
    const hf = readHf();
    delete hf['vit.encoder.layer.1.attention.attention.key.bias'];
    expect(() => vitWeightImporter.convert(hf, build(), { format: 'hf', source: 'b.safetensors' })).toThrow('b.safetensors: fromHuggingFaceVit: layer 1 has attention query/value bias but no key bias; expected all three');
  });

  it('frees the tensors it made (joined qkv, resampled pos_embed) when the checkpoint does not fit', () => {
    const deeper = runtime.models.build({
      encoders: { vision: { name: 'vit', dim: arch['dim'], depth: arch['depth']! + 1, heads: arch['heads'], mlpRatio: arch['mlp_ratio'], patchSize: arch['patch'], imageSize: 12, channels: arch['channels'] } },
      head: { name: 'first-token', dim: arch['dim'], numClasses: arch['classes'] },
    }, { seed: 0 });
    const hf = readHf();
    const before = memory().tensors;
    // qkv is joined and pos_embed resampled before the missing block's keys are found.
    expect(() => vitWeightImporter.convert(hf, deeper, { format: 'hf', source: 'b.safetensors' })).toThrow(/^b\.safetensors \(hf names\) does not fit the model:\n {2}missing keys/);
    expect(memory().tensors).toBe(before);
  });
});
