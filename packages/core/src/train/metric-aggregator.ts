// Metric aggregation as a bus subscriber: the mean training loss per epoch, the latest evaluation
// and the best value of every evaluated metric, summarised for run-end and reports.
import type { Subscription } from 'rxjs';
import type { TrainEvent } from '../bus/train-events.ts';
import type { TrainingBus } from '../bus/training-bus.ts';
import { defaultMode, type MetricMode } from './metric-monitor.ts';
import { isObject, type JsonValue, type Stateful } from './state.ts';

/** One epoch's summary. */
export interface EpochSummary {
  readonly epoch: number;
  /** Mean batch-end loss over the epoch's steps. */
  readonly trainLoss: number;
  /** The last evaluation's metrics in that epoch, if any. */
  readonly eval?: Readonly<Record<string, number>>;
}

interface Totals {
  sum: number;
  count: number;
}

/**
 * Collects a run's metrics from its events.
 * @example
 * const metrics = new MetricAggregator(bus);
 * // after the run:
 * metrics.summary();   // { 'train-loss': 0.31, accuracy: 0.93, 'best-accuracy': 0.95 }
 */
export class MetricAggregator implements Stateful {
  /** Where its state goes in checkpoint.json. */
  readonly stateKey = 'metrics';
  readonly #subscription: Subscription;
  #epoch: Totals = { sum: 0, count: 0 };
  #lastEpochLoss: number | undefined;
  #latest: Record<string, number> = {};
  /** The last evaluation of the current epoch (none yet: undefined). */
  #epochEval: Record<string, number> | undefined;
  #best: Record<string, number> = {};
  readonly #history: EpochSummary[] = [];

  /**
   * @param modes whether each metric is better larger (`max`) or smaller (`min`), by its eval-end key
   * (a run passes its metrics' higherIsBetter); a metric not in it goes by its name (see defaultMode).
   */
  constructor(bus: TrainingBus, private readonly modes: Readonly<Record<string, MetricMode>> = {}) {
    this.#subscription = bus.events$.subscribe((e) => this.#on(e));
  }

  #on(e: TrainEvent): void {
    if (e.type === 'batch-end') {
      this.#epoch.sum += e.loss;
      this.#epoch.count += 1;
    } else if (e.type === 'eval-end') {
      this.#latest = { ...e.metrics };
      this.#epochEval = this.#latest;
      for (const [name, value] of Object.entries(e.metrics)) {
        if (Number.isNaN(value)) continue; // never a best, and never in the way of a later one
        const best = this.#best[name];
        const better = best === undefined || ((this.modes[name] ?? defaultMode(name)) === 'max' ? value > best : value < best);
        if (better) this.#best[name] = value;
      }
    } else if (e.type === 'epoch-end') {
      this.#lastEpochLoss = this.#epoch.count > 0 ? this.#epoch.sum / this.#epoch.count : undefined;
      this.#history.push({ epoch: e.epoch, trainLoss: this.#lastEpochLoss ?? Number.NaN, ...(this.#epochEval ? { eval: this.#epochEval } : {}) });
      this.#epoch = { sum: 0, count: 0 };
      this.#epochEval = undefined;
    }
  }

  /** Epoch summaries seen by this aggregator (since the run or its resumption started). */
  get history(): readonly EpochSummary[] {
    return this.#history;
  }

  /**
   * `train-loss` (mean over the current epoch, or the last finished one), the latest evaluation's
   * metrics under their names, and `best-<name>` for each.
   */
  summary(): Record<string, number> {
    const current = this.#epoch.count > 0 ? this.#epoch.sum / this.#epoch.count : this.#lastEpochLoss;
    const best = Object.fromEntries(Object.entries(this.#best).map(([k, v]) => [`best-${k}`, v]));
    return { ...(current !== undefined ? { 'train-loss': current } : {}), ...this.#latest, ...best };
  }

  /** Running sums and the latest and best metrics. */
  state(): JsonValue {
    return { sum: this.#epoch.sum, count: this.#epoch.count, lastEpochLoss: this.#lastEpochLoss ?? null, latest: this.#latest, best: this.#best };
  }

  /** Restores a state from `state()`. */
  loadState(state: JsonValue): void {
    if (!isObject(state)) throw new TypeError(`metrics: checkpoint state must be an object, got ${JSON.stringify(state)}`);
    const numbers = (v: JsonValue | undefined): Record<string, number> =>
      isObject(v ?? null) ? Object.fromEntries(Object.entries(v as Record<string, JsonValue>).filter((kv): kv is [string, number] => typeof kv[1] === 'number')) : {};
    this.#epoch = { sum: Number(state['sum'] ?? 0), count: Number(state['count'] ?? 0) };
    this.#lastEpochLoss = typeof state['lastEpochLoss'] === 'number' ? state['lastEpochLoss'] : undefined;
    this.#latest = numbers(state['latest']);
    this.#best = numbers(state['best']);
  }

  /** Stops listening. */
  dispose(): void {
    this.#subscription.unsubscribe();
  }
}
