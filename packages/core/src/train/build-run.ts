// Builds the parts of a run from a runtime's registries and a run config: loaders, model,
// optimizer, evaluator, trainer and the services that subscribe to the bus.
import { DataLoader, Mixup, type BatchTransform } from '@crossmodal/data';
import { ModelEma, type BaseHyper, type Optimizer } from '@crossmodal/nn';
import type { Backend } from '@crossmodal/tensor';
import type { TrainingBus } from '../bus/training-bus.ts';
import type { RunConfig } from '../config/run-config.ts';
import type { Metric } from '../contracts/metric.ts';
import type { Model } from '../contracts/model.ts';
import type { CreateContext } from '../contracts/provider.ts';
import type { Dataset } from '../contracts/dataset.ts';
import { splitSpec } from '../registry/provider-registry.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { CheckpointStore } from './checkpoint.ts';
import { Checkpointer } from './checkpointer.ts';
import { EarlyStopping } from './early-stopping.ts';
import { EMA_METRIC_PREFIX, Evaluator } from './evaluator.ts';
import { LrSchedule, scheduleFromSpec } from './lr-schedule.ts';
import { MetricAggregator } from './metric-aggregator.ts';
import type { MetricMode } from './metric-monitor.ts';
import { createOptimizer } from './optimizers.ts';
import { generatorState, type Stateful } from './state.ts';
import { countSteps, Trainer } from './trainer.ts';

/** The training and evaluation loaders of a run, and the datasets under them (closed with {@link closeDatasets}). */
export interface RunLoaders {
  readonly train: DataLoader;
  readonly eval?: DataLoader;
  readonly datasets: readonly Dataset[];
}

/** The evaluation loader of a config and its dataset. */
export interface EvalLoader {
  readonly loader: DataLoader;
  readonly dataset: Dataset;
}

/**
 * Closes each dataset that has a `close` (each once, all of them even when one fails); resolves to
 * the failures, each naming its dataset's place, so a caller can report them without losing its own error.
 */
export async function closeDatasets(datasets: readonly Dataset[]): Promise<Error[]> {
  const results = await Promise.allSettled([...new Set(datasets)].map(async (d) => d.close?.()));
  return results.flatMap((r, i) => (r.status === 'rejected' ? [new Error(`closing dataset ${i + 1} of ${results.length}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`, { cause: r.reason })] : []));
}

/** Everything a run trains with. */
export interface RunParts {
  readonly model: Model;
  readonly optimizer: Optimizer<BaseHyper>;
  readonly trainer: Trainer;
  readonly aggregator: MetricAggregator;
  readonly checkpointer: Checkpointer;
  /** Every Stateful part, in restore order (the Checkpointer last). */
  readonly parts: readonly Stateful[];
  /** The weight average of `train.ema`; the run's owner disposes it. */
  readonly ema?: ModelEma;
}

/**
 * Creates the datasets and their loaders (the training order is seeded by `config.seed`). With
 * `data.mixup`, the training loader (only) mixes its batches, seeded by (`config.seed`, epoch, batch).
 */
export async function createLoaders(runtime: Runtime, config: RunConfig, backend: Backend, context: CreateContext): Promise<RunLoaders> {
  const { name, ...trainOptions } = config.data.train;
  const trainSet = await runtime.datasets.create(name, trainOptions, context, 'data.train');
  try {
    return await loadersOver(trainSet, runtime, config, backend, context);
  } catch (error) {
    await closeDatasets([trainSet]);
    throw error;
  }
}

