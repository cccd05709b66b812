// The dispatcher: argv → command → exit code, with every error turned into one message on stderr
// and its exit code (2 for usage and config, 1 for failures). `main.ts` wires it to the process.
import { parseArgs } from './args.ts';
import { attentionCommand } from './commands/attention.ts';
import { averageCommand } from './commands/average.ts';
import { curvesCommand } from './commands/curves.ts';
import { evalCommand } from './commands/eval.ts';
import { importCommand } from './commands/import.ts';
import { listCommand } from './commands/list.ts';
import { posEmbedCommand } from './commands/pos-embed.ts';
import { trainCommand } from './commands/train.ts';
import { EXIT, exitCodeOf, formatError } from './errors.ts';
import { COMMAND_HELP, OVERVIEW } from './help.ts';
import type { CliIo } from './io.ts';
import type { Importer } from './plugin-loader.ts';

/** The CLI's version (kept equal to package.json's by cli.spec.ts). */
export const VERSION = '0.1.0';

/**
 * Runs one command line and returns the process exit code; nothing is thrown.
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), processIo());
 */
export async function runCli(argv: readonly string[], io: CliIo, importer?: Importer): Promise<number> {
  try {
    const command = parseArgs(argv);
    switch (command.kind) {
      case 'help':
        io.stdout(command.topic === undefined ? OVERVIEW : COMMAND_HELP[command.topic]);
        return EXIT.ok;
      case 'version':
        io.stdout(`crossmodal ${VERSION}\n`);
        return EXIT.ok;
      case 'list':
        return await listCommand(command, io, importer);
      case 'train':
        return await trainCommand(command, io, importer);
      case 'eval':
        return await evalCommand(command, io, importer);
      case 'attention':
        return await attentionCommand(command, io, importer);
      case 'average':
        return await averageCommand(command, io, importer);
      case 'pos-embed':
        return await posEmbedCommand(command, io);
      case 'curves':
        return await curvesCommand(command, io);
      case 'import':
        return await importCommand(command, io, importer);
    }
  } catch (error) {
    io.stderr(formatError(error, io.env['CROSSMODAL_DEBUG'] === '1'));
    return exitCodeOf(error);
  }
}
