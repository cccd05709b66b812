// Watching one metric for improvement (the best value so far, by mode and minimum delta): what
// early stopping and best-checkpoint keeping share.
import type { EventOf } from '../bus/train-events.ts';
import { isObject, type JsonValue } from './state.ts';

/** Whether smaller or larger values of a metric are better. */
export type MetricMode = 'min' | 'max';

/** The default mode of a metric by its name: `min` for losses and errors, `max` otherwise. */
export function defaultMode(metric: string): MetricMode {
  return /loss|error|perplexity/i.test(metric) ? 'min' : 'max';
}

/** Tracks the best value of one metric over eval-end events. */
export class MetricMonitor {
  #best: number | undefined;

  constructor(
    /** The metric's key in eval-end metrics (`accuracy`, `loss`…). */
    readonly metric: string,
    /** Whether smaller or larger is better (default by name, see {@link defaultMode}). */
    readonly mode: MetricMode = defaultMode(metric),
    /** How much better a value must be than the best to count as an improvement (default 0). */
    readonly minDelta = 0,
  ) {
    if (!(minDelta >= 0)) throw new RangeError(`MetricMonitor: minDelta must be >= 0, got ${minDelta}`);
  }

  /** The best value seen so far. */
  get best(): number | undefined {
    return this.#best;
  }

  /** The metric's value in an eval-end event (NaN included), or undefined when it does not report it. */
  valueIn(event: EventOf<'eval-end'>): number | undefined {
    const v = event.metrics[this.metric];
    return typeof v === 'number' ? v : undefined;
  }

  /** Records `value`; true when it beats the best by more than minDelta (the first value always does, NaN never). */
  observe(value: number): boolean {
    if (Number.isNaN(value)) return false;
    const best = this.#best;
    const improved = best === undefined || (this.mode === 'max' ? value > best + this.minDelta : value < best - this.minDelta);
    if (improved) this.#best = value;
    return improved;
  }

  /** The best value as JSON, with the metric and mode it is the best of. */
  state(): { best: number | null; metric: string; mode: MetricMode } {
    return { best: this.#best ?? null, metric: this.metric, mode: this.mode };
  }

  /**
   * Restores the best value. A best recorded for another metric or mode (the config changed between
   * runs) is not this monitor's: it starts afresh, and the returned message says why (undefined when
   * the value was taken). States from before metric and mode were recorded are taken as they are.
   */
  loadState(owner: string, state: JsonValue): string | undefined {
    const best = isObject(state) ? state['best'] : undefined;
    if (best !== null && typeof best !== 'number') throw new TypeError(`${owner}: checkpoint state field 'best' must be a number or null, got ${JSON.stringify(best)}`);
    const metric = isObject(state) ? state['metric'] : undefined;
    const mode = isObject(state) ? state['mode'] : undefined;
    if ((metric !== undefined && metric !== this.metric) || (mode !== undefined && mode !== this.mode)) {
      this.#best = undefined;
      return `${owner}: the checkpoint's best (${best}) is of ${String(metric ?? this.metric)} (${String(mode ?? this.mode)}), this run watches ${this.metric} (${this.mode}): starting afresh`;
    }
    this.#best = best ?? undefined;
    return undefined;
  }
}