/** The loaders over an open training set (createLoaders closes it if this fails). */
async function loadersOver(trainSet: Dataset, runtime: Runtime, config: RunConfig, backend: Backend, context: CreateContext): Promise<RunLoaders> {
  const { train: { name }, batchSize, shuffle, dropLast, mixup, floatFields } = config.data;
  let batchTransform: BatchTransform | undefined;
  if (mixup) {
    const { numClasses } = trainSet.info;
    if (numClasses === undefined) throw new RangeError(`data.mixup: dataset '${name}' (data.train) gives no numClasses in its info, and Mixup's soft targets need it`);
    const mixer = new Mixup({ ...mixup, numClasses, seed: config.seed });
    batchTransform = (batch, at) => mixer.apply(batch, at);
  }
  const trainLoader = new DataLoader(trainSet, {
    batchSize, shuffle, dropLast, seed: config.seed, backend, ...(batchTransform ? { batchTransform } : {}), ...(floatFields ? { floatFields } : {}),
  });
  if (trainLoader.batchesPerEpoch === 0) {
    throw new RangeError(`data.train: dataset '${name}' has ${trainSet.size} examples, fewer than one batch of ${batchSize}${dropLast ? ' with dropLast' : ''}`);
  }
  const evalLoader = await createEvalLoader(runtime, config, backend, context);
  return evalLoader
    ? { train: trainLoader, eval: evalLoader.loader, datasets: [trainSet, evalLoader.dataset] }
    : { train: trainLoader, datasets: [trainSet] };
}

/** The evaluation loader of `config.data.eval` (in order, every example) and its dataset, or undefined without one. */
export async function createEvalLoader(runtime: Runtime, config: RunConfig, backend: Backend, context: CreateContext): Promise<EvalLoader | undefined> {
  const { eval: evalSplit, batchSize, evalBatchSize, floatFields } = config.data;
  if (!evalSplit) return undefined;
  const { name, ...options } = evalSplit;
  const dataset = await runtime.datasets.create(name, options, context, 'data.eval');
  try {
    return { loader: new DataLoader(dataset, { batchSize: evalBatchSize ?? batchSize, backend, ...(floatFields ? { floatFields } : {}) }), dataset };
  } catch (error) {
    await closeDatasets([dataset]);
    throw error;
  }
}

/** The metrics a config names, built from the runtime's registry. */
export function createMetrics(runtime: Runtime, config: RunConfig, context: CreateContext): Metric[] {
  return config.metrics.map((spec, i) => {
    const { name, options } = splitSpec(spec);
    return runtime.metrics.create(name, options, context, `metrics[${i}]`);
  });
}

/** Optimizer steps the config's run takes with these loaders. */
export const runSteps = (config: RunConfig, loaders: RunLoaders): number =>
  countSteps(loaders.train.batchesPerEpoch, config.train.epochs, config.train.gradAccumulation, config.train.maxSteps);

const modeOf = (metric: string, metrics: readonly Metric[], given?: MetricMode): MetricMode | undefined => {
  const name = metric.startsWith(EMA_METRIC_PREFIX) ? metric.slice(EMA_METRIC_PREFIX.length) : metric;
  const known = metrics.find((m) => m.name === name);
  return given ?? (known ? (known.higherIsBetter ? 'max' : 'min') : undefined);
};

/** Whether each metric an evaluation reports (its name, and `ema/<name>`) is better larger or smaller. */
const metricModes = (metrics: readonly Metric[]): Record<string, MetricMode> =>
  Object.fromEntries(metrics.flatMap((m) => {
    const mode: MetricMode = m.higherIsBetter ? 'max' : 'min';
    return [[m.name, mode], [`${EMA_METRIC_PREFIX}${m.name}`, mode]];
  }));

