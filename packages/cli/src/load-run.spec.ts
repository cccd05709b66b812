// loadRun: the config read with --set overrides, and path-style plugin entries made absolute so a
// run's resolved-config.json still finds them when read from the run directory.
import { ConfigError, type Plugin } from '@crossmodal/core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { absolutePlugins, loadRun } from './load-run.ts';
import type { Importer } from './plugin-loader.ts';

const plugin = (name: string): Plugin => ({ name, version: '1.0.0', register: () => undefined });
const root = mkdtempSync(join(tmpdir(), 'cli-load-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CONFIG = [
  "plugins: ['./p.ts', '../shared/q.ts', '@crossmodal/model-mlp']",
  'model: { preset: toy-mlp }',
  'data: { train: { name: toy-blobs }, batchSize: 8 }',
  'optimizer: { name: sgd, lr: 0.1 }',
  'train: { epochs: 1 }',
].join('\n');

describe('loadRun', () => {
  const configDir = join(root, 'A');
  mkdirSync(configDir);
  mkdirSync(join(root, 'shared'));
  writeFileSync(join(configDir, 'p.ts'), '');
  writeFileSync(join(root, 'shared', 'q.ts'), '');
  writeFileSync(join(configDir, 'run.yaml'), CONFIG);
  const imported: string[] = [];
  const importer: Importer = (specifier) => {
    imported.push(specifier);
    return Promise.resolve({ default: plugin(specifier) });
  };

  it('stores path-style plugin entries as absolute paths and leaves package names alone', async () => {
    const { config } = await loadRun('A/run.yaml', [], root, importer);
    expect(config.plugins).toEqual([join(configDir, 'p.ts'), join(root, 'shared', 'q.ts'), '@crossmodal/model-mlp']);
    // The plugins loaded are the same files as before.
    expect(imported).toEqual([pathToFileURL(join(configDir, 'p.ts')).href, pathToFileURL(join(root, 'shared', 'q.ts')).href, '@crossmodal/model-mlp']);
  });

  it('reads --set values as YAML and names the override in validation errors', async () => {
    const { config } = await loadRun('A/run.yaml', ['optimizer.lr=.001'], root, importer);
    expect(config.optimizer.lr).toBe(0.001);
    const error: unknown = await loadRun('A/run.yaml', ['optimizer.lr=-1'], root, importer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual(['A/run.yaml (with --set optimizer.lr=-1): optimizer.lr: got -1, expected a number > 0']);
  });
});

describe('absolutePlugins', () => {
  it('resolves ./, ../ and absolute entries against the config directory', () => {
    expect(absolutePlugins(['./a.ts', '../b.ts', '/c/d.ts', 'pkg', '@s/pkg'], '/x/y')).toEqual([resolve('/x/y/a.ts'), resolve('/x/b.ts'), resolve('/c/d.ts'), 'pkg', '@s/pkg']);
    expect(absolutePlugins(undefined, '/x/y')).toBeUndefined();
  });
});
