// `crossmodal average <checkpoint>... --out <dir> [--greedy]`: the uniform or greedy soup of
// checkpoints of one architecture (Wortsman et al. 2022), written as a checkpoint directory.
import {
  CHECKPOINT_FILES, encodeCheckpoint, evaluateCheckpoint, parseCheckpointMeta, splitSpec,
  type CheckpointData, type CheckpointMeta, type CheckpointStore, type RunConfig, type Runtime,
} from '@crossmodal/core';
import { RESOLVED_CONFIG_FILE, loadRunConfig } from '@crossmodal/core/node';
import { averageStateDicts, CheckpointMismatchError, greedySoup, hostToTensors, tensorsToHost, type HostTensor } from '@crossmodal/nn';
import { loadSafetensors } from '@crossmodal/nn/node';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from '../args.ts';
import { checkpointDirOf, loadCheckpointRun, runConfigPath, weightsFile } from '../checkpoint-run.ts';
import { EXIT, UsageError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import type { Importer } from '../plugin-loader.ts';
import { checkNames } from '../preflight.ts';

type AverageCommand = Extract<Command, { kind: 'average' }>;

/** One input checkpoint: where, its weights on the host, and its checkpoint.json. */
interface Candidate {
  readonly dir: string;
  readonly name: string;
  readonly weights: Map<string, HostTensor>;
  readonly meta: CheckpointMeta;
}

async function readCandidate(dir: string, name: string, weights: AverageCommand['weights']): Promise<Candidate> {
  const meta = parseCheckpointMeta(await readFile(join(dir, CHECKPOINT_FILES.meta), 'utf8'), join(name, CHECKPOINT_FILES.meta));
  const { tensors } = await loadSafetensors(weightsFile('average', dir, weights));
  try {
    return { dir, name, weights: await tensorsToHost(tensors), meta };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

/** A read-only store serving one state dict as a checkpoint, so `evaluateCheckpoint` (eval's path) scores it. */
function soupStore(weights: Map<string, HostTensor>, meta: CheckpointMeta): CheckpointStore {
  return {
    save: () => Promise.reject(new Error('average: the soup store is read-only')),
    load: async (_location, options = {}) => ({
      model: hostToTensors(weights, options.backend ? { backend: options.backend } : {}),
      optimizer: { tensors: {}, meta: meta.optimizer },
      meta,
    }),
  };
}

/** The config's first metric and whether more is better. */
function scoreMetric(runtime: Runtime, config: RunConfig): { name: string; higherIsBetter: boolean } {
  const spec = config.metrics[0];
  if (spec === undefined) throw new UsageError('average: --greedy needs a metric to compare soups: the run config lists none (metrics: [accuracy])');
  const { name, options } = splitSpec(spec);
  const metric = runtime.metrics.create(name, options, runtime.createContext({ seed: config.seed, outputDir: config.output.dir }), 'metrics[0]');
  return { name: metric.name, higherIsBetter: metric.higherIsBetter };
}

/**
 * Whether a checkpoint's recorded metrics were taken as `config` scores: its own run config (found
 * beside it, never --config) has the same data.eval and first metric. Without one, no.
 */
async function scoredAlike(checkpointDir: string, config: RunConfig): Promise<boolean> {
  let own: RunConfig;
  try {
    own = await loadRunConfig(runConfigPath('average', checkpointDir, { overrides: [] }, checkpointDir));
  } catch {
    return false;
  }
  return JSON.stringify(own.data.eval) === JSON.stringify(config.data.eval) && JSON.stringify(own.metrics[0]) === JSON.stringify(config.metrics[0]);
}

/** The greedy soup, scored on the config's eval split; prints each step. */
async function greedy(command: AverageCommand, candidates: readonly Candidate[], io: CliIo, importer?: Importer): Promise<{ soup: Map<string, HostTensor>; kept: number[]; config: RunConfig; score: { metric: string; value: number } }> {
  const run = await loadCheckpointRun('average', command.checkpoints[0]!, command, io.cwd, importer);
  const { runtime, config } = run;
  try {
    if (!config.data.eval) throw new UsageError(`average: --greedy scores soups on data.eval, and ${relative(io.cwd, run.configPath)} has none`);
    checkNames(runtime, config);
    const metric = scoreMetric(runtime, config);
    const evaluate = async (weights: Map<string, HostTensor>): Promise<number> => {
      const result = await evaluateCheckpoint(runtime, config, { checkpoint: 'soup', store: soupStore(weights, candidates[0]!.meta) });
      return result.metrics[metric.name]!;
    };
    const scores: number[] = [];
    for (const c of candidates) {
      // A checkpoint records its average's score under ema/<metric>; reused only when it was taken on
      // the eval data the soups are scored on (ranking on one split and comparing on another is wrong).
      const recorded = (await scoredAlike(c.dir, config))
        ? c.meta.metrics?.[command.weights === 'ema' ? `ema/${metric.name}` : metric.name]
        : undefined;
      const score = recorded ?? (await evaluate(c.weights));
      io.stdout(`  ${c.name}: ${metric.name} ${score.toFixed(4)} (${recorded === undefined ? 'evaluated' : 'recorded'})\n`);
      scores.push(score);
    }
    const result = await greedySoup(candidates.map((c) => c.weights), evaluate, { scores, higherIsBetter: metric.higherIsBetter, names: candidates.map((c) => c.name) });
    for (const step of result.steps) {
      io.stdout(`  ${step.kept ? 'kept   ' : 'dropped'} ${candidates[step.index]!.name}: soup ${metric.name} ${step.score.toFixed(4)}\n`);
    }
    return { soup: result.soup, kept: [...result.kept], config, score: { metric: metric.name, value: result.score } };
  } finally {
    await runtime.dispose();
  }
}

/** Writes the checkpoint files (and the run config) into a temporary sibling, then renames it to `out`. */
async function writeCheckpointDir(out: string, data: CheckpointData, config: RunConfig | undefined): Promise<void> {
  const tmp = join(dirname(out), `.${out.split('/').at(-1)}.tmp-${randomBytes(6).toString('hex')}`);
  await mkdir(tmp, { recursive: true });
  try {
    for (const { name, bytes } of await encodeCheckpoint(data)) await writeFile(join(tmp, name), bytes);
    if (config !== undefined) await writeFile(join(tmp, RESOLVED_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
    await rename(tmp, out);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
}

/** Averages the checkpoints and writes the soup; resolves to the exit code. */
export async function averageCommand(command: AverageCommand, io: CliIo, importer?: Importer): Promise<number> {
  const out = resolve(io.cwd, command.out);
  if (existsSync(out)) throw new UsageError(`average: --out '${command.out}' already exists; name a new directory for the averaged checkpoint`);
  const dirs = await Promise.all(command.checkpoints.map((path) => checkpointDirOf('average:', path, io.cwd)));
  const candidates = await Promise.all(dirs.map((dir, i) => readCandidate(dir, command.checkpoints[i]!, command.weights)));
  let soup: Map<string, HostTensor>;
  let kept = candidates.map((_, i) => i);
  let config: RunConfig | undefined;
  let score: { metric: string; value: number } | undefined;
  try {
    if (command.greedy) {
      io.stdout(`greedy soup of ${candidates.length} checkpoints:\n`);
      ({ soup, kept, config, score } = await greedy(command, candidates, io, importer));
    } else {
      soup = averageStateDicts(candidates.map((c) => c.weights), { names: candidates.map((c) => c.name) });
      const source = (() => {
        try {
          return runConfigPath('average', dirs[0]!, command, io.cwd);
        } catch {
          return undefined; // a soup without a run config still evaluates with `eval <config>`
        }
      })();
      if (source !== undefined) config = await loadRunConfig(source, command.overrides);
    }
  } catch (error) {
    if (error instanceof CheckpointMismatchError) throw new UsageError(`average: ${error.message}`, { cause: error });
    throw error;
  }
  // The first member's position and optimizer groups (no optimizer tensors: a soup has no moments),
  // the soup's own score, and which checkpoints went in (checkpoint.json readers ignore extra fields).
  // A soup holds one set of weights (model.safetensors), whichever were averaged: no `ema` field.
  const { metrics: _firstMetrics, ema: _firstEma, ...first } = candidates[kept[0]!]!.meta;
  const members = kept.map((i) => candidates[i]!.name);
  const meta: CheckpointMeta & { soup: { method: string; members: string[]; weights: string } } = {
    ...first,
    savedAt: new Date().toISOString(),
    ...(score === undefined ? {} : { metrics: { [score.metric]: score.value } }),
    optimizer: { groups: first.optimizer.groups, steps: {} },
    state: {},
    soup: { method: command.greedy ? 'greedy' : 'uniform', members, weights: command.weights ?? 'trained' },
  };
  const model = hostToTensors(soup);
  try {
    await writeCheckpointDir(out, { model, optimizer: { tensors: {}, meta: meta.optimizer }, meta }, config);
  } finally {
    for (const t of Object.values(model)) t.dispose();
  }
  io.stdout(`averaged ${members.length} of ${candidates.length} checkpoints (${command.greedy ? 'greedy' : 'uniform'} soup): ${members.join(', ')}\n`);
  if (score !== undefined) io.stdout(`soup ${score.metric} ${score.value.toFixed(4)}\n`);
  io.stdout(`wrote ${relative(io.cwd, out)}\n`);
  return EXIT.ok;
}
