// The line `crossmodal train` ends with: the final evaluation's accuracy, the backend, how long the
// run took and how fast it trained (images/s over the training steps alone, evaluation excluded),
// read off the run's event stream.
import type { TrainEvent } from '@crossmodal/core';

/** What a run's events say about its outcome and speed. */
export interface RunSummary {
  readonly backend?: string;
  /** The last eval-end's split and metrics. */
  readonly split?: string;
  readonly metrics?: Readonly<Record<string, number>>;
  /** Examples trained on (sum of batch sizes). */
  readonly examples: number;
  /** Seconds spent in training steps: epoch-start (or the previous eval-end) to each batch-end. */
  readonly trainSeconds: number;
  /** Seconds from run-start to run-end. */
  readonly wallSeconds: number;
  /** The step this process started from: > 0 for a resumed run, whose figures then cover this process only. */
  readonly startStep?: number;
}

/** Collects a {@link RunSummary} from events; `now` in milliseconds (injectable for tests). */
export class RunSummaryCollector {
  #backend: string | undefined;
  #split: string | undefined;
  #metrics: Readonly<Record<string, number>> | undefined;
  #examples = 0;
  #trainMs = 0;
  #segmentStart: number | undefined;
  #runStart: number | undefined;
  #runEnd: number | undefined;
  #startStep: number | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  observe(e: TrainEvent): void {
    const t = this.now();
    switch (e.type) {
      case 'run-start':
        this.#backend = e.backend;
        this.#runStart = t;
        return;
      case 'epoch-start':
        this.#segmentStart = t;
        return;
      case 'restored':
        this.#startStep = e.step;
        return;
      case 'batch-end':
        this.#startStep ??= e.step - 1;
        this.#examples += e.batchSize;
        if (this.#segmentStart !== undefined) this.#trainMs += t - this.#segmentStart;
        this.#segmentStart = t;
        return;
      case 'eval-end':
        this.#split = e.split;
        this.#metrics = e.metrics;
        // The evaluation's time is not training time: the next step is timed from its end (an
        // evaluation every N steps is followed by no epoch-start).
        this.#segmentStart = t;
        return;
      case 'paused':
        // Neither is a pause: the time up to it counts, the pause does not.
        if (this.#segmentStart !== undefined) this.#trainMs += t - this.#segmentStart;
        this.#segmentStart = undefined;
        return;
      case 'resumed':
        this.#segmentStart = t;
        return;
      case 'run-end':
        this.#runEnd = t;
        return;
      default:
        return;
    }
  }

  summary(): RunSummary {
    const wall = this.#runStart === undefined ? 0 : ((this.#runEnd ?? this.now()) - this.#runStart) / 1000;
    return {
      ...(this.#backend === undefined ? {} : { backend: this.#backend }),
      ...(this.#split === undefined ? {} : { split: this.#split, metrics: this.#metrics! }),
      examples: this.#examples,
      trainSeconds: this.#trainMs / 1000,
      wallSeconds: wall,
      ...(this.#startStep ? { startStep: this.#startStep } : {}),
    };
  }
}

/** m:ss, or h:mm:ss from an hour on. */
export const clock = (seconds: number): string => {
  const s = Math.round(seconds);
  const mmss = `${String(Math.floor(s / 60) % 60).padStart(s >= 3600 ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mmss}` : mmss;
};

/**
 * `test accuracy 86.51% on backend native: 120,000 training images in 4:57 (404 images/s training, 4:32 of it)`;
 * without an accuracy metric, the last evaluation's metrics; undefined when the run trained on nothing.
 */
export function formatRunSummary(s: RunSummary): string | undefined {
  if (s.examples === 0) return undefined;
  const accuracy = s.metrics?.['accuracy'];
  const result =
    accuracy !== undefined
      ? `${s.split} accuracy ${(accuracy * 100).toFixed(2)}%`
      : s.metrics !== undefined
        ? `${s.split} ${Object.entries(s.metrics).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')}`
        : 'no evaluation';
  const rate = s.trainSeconds > 0 ? `, ${Math.round(s.examples / s.trainSeconds)} images/s over ${clock(s.trainSeconds)} of training steps` : '';
  const resumed = s.startStep ? ` (resumed at step ${s.startStep.toLocaleString('en-US')}: images and times are this process's)` : '';
  return `${result} on backend ${s.backend ?? '?'}: ${s.examples.toLocaleString('en-US')} training images in ${clock(s.wallSeconds)}${rate}${resumed}`;
}
