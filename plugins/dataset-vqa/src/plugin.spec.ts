// The dataset-vqa plugin in a fresh runtime: its dataset and metric resolve by name beside core's.
import { createRuntime } from '@crossmodal/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vqaPlugin } from './plugin.ts';

describe('vqaPlugin', () => {
  it('registers the dataset vqa and the metric vqa2-accuracy under its own name, beside core’s vqa-accuracy', () => {
    const rows = createRuntime([vqaPlugin]).list();
    expect(rows.filter((r) => r.plugin === vqaPlugin.name).map((r) => `${r.kind} ${r.name}`)).toEqual(['dataset vqa', 'metric vqa2-accuracy']);
    expect(rows.some((r) => r.kind === 'metric' && r.name === 'vqa-accuracy')).toBe(true);
  });

  it('creates the metric through the registry, tracing a bad option to the plugin', () => {
    const runtime = createRuntime([vqaPlugin]);
    expect(runtime.metrics.create('vqa2-accuracy', { answerType: 'number' }, { seed: 0 }).name).toBe('vqa2-accuracy/number');
    expect(() => runtime.metrics.create('vqa2-accuracy', { humans: -1 }, { seed: 0 }, 'metrics[1]')).toThrow(
      "metrics[1]: metric 'vqa2-accuracy' (plugin @crossmodal/dataset-vqa): vqa2-accuracy: humans must be an integer ≥ 1, got -1",
    );
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([vqaPlugin.name, vqaPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});
