// The head-vl plugin in a fresh runtime: its names resolve, the heads compose with encoders of
// another plugin on two streams, and a metric comes out of the registry.
import { createRuntime } from '@crossmodal/core';
import { createTestRuntime } from '@crossmodal/core/testing';
import { manualSeed, randn, tensor } from '@crossmodal/tensor';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vlHeadsPlugin } from './plugin.ts';

const toy = { name: 'toy-vectors', inputDim: 2, dim: 8 };

describe('vlHeadsPlugin', () => {
  it('registers its heads and metrics under their own names', () => {
    const rows = createRuntime([vlHeadsPlugin]).list().filter((r) => r.plugin === vlHeadsPlugin.name);
    expect(rows.map((r) => `${r.kind} ${r.name}`).sort()).toEqual([
      'head image-text-matching', 'head referring-expression', 'head vl-classification', 'head vqa',
      'metric recall-at-1', 'metric recall-at-10', 'metric recall-at-5', 'metric recall-at-k',
    ]);
  });

  it('composes each head with two-stream encoders of another plugin and gives a finite loss', () => {
    const runtime = createTestRuntime([vlHeadsPlugin]);
    const cases: [Record<string, unknown>, Record<string, ReturnType<typeof tensor>>, number[]][] = [
      [{ name: 'vqa', dim: 8, numAnswers: 5, pooling: 'product' }, { targets: tensor(Array(20).fill(0.3), [4, 5]) }, [4, 5]],
      [{ name: 'vl-classification', dim: 8, numClasses: 3, pooling: 'att-flat-sum' }, { label: tensor([0, 1, 2, 1], [4], { dtype: 'int32' }) }, [4, 3]],
      [{ name: 'referring-expression', dim: 8 }, { label: tensor([0, 0, 0, 0], [4], { dtype: 'int32' }) }, [4, 1]],
      [{ name: 'image-text-matching', dim: 8, pooling: 'cls-tanh', stream: 'text' }, { label: tensor([0, 1, 1, 0], [4], { dtype: 'int32' }) }, [4, 2]],
    ];
    for (const [head, targets, shape] of cases) {
      manualSeed(0);
      const model = runtime.models.build({ encoders: { vision: toy, text: toy }, head: head as { name: string } }, { seed: 0 });
      const out = model.forward({ features: randn([4, 2]), ...targets });
      expect(out.logits.shape, String(head['name'])).toEqual(shape);
      expect(Number.isFinite(out.loss!.item()), String(head['name'])).toBe(true);
    }
  });

  it('hands out recall@k from the metric registry', async () => {
    const metric = createRuntime([vlHeadsPlugin]).metrics.get('recall-at-k').create({ k: 2 }, { seed: 0 });
    await metric.update({ logits: tensor([[3, 2, 1], [1, 2, 3]], [2, 3]) }, { label: tensor([1, 0], [2], { dtype: 'int32' }) });
    expect([metric.name, metric.compute()]).toEqual(['recall@2', 0.5]);
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([vlHeadsPlugin.name, vlHeadsPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});
