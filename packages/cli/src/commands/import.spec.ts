// `crossmodal import` in-process on model-vit's fixtures (tools/golden/make_vit_fixture.py): the
// timm .pth and the Hugging Face safetensors of one tiny ViT import to identical checkpoints that
// `eval` scores as PyTorch would; a new class count and image size give a checkpoint that eval and
// attention load through resolved-config.json; bad input fails naming the file, leaving nothing behind.
import { DATASETS, type Dataset, type Plugin } from '@crossmodal/core';
import { decodeSafetensors, encodeSafetensors } from '@crossmodal/nn';
import { loadSafetensors } from '@crossmodal/nn/node';
import { decodePng, encodePng } from '@crossmodal/viz';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import type { Importer } from '../plugin-loader.ts';
import { recordingIo } from '../testing-io.spec-helper.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../../plugins/model-vit/fixtures/${name}`, import.meta.url));
const PTH = fixture('vit-tiny-token.timm.pth');
const HF = fixture('vit-tiny-token.hf.safetensors');
const golden = decodeSafetensors(new Uint8Array(readFileSync(fixture('vit-tiny.golden.safetensors')))).tensors;
const input = golden['token.input']!; // [2, 3, 8, 8]
const logits = golden['token.logits']!.dataSync(); // [2, 3]
// The reference's own predictions as labels: eval's accuracy is 1 exactly when our logits rank as PyTorch's do.
const predicted = [0, 1].map((b) => [0, 1, 2].reduce((best, c) => (logits[b * 3 + c]! > logits[b * 3 + best]! ? c : best), 0));

/** `fixture-images`: the reference input ({ size: 8 }) or seeded noise of another size, labelled by the reference. */
const dataPlugin: Plugin = {
  name: 'fixture-images',
  version: '0.0.0',
  register: (c) => void c.register(DATASETS, {
    useValue: {
      name: 'fixture-images',
      create: (o: Record<string, unknown>): Dataset => {
        const size = Number(o['size'] ?? 8);
        const plane = 3 * size * size;
        const data = input.dataSync();
        return {
          size: 2,
          info: { numClasses: 3, fields: { image: [3, size, size], label: [] } },
          get: (i) => ({
            image: { data: size === 8 ? data.slice(i * plane, (i + 1) * plane) : Float32Array.from({ length: plane }, (_, k) => Math.sin(k + i)), shape: [3, size, size] },
            label: predicted[i]!,
          }),
        };
      },
    },
  }),
};
const importer: Importer = (spec) => (spec === 'fixture-images' ? Promise.resolve({ dataPlugin }) : import(spec));

const dir = mkdtempSync(join(tmpdir(), 'cli-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo(dir);
  const code = await runCli(argv, io, importer);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

// vit-tiny reshaped to the fixture's architecture (timm's defaults otherwise: eps 1e-6, no drop path);
// the head follows the encoder's dim.
const ARCH = ['dim=16', 'depth=2', 'heads=2', 'mlpDim=64', 'patchSize=4', 'imageSize=8', 'channels=3', 'dropPath=0']
  .flatMap((f) => ['--set', `model.encoders.vision.${f}`]);

function config(name: string, size: number): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `plugins: ['@crossmodal/preset-default', fixture-images]
backend: cpu
model: { preset: vit-tiny }
data: { train: { name: fixture-images, size: ${size} }, eval: { name: fixture-images, size: ${size} }, batchSize: 2 }
optimizer: { name: adamw, lr: 0.001 }
train: { epochs: 1 }
metrics: [accuracy]
output: { dir: ${join(dir, name)} }
`);
  return path;
}

