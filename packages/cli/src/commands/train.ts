// `crossmodal train <config>`: builds the pipeline from the config's plugins and runs it. Ctrl-C
// once stops after the current step with an interrupt checkpoint (exit 130); twice exits at once.
import { createPipeline, type Pipeline } from '@crossmodal/core';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from '../args.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { loadRun } from '../load-run.ts';
import { formatRunSummary, RunSummaryCollector } from '../run-summary.ts';
import type { Importer } from '../plugin-loader.ts';
import { checkNames } from '../preflight.ts';

/** The file that marks a directory as a complete checkpoint. */
const CHECKPOINT_META = 'checkpoint.json';

/** `--resume` as a checkpoint directory or its checkpoint.json; a UsageError when it is neither. */
function checkResume(path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  const dir = absolute.endsWith(CHECKPOINT_META) ? resolve(absolute, '..') : absolute;
  if (!existsSync(join(dir, CHECKPOINT_META))) {
    throw new UsageError(`train: --resume '${path}' is not a checkpoint (no ${CHECKPOINT_META} in ${dir}); expected a directory like <output.dir>/checkpoints/last`);
  }
  return dir;
}

/** A word as the shell reads it back: as is when it is plain, else single-quoted. */
const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/** The command that resumes this run: its config and every override (--set, --backend as backend=…), quoted for the shell. */
export function resumeCommand(command: Extract<Command, { kind: 'train' }>, checkpoint: string): string {
  return ['crossmodal', 'train', command.config, ...command.overrides.flatMap((o) => ['--set', o]), '--resume', checkpoint].map(shellWord).join(' ');
}

/**
 * Trains as the config says; resolves to the exit code: 0 when the run completed (or an
 * early-stopping rule stopped it), 130 when Ctrl-C stopped it.
 */
export async function trainCommand(command: Extract<Command, { kind: 'train' }>, io: CliIo, importer?: Importer): Promise<number> {
  const resume = command.resume === undefined ? undefined : checkResume(command.resume, io.cwd);
  const { config, runtime } = await loadRun(command.config, command.overrides, io.cwd, importer);
  let pipeline: Pipeline;
  try {
    checkNames(runtime, config);
    pipeline = createPipeline(runtime, config, resume === undefined ? {} : { resume });
  } catch (error) {
    await runtime.dispose(); // an unknown name or a bad option: the runtime is released all the same
    throw error;
  }
  const summary = new RunSummaryCollector();
  const watching = pipeline.events$.subscribe((e) => summary.observe(e));
  let interrupts = 0;
  const stopListening = io.onInterrupt(() => {
    interrupts += 1;
    if (interrupts === 1) {
      io.stderr('crossmodal: stopping after the current step and writing an interrupt checkpoint (Ctrl-C again to quit now)\n');
      pipeline.stop('SIGINT');
    } else {
      io.stderr('crossmodal: quitting now, without a checkpoint\n');
      io.exit(EXIT.interrupted);
    }
  });
  try {
    const result = await pipeline.run();
    result.model.dispose();
    const line = formatRunSummary(summary.summary());
    // Completed, or stopped by a rule of the run (early stopping): the figures are the run's result.
    if (line !== undefined && (interrupts === 0 || result.status === 'completed')) io.stdout(`${line}\n`);
    if (result.status === 'stopped' && interrupts > 0) {
      const at = result.checkpoints.interrupt;
      if (at !== undefined) io.stderr(`crossmodal: stopped at step ${result.step}; resume with: ${resumeCommand(command, at)}\n`);
      return EXIT.interrupted;
    }
    return EXIT.ok;
  } finally {
    stopListening();
    watching.unsubscribe();
    await runtime.dispose();
  }
}
