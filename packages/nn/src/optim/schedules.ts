// Learning-rate schedules as pure functions of the step (or epoch) and the base lr, plus the
// LRScheduler that writes them into an optimizer's groups; its only state is the step count.
import type { BaseHyper, Optimizer } from './optimizer.ts';

/** A schedule: the lr at `step` (0-based) for a group whose initial lr is `baseLr`. */
export type Schedule = (step: number, baseLr: number) => number;

const positiveInt = (what: string, v: number): void => {
  if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`${what} must be a positive integer, got ${v}`);
};

const finite = (what: string, v: number, ok: (v: number) => boolean, expected: string): void => {
  if (!(typeof v === 'number' && Number.isFinite(v) && ok(v))) throw new RangeError(`${what} must be ${expected}, got ${String(v)}`);
};
const minLrOk = (what: string, minLr: number): void => finite(`${what}: minLr`, minLr, (v) => v >= 0, 'a finite number >= 0');

/** The base lr at every step. */
export const constantLR = (): Schedule => (_step, baseLr) => baseLr;

/**
 * Decays by `gamma` every `stepSize` steps (torch's StepLR): baseLr·γ^⌊step / stepSize⌋.
 * @example
 * stepLR({ stepSize: 5, gamma: 0.7 })(10, 1);   // 0.49: 0.7× every 5 epochs
 */
export function stepLR({ stepSize, gamma }: { stepSize: number; gamma: number }): Schedule {
  positiveInt('stepLR: stepSize', stepSize);
  finite('stepLR: gamma', gamma, (v) => v > 0, 'a finite number > 0');
  return (step, baseLr) => baseLr * gamma ** Math.floor(step / stepSize);
}

/**
 * Half a cosine from baseLr down to `minLr` over `total` steps, then `minLr` (torch's
 * CosineAnnealingLR without restarts): minLr + (baseLr − minLr)·(1 + cos(π·step/total))/2.
 */
export function cosineLR({ total, minLr = 0 }: { total: number; minLr?: number }): Schedule {
  positiveInt('cosineLR: total', total);
  minLrOk('cosineLR', minLr);
  return (step, baseLr) => minLr + ((baseLr - minLr) * (1 + Math.cos((Math.PI * Math.min(step, total)) / total))) / 2;
}

/** A straight line from baseLr down to `minLr` over `total` steps, then `minLr`. */
export function linearDecay({ total, minLr = 0 }: { total: number; minLr?: number }): Schedule {
  positiveInt('linearDecay: total', total);
  minLrOk('linearDecay', minLr);
  return (step, baseLr) => baseLr - ((baseLr - minLr) * Math.min(step, total)) / total;
}

/**
 * Linear warm-up from 0 to baseLr over `warmup` steps (lr = baseLr·step/warmup), then `then`
 * counted from the end of the warm-up. BERT's schedule (Hugging Face's
 * get_linear_schedule_with_warmup) is `linearWarmup({ warmup, then: linearDecay({ total: total - warmup }) })`.
 * @example
 * const bert = linearWarmup({ warmup: 100, then: linearDecay({ total: 900 }) });
 * bert(50, 1e-4);    // 5e-5
 * bert(550, 1e-4);   // 5e-5
 */
export function linearWarmup({ warmup, then = constantLR() }: { warmup: number; then?: Schedule }): Schedule {
  if (!(Number.isInteger(warmup) && warmup >= 0)) throw new RangeError(`linearWarmup: warmup must be an integer >= 0, got ${warmup}`);
  return (step, baseLr) => (step < warmup ? (baseLr * step) / warmup : then(step - warmup, baseLr));
}

/** What `LRScheduler.stateDict` returns: enough to resume the schedule exactly. */
export interface LRSchedulerState {
  /** Steps taken so far. */
  readonly step: number;
  /** Each group's lr when the scheduler was created. */
  readonly baseLrs: readonly number[];
}

/**
 * Applies a schedule to an optimizer: each group's lr becomes `schedule(step, baseLr)`. Created at
 * step 0 (it sets the step-0 lr at once, as torch's schedulers do); `step()` advances by one.
 * Call it per batch or per epoch, whichever the schedule counts.
 * @example
 * const sched = new LRScheduler(opt, stepLR({ stepSize: 5, gamma: 0.7 }));
 * for (let epoch = 0; epoch < 20; epoch++) { trainEpoch(); sched.step(); }
 */
export class LRScheduler {
  #step = 0;
  #baseLrs: number[];

  constructor(
    readonly optimizer: Optimizer<BaseHyper>,
    readonly schedule: Schedule,
  ) {
    this.#baseLrs = optimizer.paramGroups.map((g) => g.lr);
    this.apply(0, this.#baseLrs);
  }

  /** Steps taken so far. */
  get currentStep(): number {
    return this.#step;
  }

  /** The lr each group has now. */
  get lastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Advances one step (or epoch) and writes the new lrs (nothing changes when one is NaN or negative: it throws). */
  step(): void {
    this.apply(this.#step + 1, this.#baseLrs);
    this.#step++;
  }

  /** The state to checkpoint. */
  stateDict(): LRSchedulerState {
    return { step: this.#step, baseLrs: [...this.#baseLrs] };
  }

  /** Restores a checkpointed state and writes the lrs it implies. */
  loadStateDict(state: LRSchedulerState): void {
    if (state.baseLrs.length !== this.optimizer.paramGroups.length) {
      throw new Error(`LRScheduler.loadStateDict: ${state.baseLrs.length} base lrs for ${this.optimizer.paramGroups.length} parameter groups`);
    }
    this.apply(state.step, state.baseLrs);
    this.#step = state.step;
    this.#baseLrs = [...state.baseLrs];
  }

  /** Writes every group's lr at `step`, after checking them all: a NaN or negative lr changes nothing and throws. */
  private apply(step: number, baseLrs: readonly number[]): void {
    const lrs = baseLrs.map((base, i) => {
      const lr = this.schedule(step, base);
      if (!(typeof lr === 'number' && Number.isFinite(lr) && lr >= 0)) {
        throw new RangeError(`LRScheduler: the schedule gave lr ${String(lr)} at step ${step} for group ${i} (base lr ${base}), expected a finite number >= 0`);
      }
      return lr;
    });
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i]!;
    });
  }
}
