// `crossmodal eval <config> --checkpoint <dir>`: the checkpoint's weights on the config's eval
// split with the config's metrics; prints them and writes eval-<checkpoint>.json in the run's directory.
import { ConfigError, evaluateCheckpoint } from '@crossmodal/core';
import { DirectoryCheckpointStore, writeFileAtomic } from '@crossmodal/core/node';
import { basename, join } from 'node:path';
import type { Command, WeightsChoice } from '../args.ts';
import { checkpointDirOf, runDirOf, weightsFile, weightsStore } from '../checkpoint-run.ts';
import { EXIT } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { loadRun } from '../load-run.ts';
import type { Importer } from '../plugin-loader.ts';
import { checkNames } from '../preflight.ts';

/** What `eval` writes: where the numbers came from, and the numbers. */
export interface EvalReport {
  readonly checkpoint: string;
  /** Which of its weights: the trained ones or the moving average (`--weights ema`). */
  readonly weights: WeightsChoice;
  readonly epoch: number;
  readonly step: number;
  readonly dataset: string;
  readonly split: string;
  readonly backend: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly evaluatedAt: string;
}

/**
 * `<run>/eval-<kind>.json` for a checkpoint at `<run>/checkpoints/<kind>`, else inside the checkpoint
 * directory; `eval-<kind>-ema.json` for its weight average.
 */
export function reportPath(checkpointDir: string, weights: WeightsChoice = 'trained'): string {
  return join(runDirOf(checkpointDir), `eval-${basename(checkpointDir)}${weights === 'ema' ? '-ema' : ''}.json`);
}

/** Prints `<metric> <value>` lines and writes the report; resolves to the exit code. */
export async function evalCommand(command: Extract<Command, { kind: 'eval' }>, io: CliIo, importer?: Importer): Promise<number> {
  const checkpoint = await checkpointDirOf('eval: --checkpoint', command.checkpoint, io.cwd);
  const weights = command.weights ?? 'trained';
  weightsFile('eval', checkpoint, weights); // a missing average fails before the plugins load
  const { config, runtime, configPath } = await loadRun(command.config, command.overrides, io.cwd, importer);
  try {
    if (!config.data.eval) throw new ConfigError(configPath, [`${configPath}: data.eval: got nothing, expected a dataset to evaluate on: { name, split?, ... }`]);
    checkNames(runtime, config);
    const store = weightsStore('eval', new DirectoryCheckpointStore(config.output.dir), weights);
    const result = await evaluateCheckpoint(runtime, config, { checkpoint, store });
    const report: EvalReport = {
      checkpoint,
      weights,
      epoch: result.epoch,
      step: result.step,
      dataset: config.data.eval.name,
      split: result.split,
      backend: result.backend,
      metrics: result.metrics,
      evaluatedAt: new Date().toISOString(),
    };
    const path = reportPath(checkpoint, weights);
    await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
    io.stdout(`eval ${report.dataset} [${report.split}] with ${checkpoint}${weights === 'ema' ? ' (weight average)' : ''} (step ${report.step}) on ${report.backend}\n`);
    for (const [name, value] of Object.entries(report.metrics)) io.stdout(`  ${name} ${value.toFixed(4)}\n`);
    io.stdout(`wrote ${path}\n`);
    return EXIT.ok;
  } finally {
    await runtime.dispose();
  }
}
