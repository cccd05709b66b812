// Checkpointing as a bus subscriber: `best` on an eval-end that improves the watched metric, `last`
// at each epoch's end (and every N steps), `interrupt` when the run obeyed a stop. Each save holds
// the run at its next step boundary (bus.hold) so the state it reads stays put.
import type { BaseHyper, ModelEma, Module, Optimizer } from '@crossmodal/nn';
import type { Subscription } from 'rxjs';
import type { EventOf, TrainEvent } from '../bus/train-events.ts';
import type { TrainingBus } from '../bus/training-bus.ts';
import { CHECKPOINT_FORMAT, type CheckpointKind, type CheckpointStore } from './checkpoint.ts';
import { MetricMonitor, type MetricMode } from './metric-monitor.ts';
import type { JsonValue, Stateful, TrainPosition } from './state.ts';

/** When to write which checkpoint (the run config's `checkpoint` section). */
export interface CheckpointPolicy {
  /** Keep `best` by `metric` (default true when a metric is given). */
  readonly keepBest?: boolean;
  /** Keep `last`, rewritten at every epoch's end and every `everySteps` steps (default true). */
  readonly keepLast?: boolean;
  /** The eval-end metric that decides `best` (`accuracy`, `loss`…). */
  readonly metric?: string;
  /** Whether `metric` is better smaller or larger (default by name: `min` for losses). */
  readonly mode?: MetricMode;
  /** Also write `last` every N optimizer steps. */
  readonly everySteps?: number;
}

/** What a Checkpointer saves. */
export interface CheckpointerOptions {
  readonly bus: TrainingBus;
  readonly store: CheckpointStore;
  readonly model: Module;
  readonly optimizer: Optimizer<BaseHyper>;
  /** The position source (the Trainer). */
  readonly trainer: { readonly position: TrainPosition };
  /** Every part whose state a resumed run needs (the trainer, the schedule, the generator…); the Checkpointer adds itself. */
  readonly parts: readonly Stateful[];
  readonly policy?: CheckpointPolicy;
  /** The run config's hash, recorded in checkpoint.json. */
  readonly configHash?: string;
  /** The weight average, saved as ema.safetensors beside the weights. */
  readonly ema?: ModelEma;
}

/**
 * Writes checkpoints in reaction to events and emits checkpoint-saved {path, kind} once each is
 * on disk. An interrupt checkpoint is written on every stop, whatever the policy, so a stopped
 * run (Ctrl-C) can always be resumed.
 */
export class Checkpointer implements Stateful {
  /** Where its state goes in checkpoint.json. */
  readonly stateKey = 'checkpointer';
  readonly #best: MetricMonitor | undefined;
  readonly #subscription: Subscription;
  #lastSavedStep = -1;

  constructor(readonly options: CheckpointerOptions) {
    const { policy = {} } = options;
    if (policy.everySteps !== undefined && !(Number.isInteger(policy.everySteps) && policy.everySteps > 0)) {
      throw new RangeError(`Checkpointer: everySteps must be a positive integer, got ${policy.everySteps}`);
    }
    this.#best = policy.metric !== undefined && policy.keepBest !== false ? new MetricMonitor(policy.metric, policy.mode) : undefined;
    this.#subscription = options.bus.events$.subscribe((e) => this.#on(e));
  }

  #on(e: TrainEvent): void {
    const { keepLast = true, everySteps } = this.options.policy ?? {};
    if (e.type === 'eval-end') this.#onEval(e);
    else if (e.type === 'batch-end' && keepLast && everySteps !== undefined && e.step % everySteps === 0) this.#hold('last');
    else if (e.type === 'epoch-end' && keepLast && this.#lastSavedStep !== e.step) this.#hold('last');
    else if (e.type === 'train-end') {
      if (e.status === 'stopped') this.#hold('interrupt');
      else if (keepLast && this.#lastSavedStep !== e.step) this.#hold('last');
    }
  }

  #onEval(e: EventOf<'eval-end'>): void {
    const value = this.#best?.valueIn(e);
    if (value !== undefined && this.#best!.observe(value)) this.#hold('best', e.metrics);
  }

  #hold(kind: CheckpointKind, metrics?: Readonly<Record<string, number>>): void {
    if (kind !== 'best') this.#lastSavedStep = this.options.trainer.position.step;
    this.options.bus.hold(this.save(kind, metrics));
  }

  /**
   * Captures the state now (synchronously: position, parts, optimizer) and writes it; emits
   * checkpoint-saved and resolves to its location. The caller must keep the model and optimizer
   * unchanged until it resolves (the trainer does, through bus.hold).
   */
  async save(kind: CheckpointKind, metrics?: Readonly<Record<string, number>>): Promise<string> {
    const { model, optimizer, trainer, parts, configHash, store, bus, ema } = this.options;
    const { epoch, step, batchInEpoch } = trainer.position;
    const sd = optimizer.stateDict();
    const state: Record<string, JsonValue> = {};
    for (const part of [...parts, this]) state[part.stateKey] = part.state();
    const path = await store.save(kind, {
      model: model.stateDict(),
      optimizer: sd,
      ...(ema ? { ema: ema.stateDict() } : {}),
      meta: {
        format: CHECKPOINT_FORMAT, version: 1, kind, epoch, step, batchInEpoch,
        ...(configHash !== undefined ? { configHash } : {}),
        savedAt: new Date().toISOString(),
        ...(metrics ? { metrics } : {}),
        optimizer: sd.meta,
        state,
        ...(ema ? { ema: { decay: ema.decay, updates: ema.updates } } : {}),
      },
    });
    bus.emit({ type: 'checkpoint-saved', epoch, step, path, kind });
    return path;
  }

  /** The best value of the watched metric so far. */
  state(): JsonValue {
    return this.#best?.state() ?? null;
  }

  /** Restores the best value, so a resumed run does not overwrite `best` with a worse one. */
  loadState(state: JsonValue): void {
    const discarded = state === null ? undefined : this.#best?.loadState('checkpointer', state);
    if (discarded) this.options.bus.emit({ type: 'error', fatal: false, message: discarded });
  }

  /** Stops listening. */
  dispose(): void {
    this.#subscription.unsubscribe();
  }
}
