// Training machinery: the Trainer and Evaluator, the services that subscribe to the bus (LR
// schedule, early stopping, checkpoints, metric aggregation), checkpoints as data, and pipelines.
// Node-only pieces (checkpoints on disk) are in `./node.ts`, re-exported by `@crossmodal/core/node`.
export { Trainer, countSteps, type EvalEvery, type TrainerOptions, type TrainOutcome } from './trainer.ts';
export { EMA_METRIC_PREFIX, Evaluator, type EvalAt, type EvaluatorEma, type EvaluatorOptions } from './evaluator.ts';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.ts';
export { LrSchedule, scheduleFromSpec, type ScheduleSpec } from './lr-schedule.ts';
export { Checkpointer, type CheckpointerOptions, type CheckpointPolicy } from './checkpointer.ts';
export { MetricAggregator, type EpochSummary } from './metric-aggregator.ts';
export { MetricMonitor, defaultMode, type MetricMode } from './metric-monitor.ts';
export {
  CHECKPOINT_FILES, CHECKPOINT_FORMAT, decodeCheckpoint, disposeCheckpoint, encodeCheckpoint, hashConfig, parseCheckpointMeta, restoreCheckpoint,
  type CheckpointData, type CheckpointEmaMeta, type CheckpointKind, type CheckpointMeta, type CheckpointStore, type RestoreTarget,
} from './checkpoint.ts';
export { MemoryCheckpointStore, memoryRunFiles } from './memory-checkpoint-store.ts';
export { generatorState, type JsonValue, type Stateful, type TrainPosition } from './state.ts';
export { createOptimizer, splitByDecay, type DecayRule, type OptimizerSpec } from './optimizers.ts';
export { createPipeline, type Pipeline, type PipelineOptions, type RunFiles, type RunResult } from './pipeline.ts';
export { evaluateCheckpoint, type EvaluateCheckpointOptions, type EvaluationResult } from './evaluate-checkpoint.ts';
