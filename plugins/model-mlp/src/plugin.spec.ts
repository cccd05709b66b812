// The model-mlp plugin in a fresh runtime: its names resolve, the preset composes, versions agree.
import { createRuntime, DuplicateNameError } from '@crossmodal/core';
import { createTestRuntime } from '@crossmodal/core/testing';
import { manualSeed, randn, tensor } from '@crossmodal/tensor';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mlpModelPlugin, VERSION } from './plugin.ts';

describe('mlpModelPlugin', () => {
  it('registers the mlp encoder and the mlp-spirals preset under its own name', () => {
    const rows = createRuntime([mlpModelPlugin]).list().filter((r) => r.plugin === mlpModelPlugin.name);
    expect(rows.map((r) => `${r.kind} ${r.name}`)).toEqual(['model mlp-spirals', 'encoder mlp']);
    for (const row of rows) expect(row.description.length).toBeGreaterThan(10);
  });

  it('fails at runtime creation when listed with another plugin that registers the same names', () => {
    const clone = { ...mlpModelPlugin, name: '@acme/model-mlp-fork' };
    expect(() => createRuntime([mlpModelPlugin, clone])).toThrow(DuplicateNameError);
  });

  it('resolves mlp-spirals to an mlp encoder on the vision stream and a 3-class head', () => {
    const config = createRuntime([mlpModelPlugin]).models.resolveConfig({ preset: 'mlp-spirals' });
    expect(config).toEqual({
      encoders: { vision: { name: 'mlp', inputDim: 2, dim: 64, depth: 2 } },
      head: { name: 'classification', dim: 64, numClasses: 3 },
    });
  });

  it('builds a model from its encoder and a head of another plugin, and trains it one step', () => {
    manualSeed(0);
    const runtime = createTestRuntime([mlpModelPlugin]);
    const model = runtime.models.build(
      { encoders: { vision: { name: 'mlp', inputDim: 2, dim: 8 } }, head: { name: 'toy-classification', dim: 8, numClasses: 3 } },
      { seed: 0 },
    );
    const out = model.forward({ features: randn([4, 2]), label: tensor([0, 1, 2, 0], [4], { dtype: 'int32' }) });
    expect(out.logits.shape).toEqual([4, 3]);
    expect(Number.isFinite(out.loss!.item())).toBe(true);
    out.loss!.backward();
    expect(model.namedParameters().every(([, p]) => p.grad !== null)).toBe(true);
    expect(model.namedParameters().map(([n]) => n)).toContain('encoders.vision.layers.1.weight');
  });

  it('carries the version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([mlpModelPlugin.version, mlpModelPlugin.name]).toEqual([pkg.version, pkg.name]);
    expect(VERSION).toBe(pkg.version);
  });
});
