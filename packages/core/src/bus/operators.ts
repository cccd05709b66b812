// RxJS operators over a run's events: smoothed loss, throughput, metric series, progress with ETA
// and the run's lifetime; what loggers, progress bars and services compose instead of re-deriving.
import { asyncScheduler, filter, map, pipe, scan, takeWhile, type MonoTypeOperatorFunction, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { ofType, type TrainEvent } from './train-events.ts';

/**
 * Exponential moving average of the batch loss; the first value passes through unchanged.
 * @example
 * bus.events$.pipe(emaLoss(0.9)).subscribe((loss) => bar.update({ loss }));
 */
export const emaLoss = (beta: number): OperatorFunction<TrainEvent, number> => {
  if (!(beta >= 0 && beta < 1)) throw new RangeError(`emaLoss: beta must be in [0, 1), got ${beta}`);
  return pipe(
    ofType('batch-end'),
    map((e) => e.loss),
    scan((avg, loss) => beta * avg + (1 - beta) * loss),
  );
};

/**
 * Examples per second over the last `window` batch-end events: their examples over their time
 * (each step's time is batchSize / examplesPerSecond), so slow steps weigh what they cost.
 */
export const throughput = (window = 20): OperatorFunction<TrainEvent, number> => {
  if (!(Number.isInteger(window) && window > 0)) throw new RangeError(`throughput: window must be a positive integer, got ${window}`);
  return pipe(
    ofType('batch-end'),
    scan((recent: { examples: number; seconds: number }[], e) => {
      const seconds = e.examplesPerSecond > 0 ? e.batchSize / e.examplesPerSecond : 0;
      return [...recent, { examples: e.batchSize, seconds }].slice(-window);
    }, []),
    map((recent) => {
      const examples = recent.reduce((n, r) => n + r.examples, 0);
      const seconds = recent.reduce((n, r) => n + r.seconds, 0);
      return seconds > 0 ? examples / seconds : 0;
    }),
  );
};

/** One value of a metric, from an eval-end event. */
export interface MetricPoint {
  /** The epoch the evaluation ran in. */
  readonly epoch: number;
  /** Optimizer steps taken when it ran. */
  readonly step: number;
  /** The split evaluated (`test`, `val`…). */
  readonly split: string;
  /** The metric's value. */
  readonly value: number;
}

/**
 * The values of metric `name` over the run, one per eval-end that reports it (optionally of one split).
 * @example
 * events$.pipe(metricSeries('accuracy')).subscribe(({ step, value }) => plot(step, value));
 */
export const metricSeries = (name: string, split?: string): OperatorFunction<TrainEvent, MetricPoint> =>
  pipe(
    ofType('eval-end'),
    filter((e) => (split === undefined || e.split === split) && typeof e.metrics[name] === 'number'),
    map((e) => ({ epoch: e.epoch, step: e.step, split: e.split, value: e.metrics[name]! })),
  );

/** Where a run is, for progress bars. */
export interface RunProgress {
  /** The current epoch. */
  readonly epoch: number;
  /** Optimizer steps taken. */
  readonly step: number;
  /** Total optimizer steps of the run, when run-start said. */
  readonly totalSteps?: number;
  /** step / totalSteps, when known. */
  readonly fraction?: number;
  /** Milliseconds since run-start. */
  readonly elapsedMs: number;
  /** Estimated milliseconds left, from the pace of the steps taken since the run (re)started. */
  readonly etaMs?: number;
}

interface ProgressAcc {
  readonly start: number;
  readonly firstStep?: number;
  readonly totalSteps?: number;
  readonly epoch: number;
  readonly out?: RunProgress;
}

function advance(acc: ProgressAcc, e: TrainEvent, now: number): ProgressAcc {
  if (e.type === 'run-start') return { start: now, epoch: 0, ...(e.totalSteps !== undefined ? { totalSteps: e.totalSteps } : {}) };
  if (e.type === 'epoch-start') return { ...acc, epoch: e.epoch, firstStep: acc.firstStep ?? e.step, out: undefined };
  if (e.type !== 'batch-end') return { ...acc, out: undefined };
  const firstStep = acc.firstStep ?? e.step - 1;
  const elapsedMs = now - acc.start;
  const done = e.step - firstStep;
  const total = acc.totalSteps;
  const out: RunProgress = {
    epoch: e.epoch,
    step: e.step,
    elapsedMs,
    ...(total !== undefined ? { totalSteps: total, fraction: total > 0 ? Math.min(1, e.step / total) : 1 } : {}),
    ...(total !== undefined && done > 0 ? { etaMs: Math.max(0, ((total - e.step) * elapsedMs) / done) } : {}),
  };
  return { ...acc, firstStep, epoch: e.epoch, out };
}

/**
 * Progress at every batch-end: step, fraction of run-start's totalSteps, elapsed time and ETA.
 * Time comes from `scheduler.now()` (virtual in marble tests).
 */
export const progress = (scheduler: SchedulerLike = asyncScheduler): OperatorFunction<TrainEvent, RunProgress> =>
  pipe(
    scan((acc: ProgressAcc, e: TrainEvent) => advance(acc, e, scheduler.now()), { start: scheduler.now(), epoch: 0 }),
    filter((acc): acc is ProgressAcc & { out: RunProgress } => acc.out !== undefined),
    map((acc) => acc.out),
  );

/** Passes events up to and including run-end, then completes: a logger's subscription ends with its run. */
export const untilRunEnd = (): MonoTypeOperatorFunction<TrainEvent> => takeWhile((e) => e.type !== 'run-end', true);

/**
 * Passes every event except batch-end events whose step is not a multiple of `n` (the run config's
 * `train.logEvery`): what loggers see, while services keep seeing every step.
 */
export const everyNthStep = (n: number): MonoTypeOperatorFunction<TrainEvent> => {
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`everyNthStep: n must be a positive integer, got ${n}`);
  return filter((e) => e.type !== 'batch-end' || e.step % n === 0);
};
