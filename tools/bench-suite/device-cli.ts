// The `crossmodal` command as device-pack.sh bundles it (one esbuild file, no node_modules beside it):
// the default plugin set is handed to the plugin loader in-process instead of imported by name.
import * as preset from '@crossmodal/preset-default';
import { processIo, provideModule, runCli, DEFAULT_PLUGIN_MODULE } from '@crossmodal/cli';

provideModule(DEFAULT_PLUGIN_MODULE, preset);
process.exitCode = await runCli(process.argv.slice(2), processIo());
