// The head-classification plugin in a fresh runtime: its name resolves and composes with an encoder.
import { createRuntime } from '@crossmodal/core';
import { createTestRuntime } from '@crossmodal/core/testing';
import { manualSeed, randn, tensor } from '@crossmodal/tensor';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classificationHeadPlugin } from './plugin.ts';

describe('classificationHeadPlugin', () => {
  it('registers the head classification under its own name', () => {
    const rows = createRuntime([classificationHeadPlugin]).list().filter((r) => r.plugin === classificationHeadPlugin.name);
    expect(rows.map((r) => `${r.kind} ${r.name}`)).toEqual(['head classification']);
  });

  it('composes with an encoder of another plugin and gives a finite loss', () => {
    manualSeed(0);
    const model = createTestRuntime([classificationHeadPlugin]).models.build(
      { preset: 'toy-mlp', head: { name: 'classification', dim: 16, numClasses: 3, pooling: 'mean' } },
      { seed: 0 },
    );
    const out = model.forward({ features: randn([4, 2]), label: tensor([0, 1, 2, 1], [4], { dtype: 'int32' }) });
    expect(out.logits.shape).toEqual([4, 3]);
    expect(out.loss!.item()).toBeGreaterThan(0);
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([classificationHeadPlugin.name, classificationHeadPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});
