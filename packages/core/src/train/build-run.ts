// Builds the parts of a run from a runtime's registries and a run config: loaders, model,
// optimizer, evaluator, trainer and the services that subscribe to the bus.
import { DataLoader } from '@crossmodal/data';
import type { BaseHyper, Optimizer } from '@crossmodal/nn';
import type { Backend } from '@crossmodal/tensor';
import type { TrainingBus } from '../bus/training-bus.ts';
import type { RunConfig } from '../config/run-config.ts';
import type { Metric } from '../contracts/metric.ts';
import type { Model } from '../contracts/model.ts';
import type { CreateContext } from '../contracts/provider.ts';
import { splitSpec } from '../registry/provider-registry.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { CheckpointStore } from './checkpoint.ts';
import { Checkpointer } from './checkpointer.ts';
import { EarlyStopping } from './early-stopping.ts';
import { Evaluator } from './evaluator.ts';
import { LrSchedule, scheduleFromSpec } from './lr-schedule.ts';
import { MetricAggregator } from './metric-aggregator.ts';
import type { MetricMode } from './metric-monitor.ts';
import { createOptimizer } from './optimizers.ts';
import { generatorState, type Stateful } from './state.ts';
import { countSteps, Trainer } from './trainer.ts';

/** The training and evaluation loaders of a run. */
export interface RunLoaders {
  readonly train: DataLoader;
  readonly eval?: DataLoader;
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
}

/** Creates the datasets and their loaders (the training order is seeded by `config.seed`). */
export async function createLoaders(runtime: Runtime, config: RunConfig, backend: Backend, context: CreateContext): Promise<RunLoaders> {
  const { train, batchSize, shuffle, dropLast } = config.data;
  const { name, ...trainOptions } = train;
  const trainSet = await runtime.datasets.create(name, trainOptions, context, 'data.train');
  const trainLoader = new DataLoader(trainSet, { batchSize, shuffle, dropLast, seed: config.seed, backend });
  if (trainLoader.batchesPerEpoch === 0) {
    throw new RangeError(`data.train: dataset '${name}' has ${trainSet.size} examples, fewer than one batch of ${batchSize}${dropLast ? ' with dropLast' : ''}`);
  }
  const evalLoader = await createEvalLoader(runtime, config, backend, context);
  return evalLoader ? { train: trainLoader, eval: evalLoader } : { train: trainLoader };
}

/** The evaluation loader of `config.data.eval` (in order, every example), or undefined without one. */
export async function createEvalLoader(runtime: Runtime, config: RunConfig, backend: Backend, context: CreateContext): Promise<DataLoader | undefined> {
  const { eval: evalSplit, batchSize, evalBatchSize } = config.data;
  if (!evalSplit) return undefined;
  const { name, ...options } = evalSplit;
  const evalSet = await runtime.datasets.create(name, options, context, 'data.eval');
  return new DataLoader(evalSet, { batchSize: evalBatchSize ?? batchSize, backend });
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
  const known = metrics.find((m) => m.name === metric);
  return given ?? (known ? (known.higherIsBetter ? 'max' : 'min') : undefined);
};

/** Builds model, optimizer, evaluator, trainer and services on `bus`; everything is disposed if one fails. */
export function buildRun(runtime: Runtime, config: RunConfig, io: { loaders: RunLoaders; bus: TrainingBus; store: CheckpointStore; context: CreateContext; configHash: string }): RunParts {
  const { loaders, bus, store, context, configHash } = io;
  const model = runtime.models.build(config.model, context);
  try {
    const optimizer = createOptimizer(config.optimizer, model.namedParameters());
    const metrics = createMetrics(runtime, config, context);
    const evaluator = loaders.eval && metrics.length > 0
      ? new Evaluator({ model, loader: loaders.eval, metrics, split: config.data.eval?.split ?? 'eval', bus })
      : undefined;
    const { epochs, maxSteps, gradAccumulation, clipGradNorm, evalEvery } = config.train;
    const trainer = new Trainer({
      model, optimizer, loader: loaders.train, bus, epochs, gradAccumulation,
      ...(maxSteps !== undefined ? { maxSteps } : {}),
      ...(clipGradNorm !== undefined ? { clipGradNorm } : {}),
      ...(evaluator ? { evaluator } : {}),
      ...(evalEvery ? { evalEvery } : {}),
    });
    const schedule = new LrSchedule(bus, optimizer, scheduleFromSpec(config.schedule, runSteps(config, loaders)));
    const aggregator = new MetricAggregator(bus);
    const parts: Stateful[] = [trainer, schedule, generatorState, aggregator];
    const stopping = config.earlyStopping;
    if (stopping) {
      const mode = modeOf(stopping.metric, metrics, stopping.mode);
      parts.push(new EarlyStopping(bus, { ...stopping, ...(mode ? { mode } : {}) }));
    }
    const { keepBest, keepLast, everySteps, metric = metrics[0]?.name } = config.checkpoint;
    const mode = metric === undefined ? undefined : modeOf(metric, metrics, config.checkpoint.mode);
    const checkpointer = new Checkpointer({
      bus, store, model, optimizer, trainer, parts: [...parts], configHash,
      policy: { keepBest, keepLast, ...(metric !== undefined ? { metric } : {}), ...(mode ? { mode } : {}), ...(everySteps !== undefined ? { everySteps } : {}) },
    });
    return { model, optimizer, trainer, aggregator, checkpointer, parts: [...parts, checkpointer] };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
