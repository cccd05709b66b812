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

  /** The metric's value in an eval-end event, or undefined when it does not report it. */
  valueIn(event: EventOf<'eval-end'>): number | undefined {
    const v = event.metrics[this.metric];
    return typeof v === 'number' && !Number.isNaN(v) ? v : undefined;
  }

  /** Records `value`; true when it beats the best by more than minDelta (the first value always does). */
  observe(value: number): boolean {
    const best = this.#best;
    const improved = best === undefined || (this.mode === 'max' ? value > best + this.minDelta : value < best - this.minDelta);
    if (improved) this.#best = value;
    return improved;
  }

  /** The best value as JSON. */
  state(): { best: number | null } {
    return { best: this.#best ?? null };
  }

  /** Restores the best value. */
  loadState(owner: string, state: JsonValue): void {
    const best = isObject(state) ? state['best'] : undefined;
    if (best !== null && typeof best !== 'number') throw new TypeError(`${owner}: checkpoint state field 'best' must be a number or null, got ${JSON.stringify(best)}`);
    this.#best = best ?? undefined;
  }
}
