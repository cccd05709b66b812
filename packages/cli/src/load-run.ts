// Shared start of every command that reads a config: read the file, apply --set overrides,
// validate, load the plugins it names (relative to the config file) and build the runtime.
import { createRuntime, type RunConfig, type Runtime } from '@crossmodal/core';
import { loadRunConfig } from '@crossmodal/core/node';
import { dirname, resolve } from 'node:path';
import { isPathSpecifier, loadPlugins, type Importer } from './plugin-loader.ts';

/** A validated config and the runtime made from its plugins. */
export interface LoadedRun {
  /** The config path as given, for messages. */
  readonly configPath: string;
  /** The validated config with its defaults; path-style plugin entries are absolute (see {@link loadRun}). */
  readonly config: RunConfig;
  /** The runtime with core's built-ins and the config's plugins. */
  readonly runtime: Runtime;
}

/**
 * `plugins` with each path entry (`./x`, `../x`, `/x`) made absolute against `configDir`; package
 * names stay as they are. A run writes this config to `<run>/resolved-config.json`, which later
 * commands (attention, average, import) read from `<run>/`: a relative path would resolve there.
 * @example
 * absolutePlugins(['@crossmodal/model-mlp', './my-fusion/index.ts'], '/home/me/configs');
 * // ['@crossmodal/model-mlp', '/home/me/configs/my-fusion/index.ts']
 */
export function absolutePlugins(plugins: readonly string[] | undefined, configDir: string): readonly string[] | undefined {
  return plugins?.map((spec) => (isPathSpecifier(spec) ? resolve(configDir, spec) : spec));
}

/**
 * Reads `configPath` (relative to `cwd`), applies `overrides`, validates, loads the plugins and
 * creates the runtime. Config problems throw ConfigError (lines on overridden paths name the
 * `--set` that set them); plugin problems PluginLoadError.
 */
export async function loadRun(configPath: string, overrides: readonly string[], cwd: string, importer?: Importer): Promise<LoadedRun> {
  const absolute = resolve(cwd, configPath);
  // Messages name the file as the user typed it, when that path means the same file here.
  const parsed = await loadRunConfig(resolve(configPath) === absolute ? configPath : absolute, overrides, configPath);
  // Loaded as written (errors name the path the user wrote), stored absolute (see absolutePlugins).
  const runtime = createRuntime(await loadPlugins(parsed.plugins, dirname(absolute), importer));
  const plugins = absolutePlugins(parsed.plugins, dirname(absolute));
  const config: RunConfig = plugins === undefined ? parsed : { ...parsed, plugins };
  return { configPath, config, runtime };
}
