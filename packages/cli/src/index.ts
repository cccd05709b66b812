// @crossmodal/cli: the `crossmodal` command as functions, for embedding and tests.
export { runCli, VERSION } from './cli.ts';
export { parseArgs, COMMANDS, type Command, type CommandName } from './args.ts';
export { EXIT, exitCodeOf, formatError, PluginLoadError, UsageError } from './errors.ts';
export { processIo, type CliIo } from './io.ts';
export { DEFAULT_PLUGIN_MODULE, isPathSpecifier, loadPlugins, pluginsOf, provideModule, type Importer } from './plugin-loader.ts';
export { formatTable } from './commands/list.ts';
