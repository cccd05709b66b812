// Shared start of every command that reads a config: read the file, apply --set overrides,
// validate, load the plugins it names (relative to the config file) and build the runtime.
import { applyOverrides, createRuntime, parseRunConfig, type RunConfig, type Runtime } from '@crossmodal/core';
import { readConfigFile } from '@crossmodal/core/node';
import { dirname, resolve } from 'node:path';
import { loadPlugins, type Importer } from './plugin-loader.ts';

/** A validated config and the runtime made from its plugins. */
export interface LoadedRun {
  /** The config path as given, for messages. */
  readonly configPath: string;
  /** The validated config with its defaults. */
  readonly config: RunConfig;
  /** The runtime with core's built-ins and the config's plugins. */
  readonly runtime: Runtime;
}

/**
 * Reads `configPath` (relative to `cwd`), applies `overrides`, validates, loads the plugins and
 * creates the runtime. Config problems throw ConfigError; plugin problems PluginLoadError.
 */
export async function loadRun(configPath: string, overrides: readonly string[], cwd: string, importer?: Importer): Promise<LoadedRun> {
  const absolute = resolve(cwd, configPath);
  // Messages name the file as the user typed it, when that path means the same file here.
  const raw = applyOverrides(await readConfigFile(resolve(configPath) === absolute ? configPath : absolute), overrides);
  const config = parseRunConfig(raw, configPath);
  const plugins = await loadPlugins(config.plugins, dirname(absolute), importer);
  return { configPath, config, runtime: createRuntime(plugins) };
}
