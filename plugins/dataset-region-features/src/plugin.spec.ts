// The plugin registers nothing (see plugin.ts): a runtime with it lists no entry of its own.
import { createRuntime } from '@crossmodal/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { regionFeaturesPlugin } from './plugin.ts';

describe('regionFeaturesPlugin', () => {
  it('loads into a fresh runtime and registers no provider', () => {
    const rows = createRuntime([regionFeaturesPlugin]).list();
    expect(rows.filter((r) => r.plugin === regionFeaturesPlugin.name)).toEqual([]);
  });

  it('carries the name and version of its package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; name: string };
    expect([regionFeaturesPlugin.name, regionFeaturesPlugin.version]).toEqual([pkg.name, pkg.version]);
  });
});