/** Builds model, optimizer, evaluator, trainer and services on `bus`; everything is disposed if one fails. */
export function buildRun(runtime: Runtime, config: RunConfig, io: { loaders: RunLoaders; bus: TrainingBus; store: CheckpointStore; context: CreateContext; configHash: string }): RunParts {
  const { loaders, bus, store, context, configHash } = io;
  const model = runtime.models.build(config.model, context);
  let ema: ModelEma | undefined;
  try {
    const optimizer = createOptimizer(config.optimizer, model.namedParameters());
    const metrics = createMetrics(runtime, config, context);
    const emaConfig = config.train.ema;
    checkWatchedMetrics(config, metrics, loaders.eval !== undefined);
    ema = emaConfig ? new ModelEma(model, { decay: emaConfig.decay, warmup: emaConfig.warmup, startStep: emaConfig.startStep }) : undefined;
    const evaluator = loaders.eval && metrics.length > 0
      ? new Evaluator({ model, loader: loaders.eval, metrics, split: config.data.eval?.split ?? 'eval', bus, ...(ema && emaConfig ? { ema: { weights: ema, evaluate: emaConfig.evaluate } } : {}) })
      : undefined;
    const totalSteps = runSteps(config, loaders);
    const warmup = config.schedule?.warmupSteps ?? 0;
    if (warmup > 0 && warmup >= totalSteps) {
      bus.emit({
        type: 'error', fatal: false,
        message: `schedule.warmupSteps: ${warmup} is not below the run's ${totalSteps} optimizer steps, so the lr never reaches optimizer.lr${config.schedule?.name === 'cosine' || config.schedule?.name === 'linear' ? ` and the ${config.schedule.name} decay never starts` : ''}; lower warmupSteps`,
      });
    }
    const schedule = new LrSchedule(bus, optimizer, scheduleFromSpec(config.schedule, totalSteps));
    const { epochs, maxSteps, gradAccumulation, clipGradNorm, evalEvery } = config.train;
    const trainer = new Trainer({
      model, optimizer, loader: loaders.train, bus, epochs, gradAccumulation, schedule,
      ...(ema ? { ema } : {}),
      ...(maxSteps !== undefined ? { maxSteps } : {}),
      ...(clipGradNorm !== undefined ? { clipGradNorm } : {}),
      ...(evaluator ? { evaluator } : {}),
      ...(evalEvery ? { evalEvery } : {}),
    });
    const aggregator = new MetricAggregator(bus, metricModes(metrics));
    const parts: Stateful[] = [trainer, schedule, generatorState, aggregator];
    const stopping = config.earlyStopping;
    if (stopping) {
      const mode = modeOf(stopping.metric, metrics, stopping.mode);
      parts.push(new EarlyStopping(bus, { ...stopping, ...(mode ? { mode } : {}) }));
    }
    // With only the average evaluated, `best` follows its first metric.
    const firstMetric = metrics[0] && (emaConfig?.evaluate === 'ema' ? `${EMA_METRIC_PREFIX}${metrics[0].name}` : metrics[0].name);
    const { keepBest, keepLast, everySteps, metric = firstMetric } = config.checkpoint;
    const mode = metric === undefined ? undefined : modeOf(metric, metrics, config.checkpoint.mode);
    const checkpointer = new Checkpointer({
      bus, store, model, optimizer, trainer, parts: [...parts], configHash, ...(ema ? { ema } : {}),
      policy: { keepBest, keepLast, ...(metric !== undefined ? { metric } : {}), ...(mode ? { mode } : {}), ...(everySteps !== undefined ? { everySteps } : {}) },
    });
    return { model, optimizer, trainer, aggregator, checkpointer, parts: [...parts, checkpointer], ...(ema ? { ema } : {}) };
  } catch (error) {
    ema?.dispose();
    model.dispose();
    throw error;
  }
}

/**
 * A checkpoint or early-stopping metric must be one the evaluations will report, or `best` would never
 * be written and early stopping never fire, without a word: each is checked against the keys of an
 * eval-end (the metrics' names; with `train.ema`, `ema/<name>` too, or only those with evaluate 'ema').
 */
function checkWatchedMetrics(config: RunConfig, metrics: readonly Metric[], hasEvalData: boolean): void {
  const names = metrics.map((m) => m.name);
  const evaluate = config.train.ema?.evaluate;
  const averaged = names.map((n) => `${EMA_METRIC_PREFIX}${n}`);
  const reported = evaluate === 'ema' ? averaged : evaluate === 'both' ? [...names, ...averaged] : names;
  const watched = [['checkpoint.metric', config.checkpoint.metric], ['earlyStopping.metric', config.earlyStopping?.metric]] as const;
  for (const [field, metric] of watched) {
    if (metric === undefined) continue;
    if (!hasEvalData || names.length === 0) {
      throw new RangeError(`${field}: got '${metric}', but the run evaluates nothing to watch it on: it needs data.eval and at least one entry in metrics`);
    }
    if (reported.includes(metric)) continue;
    if (evaluate === 'ema' && names.includes(metric)) {
      throw new RangeError(`${field}: got '${metric}', expected '${EMA_METRIC_PREFIX}${metric}': with train.ema.evaluate 'ema' evaluations report only the average's metrics, under ${EMA_METRIC_PREFIX}<name>`);
    }
    throw new RangeError(`${field}: got '${metric}', expected one of the keys the evaluations report: ${reported.join(', ')}`);
  }
}
