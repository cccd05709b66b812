// loadPlugins: bare names and config-relative paths, the default set, and errors naming the field.
import type { Plugin } from '@crossmodal/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PluginLoadError } from './errors.ts';
import { isPathSpecifier, loadPlugins, pluginsOf, provideModule, type Importer } from './plugin-loader.ts';

const plugin = (name: string): Plugin => ({ name, version: '1.0.0', register: () => undefined });
const dir = mkdtempSync(join(tmpdir(), 'cli-plugins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pluginsOf', () => {
  it('takes the default export first, else every plugin or plugin array among the named exports', () => {
    const [a, b, c] = [plugin('a'), plugin('b'), plugin('c')];
    expect(pluginsOf({ default: a, b })).toEqual([a]);
    expect(pluginsOf({ default: [a, b] })).toEqual([a, b]);
    expect(pluginsOf({ VERSION: '1', c, plugins: [a, b], again: a })).toEqual([a, c, b]);
    expect(pluginsOf({ VERSION: '1', empty: [] })).toEqual([]);
  });
});

describe('isPathSpecifier', () => {
  it('tells files from packages', () => {
    expect(['./a.ts', '../b/index.ts', '/abs/c.ts', '.'].map(isPathSpecifier)).toEqual([true, true, true, true]);
    expect(['@crossmodal/model-mlp', 'my-plugin', '.hidden-pkg'].map(isPathSpecifier)).toEqual([false, false, false]);
  });
});

describe('loadPlugins', () => {
  it('takes a module handed over with provideModule instead of importing it (a bundled CLI)', async () => {
    const bundled = plugin('bundled');
    provideModule('@bundle/not-a-real-package', { bundled });
    expect(await loadPlugins(['@bundle/not-a-real-package'], dir)).toEqual([bundled]);
    await expect(loadPlugins(['@bundle/not-provided'], dir)).rejects.toThrow(/plugin module '@bundle\/not-provided' cannot be found/);
  });

  it('loads the built-in set by package name when the config names no plugins', async () => {
    const names = (await loadPlugins(undefined, dir)).map((p) => p.name);
    expect(names).toContain('@crossmodal/model-mlp');
    expect(names).toContain('@crossmodal/logger-jsonl');
  });

  it('imports packages by name and files relative to the config directory, in order, each plugin once', async () => {
    writeFileSync(join(dir, 'local.ts'), "export const localPlugin = { name: './local.ts', version: '0.0.1', register() {} };\n");
    const plugins = await loadPlugins(['@crossmodal/model-mlp', './local.ts', '@crossmodal/model-mlp'], dir);
    expect(plugins.map((p) => p.name)).toEqual(['@crossmodal/model-mlp', './local.ts']);
  });

  it('names the field and the path of a file that does not exist', async () => {
    await expect(loadPlugins(['@crossmodal/model-mlp', './missing/index.ts'], dir)).rejects.toThrow(
      new PluginLoadError(`plugins[1]: plugin module './missing/index.ts' not found (looked for ${join(dir, 'missing/index.ts')})`),
    );
  });

  it('names the field and the package that cannot be found', async () => {
    await expect(loadPlugins(['@acme/no-such-plugin'], dir)).rejects.toThrow(
      "plugins[0]: plugin module '@acme/no-such-plugin' cannot be found (is the package installed?)",
    );
  });

  it('names the module and its exports when it exports no plugin', async () => {
    writeFileSync(join(dir, 'not-a-plugin.ts'), 'export const answer = 42;\nexport function helper() {}\n');
    await expect(loadPlugins(['./not-a-plugin.ts'], dir)).rejects.toThrow(
      "plugins[0]: module './not-a-plugin.ts' exports no plugin (exports: answer, helper); expected an export { name, version, register(container) }, an array of them, or a default export",
    );
  });

  it('reports a module that throws while importing with its first message line', async () => {
    const importer: Importer = () => Promise.reject(new SyntaxError('Unexpected token (3:1)\n  at …'));
    await expect(loadPlugins(['broken-plugin'], dir, importer)).rejects.toThrow("plugins[0]: plugin module 'broken-plugin' failed to import: Unexpected token (3:1)");
  });
});
