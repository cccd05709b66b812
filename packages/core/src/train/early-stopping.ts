// Early stopping as a bus subscriber: after `patience` evaluations without improvement of a metric
// it sends a stop command; the trainer obeys at the next step boundary.
import type { Subscription } from 'rxjs';
import { ofType } from '../bus/train-events.ts';
import type { TrainingBus } from '../bus/training-bus.ts';
import { MetricMonitor, type MetricMode } from './metric-monitor.ts';
import { isObject, numberField, type JsonValue, type Stateful } from './state.ts';

/** When to stop. */
export interface EarlyStoppingOptions {
  /** The metric watched, as eval-end reports it (`loss`, `accuracy`…). */
  readonly metric: string;
  /** Evaluations without improvement before stopping (a positive integer). */
  readonly patience: number;
  /** `min` or `max`; by default `min` for losses, `max` otherwise. */
  readonly mode?: MetricMode;
  /** How much better than the best a value must be to count (default 0). */
  readonly minDelta?: number;
  /** Only watch eval-end events of this split. */
  readonly split?: string;
}

/**
 * Sends `{ type: 'stop' }` on the bus after `patience` evaluations in a row without improvement.
 * @example
 * new EarlyStopping(bus, { metric: 'loss', patience: 3, minDelta: 1e-3 });
 */
export class EarlyStopping implements Stateful {
  /** Where its state goes in checkpoint.json. */
  readonly stateKey = 'earlyStopping';
  readonly #monitor: MetricMonitor;
  readonly #subscription: Subscription;
  #stale = 0;

  constructor(
    private readonly bus: TrainingBus,
    readonly options: EarlyStoppingOptions,
  ) {
    if (!(Number.isInteger(options.patience) && options.patience > 0)) {
      throw new RangeError(`EarlyStopping: patience must be a positive integer, got ${options.patience}`);
    }
    this.#monitor = new MetricMonitor(options.metric, options.mode, options.minDelta);
    this.#subscription = bus.events$.pipe(ofType('eval-end')).subscribe((e) => {
      const value = this.#monitor.valueIn(e);
      if (value === undefined || (options.split !== undefined && e.split !== options.split)) return;
      this.#stale = this.#monitor.observe(value) ? 0 : this.#stale + 1;
      // ≥: a run resumed past its patience (or with a smaller one) stops at its next evaluation too.
      if (this.#stale >= options.patience) this.#stop();
    });
  }

  /** Evaluations since the last improvement. */
  get staleEvaluations(): number {
    return this.#stale;
  }

  /** The best value seen. */
  get best(): number | undefined {
    return this.#monitor.best;
  }

  #stop(): void {
    const { metric, patience, minDelta = 0 } = this.options;
    const mode = this.#monitor.mode;
    this.bus.send({
      type: 'stop',
      reason: `early stopping: ${metric} did not ${mode === 'max' ? 'rise' : 'fall'} by more than ${minDelta} for ${patience} evaluation(s) (best ${this.#monitor.best})`,
    });
  }

  /** The best value and the count of evaluations without improvement. */
  state(): JsonValue {
    return { ...this.#monitor.state(), stale: this.#stale };
  }

  /** Restores a state from `state()`. */
  loadState(state: JsonValue): void {
    const discarded = this.#monitor.loadState('earlyStopping', state);
    this.#stale = discarded === undefined && isObject(state) ? numberField('earlyStopping', state, 'stale') : 0;
    if (discarded) this.bus.emit({ type: 'error', fatal: false, message: discarded });
  }

  /** Stops listening. */
  dispose(): void {
    this.#subscription.unsubscribe();
  }
}
