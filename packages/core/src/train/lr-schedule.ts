// LR scheduling as a bus subscriber: after every optimizer step (batch-end) the schedule writes
// the next step's lr; a set-lr command rebases it. Its state goes into checkpoints.
import { constantLR, cosineLR, linearDecay, linearWarmup, LRScheduler, stepLR, type BaseHyper, type Optimizer, type Schedule } from '@crossmodal/nn';
import type { Subscription } from 'rxjs';
import type { TrainingBus } from '../bus/training-bus.ts';
import { isObject, numberField, type JsonValue, type Stateful } from './state.ts';

/** A schedule as a run config names it; counted in optimizer steps. */
export interface ScheduleSpec {
  /**
   * The shape after warm-up: constant, cosine, step (×gamma every stepSize), linear. Cosine and linear
   * reach minLr at step `totalSteps`, one past the last step taken (Hugging Face's schedules), so the
   * last step's lr is just above minLr.
   */
  readonly name: 'constant' | 'cosine' | 'step' | 'linear';
  /** Linear warm-up from 0 over this many steps first (default 0). */
  readonly warmupSteps?: number;
  /** Steps between decays (`step`). */
  readonly stepSize?: number;
  /** Decay factor (`step`; default 0.1). */
  readonly gamma?: number;
  /** The floor of `cosine` and `linear` (default 0). */
  readonly minLr?: number;
}

/**
 * The schedule function a spec describes, for a run of `totalSteps` optimizer steps.
 * @example
 * scheduleFromSpec({ name: 'cosine', warmupSteps: 100 }, 1000)(100, 1e-3);   // 1e-3, the peak
 */
export function scheduleFromSpec(spec: ScheduleSpec | undefined, totalSteps: number): Schedule {
  const warmup = spec?.warmupSteps ?? 0;
  const rest = Math.max(1, totalSteps - warmup);
  const minLr = spec?.minLr ?? 0;
  let then: Schedule;
  switch (spec?.name ?? 'constant') {
    case 'constant':
      then = constantLR();
      break;
    case 'cosine':
      then = cosineLR({ total: rest, minLr });
      break;
    case 'linear':
      then = linearDecay({ total: rest, minLr });
      break;
    case 'step':
      if (spec?.stepSize === undefined) throw new RangeError(`schedule 'step': stepSize is required (steps between decays), got undefined`);
      then = stepLR({ stepSize: spec.stepSize, gamma: spec.gamma ?? 0.1 });
      break;
    default:
      throw new RangeError(`schedule: name must be one of constant, cosine, step, linear; got ${JSON.stringify(spec?.name)}`);
  }
  return warmup > 0 ? linearWarmup({ warmup, then }) : then;
}

/**
 * Sets the optimizer's lr from a schedule: at creation for step 0, then on every batch-end for the
 * next step. A set-lr command makes the new lr the schedule's base lr: the trainer calls `rebase`
 * (pass the schedule as the Trainer's `schedule`); an lr-changed from elsewhere rebases it too.
 * @example
 * const schedule = new LrSchedule(bus, optimizer, scheduleFromSpec({ name: 'cosine' }, totalSteps));
 */
export class LrSchedule implements Stateful {
  /** Where its state goes in checkpoint.json. */
  readonly stateKey = 'schedule';
  readonly #scheduler: LRScheduler;
  readonly #subscription: Subscription;

  constructor(bus: TrainingBus, optimizer: Optimizer<BaseHyper>, schedule: Schedule) {
    this.#scheduler = new LRScheduler(optimizer, schedule);
    this.#subscription = bus.events$.subscribe((e) => {
      if (e.type === 'batch-end') this.#scheduler.step();
      else if (e.type === 'lr-changed') this.rebase(e.baseLr ?? e.lr);
    });
  }

  /** The lr of each parameter group now. */
  get lr(): number[] {
    return this.#scheduler.lastLr;
  }

  /** Makes `lr` the base lr of every group and writes the lr the schedule gives it at the current step. */
  rebase(lr: number): void {
    const { step, baseLrs } = this.#scheduler.stateDict();
    this.#scheduler.loadStateDict({ step, baseLrs: baseLrs.map(() => lr) });
  }

  /** The scheduler's step count and base lrs. */
  state(): JsonValue {
    const { step, baseLrs } = this.#scheduler.stateDict();
    return { step, baseLrs: [...baseLrs] };
  }

  /** Restores a state from `state()` and writes the lr it implies. */
  loadState(state: JsonValue): void {
    const baseLrs = isObject(state) ? state['baseLrs'] : undefined;
    if (!Array.isArray(baseLrs) || !baseLrs.every((x) => typeof x === 'number')) {
      throw new TypeError(`schedule: checkpoint state field 'baseLrs' must be an array of numbers, got ${JSON.stringify(baseLrs)}`);
    }
    this.#scheduler.loadStateDict({ step: numberField('schedule', state, 'step'), baseLrs: baseLrs as number[] });
  }

  /** Stops listening (the bus completing does the same). */
  dispose(): void {
    this.#subscription.unsubscribe();
  }
}

