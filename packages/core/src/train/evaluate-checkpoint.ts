// Evaluating a saved model (the CLI's `eval <config> --checkpoint <path>`): the config's model and
// eval data, the checkpoint's weights, the config's metrics; one eval-end on the bus if one is given.
import { manualSeed, setBackend } from '@crossmodal/tensor';
import type { TrainingBus } from '../bus/training-bus.ts';
import type { RunConfig } from '../config/run-config.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { closeDatasets, createEvalLoader, createMetrics } from './build-run.ts';
import { disposeCheckpoint, type CheckpointStore } from './checkpoint.ts';
import { Evaluator } from './evaluator.ts';

/** Options of {@link evaluateCheckpoint}. */
export interface EvaluateCheckpointOptions {
  /** The checkpoint: a directory (or its checkpoint.json) for the default store. */
  readonly checkpoint: string;
  /** Where to read it from (default: the directory store on disk). */
  readonly store?: CheckpointStore;
  /** Receives the eval-end event (loggers may listen to it). */
  readonly bus?: TrainingBus;
}

/** What an evaluation found. */
export interface EvaluationResult {
  /** The metrics by name. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The split evaluated. */
  readonly split: string;
  /** The backend it ran on, and why. */
  readonly backend: string;
  readonly backendReason: string;
  /** The checkpoint's step and epoch. */
  readonly step: number;
  readonly epoch: number;
}

/**
 * Builds the config's model, loads a checkpoint's weights and evaluates them on `data.eval`.
 * @example
 * const { metrics } = await evaluateCheckpoint(runtime, config, { checkpoint: 'runs/toy/checkpoints/best' });
 */
export async function evaluateCheckpoint(runtime: Runtime, config: RunConfig, options: EvaluateCheckpointOptions): Promise<EvaluationResult> {
  const evalSplit = config.data.eval;
  if (!evalSplit) throw new Error('evaluate: the config has no data.eval; add { data: { eval: { name, split } } } to say what to evaluate on');
  const selection = await runtime.backends.select(config.backend, config.backendOptions);
  const previous = setBackend(selection.backend);
  try {
    manualSeed(config.seed);
    const context = runtime.createContext({ seed: config.seed, outputDir: config.output.dir });
    const { loader, dataset } = (await createEvalLoader(runtime, config, selection.backend, context))!;
    try {
      // The model first: a config that cannot build one fails before any weight is loaded.
      const model = runtime.models.build(config.model, context);
      try {
        const store = options.store ?? new (await import('./checkpoint-store.node.ts')).DirectoryCheckpointStore(config.output.dir);
        const data = await store.load(options.checkpoint, { backend: selection.backend });
        try {
          model.loadStateDict(data.model);
        } finally {
          disposeCheckpoint(data);
        }
        const split = evalSplit.split ?? 'eval';
        const evaluator = new Evaluator({ model, loader, metrics: createMetrics(runtime, config, context), split, ...(options.bus ? { bus: options.bus } : {}) });
        const { epoch, step } = data.meta;
        const metrics = await evaluator.evaluate({ epoch, step });
        return { metrics, split, backend: selection.name, backendReason: selection.reason, epoch, step };
      } finally {
        model.dispose();
      }
    } finally {
      const failures = await closeDatasets([dataset]);
      if (failures.length > 0) {
        const message = `evaluate: ${failures.map((e) => e.message).join('; ')}`;
        if (options.bus) options.bus.emit({ type: 'error', fatal: false, message });
        else console.warn(message);
      }
    }
  } finally {
    setBackend(previous);
  }
}