describe('crossmodal import', () => {
  it('imports the .pth and the safetensors to bit-identical checkpoints that eval scores as PyTorch does', async () => {
    const pth = await cli('import', PTH, '--model', 'vit-tiny', ...ARCH, '--num-classes', '3', '--out', 'from-pth');
    expect(pth.err).toBe('');
    expect(pth.code).toBe(0);
    expect(pth.out).toContain(`import ${PTH} (torch.save, state dict at 'model', timm names) with importer 'vit'\n`);
    expect(pth.out).toContain('  mapped        32 key(s) one to one (2 renamed)\n');
    expect(pth.out).toContain('no resolved-config.json (a run config needs data and an optimizer)');
    const hf = await cli('import', HF, '--model', 'vit-tiny', ...ARCH, '--num-classes', '3', '--out', 'from-hf');
    expect(hf.code).toBe(0);
    expect(hf.out).toContain("(safetensors, state dict at the safetensors file's top level, hf names)");
    expect(hf.out).toContain('  joined        vit.encoder.layer.1.attention.attention.{query,key,value}.bias → encoders.vision.blocks.1.attn.qkv.bias\n');
    const [a, b] = await Promise.all(['from-pth', 'from-hf'].map(async (d) => (await loadSafetensors(join(dir, d, 'model.safetensors'))).tensors));
    expect(Object.keys(b!).sort()).toEqual(Object.keys(a!).sort());
    for (const key of Object.keys(a!)) expect(b![key]!.dataSync(), key).toEqual(a![key]!.dataSync());
    const report = JSON.parse(readFileSync(join(dir, 'from-hf/import-report.json'), 'utf8'));
    expect(report).toMatchObject({ source: HF, container: 'safetensors', stateDictKey: null, importer: 'vit', format: 'hf', missing: [], unexpected: [] });
    expect(report.joined).toHaveLength(4);
    // The LayerNorm eps of each family (HF's ViTConfig.layer_norm_eps 1e-12, timm's 1e-6), set before the model is built.
    expect(hf.out).toContain('  config        encoders.vision.eps = 1e-12\n  config        head.numClasses = 3\n');
    expect(pth.out).toContain('  config        encoders.vision.eps = 0.000001\n');
    expect(report.configOverrides).toEqual({ encoders: { vision: { eps: 1e-12 } }, head: { numClasses: 3 } });
    expect(report.model.encoders.vision.eps).toBe(1e-12);
    expect(JSON.parse(readFileSync(join(dir, 'from-pth/import-report.json'), 'utf8')).model.encoders.vision.eps).toBe(1e-6);
    for (const run of ['from-pth', 'from-hf']) {
      const evaluated = await cli('eval', config(`eval-${run}`, 8), ...ARCH, '--set', 'model.head.numClasses=3', '--checkpoint', join(dir, run));
      expect(evaluated.err).toBe('');
      expect(evaluated.out).toContain('  accuracy 1.0000\n');
    }
  });

  it('reports the dtypes a safetensors file stores, not the float32 they decode to', async () => {
    const tensors = decodeSafetensors(new Uint8Array(readFileSync(HF))).tensors;
    writeFileSync(join(dir, 'bf16.safetensors'), await encodeSafetensors(tensors, { dtype: 'BF16' }));
    const r = await cli('import', 'bf16.safetensors', '--model', 'vit-tiny', ...ARCH, '--num-classes', '3', '--out', 'from-bf16');
    expect(r.err).toBe('');
    const n = Object.keys(tensors).length;
    expect(JSON.parse(readFileSync(join(dir, 'from-bf16/import-report.json'), 'utf8')).dtypes).toEqual({ bfloat16: n });
  });

  it('gives a new class count a fresh head and resamples pos_embed; eval and attention load the result', async () => {
    const r = await cli('import', PTH, '--config', config('fine-tune', 12), ...ARCH, '--num-classes', '5', '--image-size', '12', '--interpolation', 'bilinear', '--out', 'fine-tune-init');
    expect(r.err).toBe('');
    expect(r.out).toContain('  resized       encoders.vision.pos_embed [1, 5, 16] → [1, 10, 16] (bilinear, antialias, grid 2×2 → 3×3, 1 prefix token(s) kept)\n');
    expect(r.out).toContain("  reinitialised head.fc.weight: class count 3 in the checkpoint, 5 in the model (pass --num-classes 3 to keep the checkpoint's head)\n");
    expect(r.out).toContain('  skipped       head.weight: replaced by a fresh head for 5 classes\n');
    const out = join(dir, 'fine-tune-init');
    expect(readdirSync(out).sort()).toEqual(['checkpoint.json', 'import-report.json', 'model.safetensors', 'optimizer.safetensors', 'resolved-config.json']);
    expect(JSON.parse(readFileSync(join(out, 'resolved-config.json'), 'utf8')).model).toMatchObject({ preset: 'vit-tiny', encoders: { vision: { imageSize: 12 } }, head: { numClasses: 5 } });
    const weights = (await loadSafetensors(join(out, 'model.safetensors'))).tensors;
    expect(weights['encoders.vision.pos_embed']!.shape).toEqual([1, 10, 16]);
    expect(weights['head.fc.weight']!.shape).toEqual([5, 16]);
    expect(weights['encoders.vision.blocks.1.attn.qkv.weight']!.dataSync()).toEqual(golden['token.param.blocks.1.attn.qkv.weight']!.dataSync());
    const evaluated = await cli('eval', join(dir, 'fine-tune.yaml'), ...ARCH, '--set', 'model.encoders.vision.imageSize=12', '--set', 'model.head.numClasses=5', '--checkpoint', out);
    expect(evaluated.err).toBe('');
    expect(evaluated.out).toMatch(/\n {2}accuracy (0|1)\.\d{4}\n/);
    writeFileSync(join(dir, 'x.png'), encodePng({ width: 5, height: 5, channels: 3, data: new Uint8Array(75).fill(90) }));
    const attention = await cli('attention', out, '--image', 'x.png', '--out', 'maps');
    expect(attention.err).toBe('');
    expect(decodePng(readFileSync(join(dir, 'maps/layer1-head1.png'))).width).toBeGreaterThanOrEqual(112);
  });

  it('refuses a checkpoint of another architecture, listing the misfits and naming the file, and writes nothing', async () => {
    const r = await cli('import', PTH, '--model', 'vit-tiny', '--out', 'never');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^crossmodal: import: ${PTH.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(timm names\\) does not fit the model:\n`));
    expect(r.err).toContain('    mis-shaped keys (');
    expect(r.err).toContain('encoders.vision.patch_embed.proj.weight: model [128, 1, 4, 4], checkpoint [16, 3, 4, 4]');
    expect(r.err).toContain('the checkpoint has dim 16, channels 3, patchSize 4, depth 2, mlpDim 64, pos_embed [1, 5, 16], 3 classes');
    expect(readdirSync(dir).filter((f) => f.includes('never'))).toEqual([]);
  });

  it('names the file for a missing file, an unknown extension, a corrupt file; refuses an existing --out', async () => {
    expect((await cli('import', 'nope.pth', '--model', 'vit-tiny', '--out', 'o')).err).toBe("crossmodal: import: no such file 'nope.pth'\n");
    writeFileSync(join(dir, 'w.ckpt'), 'x');
    expect((await cli('import', 'w.ckpt', '--model', 'vit-tiny', '--out', 'o')).err).toBe(
      "crossmodal: import: 'w.ckpt' has the extension '.ckpt'; expected .pth, .pt, .bin (torch.save) or .safetensors\n",
    );
    writeFileSync(join(dir, 'bad.pth'), 'not a zip');
    const bad = await cli('import', 'bad.pth', '--model', 'vit-tiny', '--out', 'o');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^crossmodal: import: cannot read 'bad\.pth': .*bad\.pth/);
    expect((await cli('import', PTH, '--model', 'mlp-spirals', '--out', 'o')).err).toMatch(/^crossmodal: import: no weight importer accepts model 'mlp-spirals' \(encoders mlp\); the registered ones: vit \(/);
    expect((await cli('import', PTH, '--model', 'vit-tiny', '--format', 'onnx', '--out', 'o')).err).toBe("crossmodal: import: importer 'vit' has no format 'onnx' (formats: timm, hf, auto)\n");
    expect((await cli('import', PTH, '--out', 'o')).err).toBe('crossmodal: import: give --model <preset> or --config <run.yaml> (the model the weights go into)\n');
    expect((await cli('import', PTH, '--model', 'vit-tiny', '--out', 'from-pth')).err).toContain("--out 'from-pth' already exists");
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });
});
