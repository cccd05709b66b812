// `crossmodal curves <run-dir | events.jsonl>`: the loss and accuracy curves of a run's JSONL log.
import { encodePng, parseRunEvents, plotTrainingCurves } from '@crossmodal/viz';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Command } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';

/** The event log a `curves` argument names: the file itself, or `events.jsonl` in a run directory. */
async function eventsPath(path: string): Promise<string> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`curves: '${path}' does not exist (${error.code ?? error.message}); expected a run directory or its events.jsonl`, { cause: error });
  });
  return info.isDirectory() ? join(path, 'events.jsonl') : path;
}

/** Writes the curves; resolves to the exit code. */
export async function curvesCommand(command: Extract<Command, { kind: 'curves' }>, io: CliIo): Promise<number> {
  const log = await eventsPath(resolve(io.cwd, command.run));
  let text: string;
  try {
    text = await readFile(log, 'utf8');
  } catch (error) {
    throw new UsageError(`curves: cannot read the event log '${relative(io.cwd, log)}' (${(error as NodeJS.ErrnoException).code ?? String(error)}); runs write it with the jsonl logger: loggers: [{ name: jsonl }]`, { cause: error });
  }
  const curves = parseRunEvents(text);
  if (curves.loss.length === 0 && curves.metrics.size === 0) {
    throw new UsageError(`curves: ${relative(io.cwd, log)} has no batch-end or eval-end events to plot`);
  }
  const runDir = dirname(log);
  const image = plotTrainingCurves(curves, { title: basename(runDir).toUpperCase() });
  const out = command.out === undefined ? join(runDir, 'curves.png') : resolve(io.cwd, command.out);
  await writeFile(out, encodePng(image));
  const metrics = [...curves.metrics.keys()];
  io.stdout(`${curves.loss.length} loss points${metrics.length ? `, ${metrics.join(', ')}` : ''}\nwrote ${relative(io.cwd, out)} (${image.width}×${image.height})\n`);
  return EXIT.ok;
}
