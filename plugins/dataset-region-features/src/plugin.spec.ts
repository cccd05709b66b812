// The plugin registers the three region-store formats under REGION_STORES, and nothing else.
import { createRuntime } from '@crossmodal/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { regionFeaturesPlugin } from './plugin.ts';

describe('regionFeaturesPlugin', () => {
  it('registers the region stores lxmert-tsv, mcan-npz and lmdb, listed as its own', () => {
    const runtime = createRuntime([regionFeaturesPlugin]);
    expect(runtime.regionStores.names()).toEqual(['lmdb', 'lxmert-tsv', 'mcan-npz']);
    const rows = runtime.list().filter((r) => r.plugin === regionFeaturesPlugin.name);
    expect(rows.map((r) => `${r.kind} ${r.name}`)).toEqual(['region-store lmdb', 'region-store lxmert-tsv', 'region-store mcan-npz']);
    expect(rows.every((r) => r.description.length > 20)).toBe(true);
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([regionFeaturesPlugin.name, regionFeaturesPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});
