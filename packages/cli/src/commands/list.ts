// `crossmodal list [<config>]`: every registered part with the plugin that provides it.
import { createRuntime, type ListRow } from '@crossmodal/core';
import type { Command } from '../args.ts';
import { EXIT } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { loadRun } from '../load-run.ts';
import { loadPlugins, type Importer } from '../plugin-loader.ts';

/** Column headers of the table. */
const HEADERS: Readonly<Record<keyof ListRow, string>> = { kind: 'KIND', name: 'NAME', plugin: 'PLUGIN', description: 'DESCRIPTION' };

/**
 * Rows as an aligned text table: KIND, NAME, PLUGIN padded to their widest cell, DESCRIPTION last.
 * @example
 * formatTable([{ kind: 'dataset', name: 'spirals', plugin: '@crossmodal/dataset-synthetic', description: 'k-arm spirals' }]);
 */
export function formatTable(rows: readonly ListRow[]): string {
  const all = [HEADERS, ...rows];
  const width = (key: 'kind' | 'name' | 'plugin'): number => Math.max(...all.map((r) => r[key].length));
  const [k, n, p] = [width('kind'), width('name'), width('plugin')];
  return all.map((r) => `${r.kind.padEnd(k)}  ${r.name.padEnd(n)}  ${r.plugin.padEnd(p)}  ${r.description}`.trimEnd()).join('\n') + '\n';
}

/** Prints the table for the default plugins, or for the plugins `command.config` names. */
export async function listCommand(command: Extract<Command, { kind: 'list' }>, io: CliIo, importer?: Importer): Promise<number> {
  const runtime =
    command.config === undefined
      ? createRuntime(await loadPlugins(undefined, io.cwd, importer))
      : (await loadRun(command.config, command.overrides, io.cwd, importer)).runtime;
  io.stdout(formatTable(runtime.list()));
  return EXIT.ok;
}
