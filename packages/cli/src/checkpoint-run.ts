// Shared start of the commands that read checkpoints (eval, attention, average, pos-embed): a
// checkpoint directory, which of its weights (--weights), the run config it was trained with, the
// runtime made from that config's plugins, and the checkpoint's model.
import { CHECKPOINT_FILES, disposeCheckpoint, type CheckpointData, type CheckpointStore, type Model, type RunConfig, type Runtime } from '@crossmodal/core';
import { DirectoryCheckpointStore, RESOLVED_CONFIG_FILE, resolveCheckpointDir } from '@crossmodal/core/node';
import { manualSeed, setBackend, type Backend } from '@crossmodal/tensor';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { RunSource, WeightsChoice, WeightsOption } from './args.ts';
import { UsageError } from './errors.ts';
import { loadRun } from './load-run.ts';
import type { Importer } from './plugin-loader.ts';

/**
 * The run directory of a checkpoint: `<run>` for `<run>/checkpoints/<kind>`, else the checkpoint
 * directory itself (an averaged checkpoint written by `crossmodal average` is its own run).
 */
export function runDirOf(checkpointDir: string): string {
  const parent = dirname(checkpointDir);
  return basename(parent) === 'checkpoints' ? dirname(parent) : checkpointDir;
}

/**
 * The checkpoint directory `path` names (absolute); a UsageError `<what> '<path>' is not a
 * checkpoint…` when it is not one (`what`: `attention:`, `eval: --checkpoint`).
 */
export async function checkpointDirOf(what: string, path: string, cwd: string): Promise<string> {
  try {
    return await resolveCheckpointDir(resolve(cwd, path));
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^checkpoint: /, '') : String(error);
    throw new UsageError(`${what} ${message}`, { cause: error });
  }
}

/**
 * The config a checkpoint was trained with: `--config` when given, else resolved-config.json in the
 * checkpoint directory, else in its run directory. A UsageError lists where it looked.
 */
export function runConfigPath(command: string, checkpointDir: string, source: RunSource, cwd: string): string {
  if (source.config !== undefined) return resolve(cwd, source.config);
  const candidates = [join(checkpointDir, RESOLVED_CONFIG_FILE), join(runDirOf(checkpointDir), RESOLVED_CONFIG_FILE)];
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) {
    throw new UsageError(`${command}: no run config for checkpoint '${checkpointDir}' (looked for ${[...new Set(candidates)].join(' and ')}); pass --config <run.yaml>`);
  }
  return found;
}

const noAverage = (command: string, where: string): UsageError =>
  new UsageError(`${command}: --weights ema: checkpoint '${where}' holds no weight average (no ${CHECKPOINT_FILES.ema}: it was trained without train.ema); leave out --weights ema to use its trained weights`);

/**
 * The weights file of a checkpoint directory: model.safetensors, or ema.safetensors for
 * `--weights ema` (a UsageError when the checkpoint has no average). The one place a file is picked.
 */
export function weightsFile(command: string, checkpointDir: string, weights: WeightsChoice = 'trained'): string {
  if (weights === 'trained') return join(checkpointDir, CHECKPOINT_FILES.model);
  const path = join(checkpointDir, CHECKPOINT_FILES.ema);
  if (!existsSync(path)) throw noAverage(command, checkpointDir);
  return path;
}

/**
 * `store` serving the chosen weights as the checkpoint's model: for `ema`, the average takes the
 * place of the trained weights (which are freed), so a loader of `data.model` needs no change.
 */
export function weightsStore(command: string, store: CheckpointStore, weights: WeightsChoice = 'trained'): CheckpointStore {
  if (weights === 'trained') return store;
  return {
    save: (kind, data) => store.save(kind, data),
    load: async (location, options) => {
      const data = await store.load(location, options);
      const { ema, model, ...rest } = data;
      if (!ema) {
        disposeCheckpoint(data);
        throw noAverage(command, location);
      }
      for (const t of Object.values(model)) t.dispose();
      return { ...rest, model: ema };
    },
  };
}

/** A checkpoint with its run config and runtime. */
export interface CheckpointRun {
  /** The checkpoint directory (absolute). */
  readonly checkpoint: string;
  /** Its run directory ({@link runDirOf}). */
  readonly runDir: string;
  readonly configPath: string;
  readonly config: RunConfig;
  readonly runtime: Runtime;
  /** The command's name, for messages. */
  readonly command: string;
  /** Which weights {@link withCheckpointModel} loads. */
  readonly weights: WeightsChoice;
}

/** Resolves the checkpoint and loads its run config and plugins; the caller disposes `runtime`. */
export async function loadCheckpointRun(command: string, checkpoint: string, source: RunSource & WeightsOption, cwd: string, importer?: Importer): Promise<CheckpointRun> {
  const dir = await checkpointDirOf(`${command}:`, checkpoint, cwd);
  if (source.weights === 'ema') weightsFile(command, dir, 'ema'); // fail before loading plugins
  const configPath = runConfigPath(command, dir, source, cwd);
  const { config, runtime } = await loadRun(configPath, source.overrides, cwd, importer);
  return { checkpoint: dir, runDir: runDirOf(dir), configPath, config, runtime, command, weights: source.weights ?? 'trained' };
}

/** What {@link withCheckpointModel} hands its body. */
export interface LoadedModel {
  readonly model: Model;
  readonly backend: Backend;
  /** The backend's name (`native`, `cpu`…). */
  readonly backendName: string;
  readonly meta: CheckpointData['meta'];
}

/** A name for the model in messages: its preset, else its encoders' names. */
export function modelName(config: RunConfig): string {
  const model = config.model as { preset?: string; encoders?: Record<string, { name?: unknown }> };
  if (model.preset !== undefined) return model.preset;
  const encoders = Object.values(model.encoders ?? {}).map((part) => String(part.name));
  return encoders.length > 0 ? encoders.join('+') : 'model';
}

/**
 * Runs `body` with the config's model (eval mode) holding the checkpoint's weights (`run.weights`), on the config's
 * backend (made the default meanwhile); the model is disposed and the backend restored afterwards.
 */
export async function withCheckpointModel<T>(run: CheckpointRun, body: (loaded: LoadedModel) => Promise<T>): Promise<T> {
  const { runtime, config } = run;
  const selection = await runtime.backends.select(config.backend, config.backendOptions);
  const previous = setBackend(selection.backend);
  try {
    manualSeed(config.seed);
    const data = await weightsStore(run.command, new DirectoryCheckpointStore(run.runDir), run.weights).load(run.checkpoint, { backend: selection.backend });
    let model: Model | undefined;
    try {
      model = runtime.models.build(config.model, runtime.createContext({ seed: config.seed, outputDir: config.output.dir }));
      model.loadStateDict(data.model);
    } catch (error) {
      model?.dispose();
      throw error;
    } finally {
      disposeCheckpoint(data);
    }
    try {
      model.eval();
      return await body({ model, backend: selection.backend, backendName: selection.name, meta: data.meta });
    } finally {
      model.dispose();
    }
  } finally {
    setBackend(previous);
  }
}
