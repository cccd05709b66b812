// The dataset-refcoco plugin in a fresh runtime: its dataset resolves by name and builds from the fixtures.
import { createRuntime } from '@crossmodal/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from './fixtures.spec-helper.ts';
import { refcocoPlugin } from './plugin.ts';

describe('refcocoPlugin', () => {
  it('registers the dataset refcoco', () => {
    const rows = createRuntime([refcocoPlugin]).list();
    expect(rows.filter((r) => r.plugin === refcocoPlugin.name).map((r) => `${r.kind} ${r.name}`)).toEqual(['dataset refcoco']);
  });

  it('creates the dataset through the registry', async () => {
    const runtime = createRuntime([refcocoPlugin]);
    const ds = await runtime.datasets.create('refcoco', { path: ROOT, split: 'val' }, { seed: 0 });
    expect(ds.size).toBe(3);
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([refcocoPlugin.name, refcocoPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});
