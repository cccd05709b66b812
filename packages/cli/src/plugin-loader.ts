// Loads the plugins a run config names: package names by bare specifier, paths relative to the
// config file's directory; no `plugins` field means the built-in set, @crossmodal/preset-default,
// imported by name at run time so the CLI has no static import of any plugin.
import { isPlugin, type Plugin } from '@crossmodal/core';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PluginLoadError } from './errors.ts';

/** The package the CLI loads when a config names no plugins. */
export const DEFAULT_PLUGIN_MODULE = '@crossmodal/preset-default';

/** Imports a module by specifier or file URL (injectable for tests). */
export type Importer = (specifier: string) => Promise<Record<string, unknown>>;

/** Modules handed over in-process by `provideModule`, by specifier. */
const provided = new Map<string, Record<string, unknown>>();

/**
 * Makes `specifier` resolve to `module` without a runtime import: for a CLI bundled together with its
 * plugins (esbuild, `deno compile`), where importing a workspace package by name at run time cannot
 * work. Configs that name the specifier (or name none, for the default set) then get this module.
 * @example
 * import * as preset from '@crossmodal/preset-default';
 * provideModule('@crossmodal/preset-default', preset);
 */
export function provideModule(specifier: string, module: Record<string, unknown>): void {
  provided.set(specifier, module);
}

// NOTE: a variable specifier keeps bundlers and the boundary check from seeing a static edge.
const defaultImporter: Importer = (specifier) => {
  const module = provided.get(specifier);
  return module ? Promise.resolve(module) : import(specifier);
};

/** True for `./x`, `../x`, absolute paths and Windows drive paths: files, not packages. */
export const isPathSpecifier = (spec: string): boolean => /^\.{1,2}([\\/]|$)/.test(spec) || isAbsolute(spec);

/** A non-empty array whose every element is a plugin. */
const isPluginArray = (value: unknown): value is Plugin[] => Array.isArray(value) && value.length > 0 && value.every(isPlugin);

/**
 * The plugins a module exports: its `default` export (a plugin or an array of plugins) when it
 * has one, else every named export that is a plugin or an array of plugins (each once).
 * @example
 * pluginsOf({ mlpModelPlugin, VERSION: '0.1.0' });   // [mlpModelPlugin]
 */
export function pluginsOf(module: Record<string, unknown>): Plugin[] {
  const fromValue = (value: unknown): Plugin[] => (isPlugin(value) ? [value] : isPluginArray(value) ? value : []);
  const fromDefault = fromValue(module['default']);
  if (fromDefault.length > 0) return fromDefault;
  const found = Object.keys(module)
    .sort()
    .flatMap((key) => fromValue(module[key]));
  return [...new Set(found)];
}

/** Imports one module, naming the config field and the specifier when that fails. */
async function importPlugin(spec: string, field: string, configDir: string, importer: Importer): Promise<Plugin[]> {
  let target = spec;
  if (isPathSpecifier(spec)) {
    const path = resolve(configDir, spec);
    if (!existsSync(path)) throw new PluginLoadError(`${field}: plugin module '${spec}' not found (looked for ${path})`);
    target = pathToFileURL(path).href;
  }
  let module: Record<string, unknown>;
  try {
    module = await importer(target);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
    const notFound = code === 'ERR_MODULE_NOT_FOUND' && message.includes(`'${spec}'`);
    const what = notFound ? `cannot be found (is the package installed?)` : `failed to import: ${message.split('\n')[0]}`;
    throw new PluginLoadError(`${field}: plugin module '${spec}' ${what}`, { cause: error });
  }
  const plugins = pluginsOf(module);
  if (plugins.length === 0) {
    const exports = Object.keys(module).sort().join(', ') || 'nothing';
    throw new PluginLoadError(
      `${field}: module '${spec}' exports no plugin (exports: ${exports}); expected an export { name, version, register(container) }, an array of them, or a default export`,
    );
  }
  return plugins;
}

/**
 * The plugins for a run: those of each module `specs` names (in order, each plugin once), or the
 * default set when `specs` is undefined. Paths resolve against `configDir`.
 * @example
 * const plugins = await loadPlugins(['@crossmodal/model-mlp', './my-fusion/index.ts'], '/home/me/runs');
 */
export async function loadPlugins(specs: readonly string[] | undefined, configDir: string, importer: Importer = defaultImporter): Promise<Plugin[]> {
  if (specs === undefined) return importPlugin(DEFAULT_PLUGIN_MODULE, 'the default plugins', configDir, importer);
  const all: Plugin[] = [];
  for (const [i, spec] of specs.entries()) {
    for (const plugin of await importPlugin(spec, `plugins[${i}]`, configDir, importer)) {
      if (!all.includes(plugin)) all.push(plugin);
    }
  }
  return all;
}
