// ModelEma: an exponential moving average of a model's weights (Polyak averaging), kept beside the
// model and swapped in for evaluation; the decay rule and its warm-up follow timm's ModelEmaV3.
import { fmt, keep, noGrad, Tensor, tidy } from '@crossmodal/tensor';
import type { Module } from './module.ts';
import { loadStateDictInto, StateDictError, type LoadStateDictOptions, type LoadStateDictResult } from './state-dict.ts';

/** Options of `new ModelEma`. */
export interface ModelEmaOptions {
  /** The decay the average settles at (default 0.9998, timm's `--model-ema-decay`); in [0, 1]. */
  decay?: number;
  /**
   * Ramp the decay up as `1 - (1 + t/warmupGamma)^-warmupPower` (default true), so the average is
   * not dominated by the random initial weights; false: the full decay from the second update on.
   */
  warmup?: boolean;
  /** γ of the warm-up (default 1, > 0). */
  warmupGamma?: number;
  /** The power of the warm-up (default 3/4: 0.999 after 10k steps, 0.9998 after ~85k; > 0). */
  warmupPower?: number;
  /** Optimizer steps before averaging starts: until then the average just copies the weights (default 0). */
  startStep?: number;
}

/** A tracked tensor: its first name in the model's state dict, the live tensor and its average. */
interface Slot {
  readonly name: string;
  readonly live: Tensor;
  readonly shadow: Tensor;
}

const describe = (t: Tensor): string => `${fmt(t.shape)} ${t.dtype}`;
const checkFraction = (what: string, v: number): void => {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`ModelEma: ${what} must be a number in [0, 1], got ${v}`);
};
const checkPositive = (what: string, v: number): void => {
  if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`ModelEma: ${what} must be a finite number > 0, got ${v}`);
};

/**
 * The moving average of every float32 parameter and buffer of a model (integer buffers such as
 * position ids do not change, so they are not averaged). The averages live on the model's backend
 * and are kept out of every `tidy` scope; `dispose()` frees them. After each optimizer step call
 * `update(step)`; evaluate the average with `withEmaWeights(fn)`, which puts it into the model and
 * restores the trained weights exactly (the same storages) afterwards.
 * @example
 * const ema = new ModelEma(model, { decay: 0.9998 });
 * optimizer.step();
 * ema.update(++step);
 * const acc = await ema.withEmaWeights(() => evaluate(model));
 */
export class ModelEma {
  readonly decay: number;
  readonly warmup: boolean;
  readonly warmupGamma: number;
  readonly warmupPower: number;
  readonly startStep: number;
  readonly #model: Module;
  readonly #slots: Slot[] = [];
  /** The trained weights while the average is swapped in. */
  #saved: Tensor[] | undefined;
  #updates = 0;
  #disposed = false;

  constructor(model: Module, options: ModelEmaOptions = {}) {
    const { decay = 0.9998, warmup = true, warmupGamma = 1, warmupPower = 3 / 4, startStep = 0 } = options;
    checkFraction('decay', decay);
    checkPositive('warmupGamma', warmupGamma);
    checkPositive('warmupPower', warmupPower);
    if (!(Number.isInteger(startStep) && startStep >= 0)) throw new RangeError(`ModelEma: startStep must be an integer ≥ 0, got ${startStep}`);
    this.decay = decay;
    this.warmup = warmup;
    this.warmupGamma = warmupGamma;
    this.warmupPower = warmupPower;
    this.startStep = startStep;
    this.#model = model;
    const seen = new Set<Tensor>();
    for (const [name, live] of [...model.namedParameters(), ...model.namedBuffers()]) {
      if (live.dtype !== 'float32' || seen.has(live)) continue;
      seen.add(live);
      // Sharing the storage is a copy in effect: storages are never written in place.
      this.#slots.push({ name, live, shadow: keep(new Tensor(live)) });
    }
    if (this.#slots.length === 0) throw new Error(`ModelEma: ${model.constructor.name} has no float32 parameters or buffers to average`);
  }

  /** Calls of `update` since construction or `reset()`; a resumed run sets it from its checkpoint. */
  get updates(): number {
    return this.#updates;
  }
  set updates(n: number) {
    if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`ModelEma: updates must be an integer ≥ 0, got ${n}`);
    this.#updates = n;
  }

  /** True while `swapIn` has put the average into the model. */
  get swappedIn(): boolean {
    return this.#saved !== undefined;
  }

  /** The names of the averaged tensors, in the model's order (a tied parameter once). */
  get names(): string[] {
    return this.#slots.map((s) => s.name);
  }

  /**
   * The decay used by `update(step)`, timm's rule: with t = step − startStep − 1, 0 while t ≤ 0
   * (the average copies the weights), then `min(decay, 1 − (1 + t/γ)^−power)` with warm-up, else
   * `decay`.
   */
  decayAt(step: number): number {
    const t = Math.max(0, step - this.startStep - 1);
    if (t <= 0) return 0;
    if (!this.warmup) return this.decay;
    return Math.max(0, Math.min(this.decay, 1 - (1 + t / this.warmupGamma) ** -this.warmupPower));
  }

  /**
   * Moves the average towards the model's current weights: `ema ← ema + (1 − d)(w − ema)` with
   * d = `decayAt(step)`; `step` is the number of optimizer steps taken (1 after the first).
   * Returns d. Leaves no tensor behind but the new averages.
   */
  update(step: number): number {
    this.#check('update');
    if (!Number.isInteger(step) || step < 0) throw new RangeError(`ModelEma.update: step must be an integer ≥ 0, got ${step}`);
    if (this.#saved) throw new Error('ModelEma.update: the average is swapped into the model; swapOut() first, or the average would be averaged with itself');
    const d = this.decayAt(step);
    noGrad(() =>
      tidy(() => {
        for (const { live, shadow } of this.#slots) {
          // d = 0 copies exactly (s + (w − s) need not round back to w in float32).
          if (d === 0) shadow.assign(live);
          else if (d < 1) shadow.assign(shadow.add(live.sub(shadow).mul(1 - d)));
        }
      }),
    );
    this.#updates++;
    return d;
  }

  /** Sets the average to the model's current weights (a fresh start, as at construction). */
  reset(): void {
    this.#check('reset');
    if (this.#saved) throw new Error('ModelEma.reset: the average is swapped into the model; swapOut() first');
    for (const { live, shadow } of this.#slots) shadow.assign(live);
    this.#updates = 0;
  }

  /**
   * Puts the average into the model (the model's tensors stay the same objects, as with
   * `loadStateDict`) and keeps the trained weights for `swapOut`. No data is copied.
   */
  swapIn(): void {
    this.#check('swapIn');
    if (this.#saved) throw new Error('ModelEma.swapIn: the average is already swapped in');
    this.#saved = this.#slots.map(({ live, shadow }) => {
      const trained = keep(new Tensor(live));
      live.assign(shadow);
      return trained;
    });
  }

  /** Puts the trained weights back: bit for bit what the model held before `swapIn`. */
  swapOut(): void {
    this.#check('swapOut');
    const saved = this.#saved;
    if (!saved) throw new Error('ModelEma.swapOut: the average is not swapped in');
    this.#slots.forEach(({ live }, i) => {
      live.assign(saved[i]!);
      saved[i]!.dispose();
    });
    this.#saved = undefined;
  }

  /** Runs `fn` with the average in the model and the trained weights restored afterwards, also when it throws. */
  async withEmaWeights<T>(fn: () => T | Promise<T>): Promise<T> {
    this.swapIn();
    try {
      return await fn();
    } finally {
      this.swapOut();
    }
  }

  /**
   * The averaged weights laid out as the model's own `stateDict()`: every key of it, with the
   * average for float32 entries (a tied parameter under each of its names) and the live tensor
   * for the others. It can stand in for a model state dict (a checkpoint's weights). Live tensors:
   * read or save them, do not dispose them.
   */
  stateDict(): Record<string, Tensor> {
    this.#check('stateDict');
    const byLive = new Map(this.#slots.map((s) => [s.live, s.shadow]));
    const out: Record<string, Tensor> = {};
    for (const [key, t] of Object.entries(this.#liveStateDict())) out[key] = byLive.get(t) ?? t;
    return out;
  }

  /**
   * Copies averages from `sd` (laid out as `stateDict()`): every averaged tensor must be there
   * with its shape, under any of its names; the model's other keys (integer buffers) are ignored, keys the model does not have are errors unless `{ strict: false }`. The averages stay
   * the same objects; nothing is written unless the whole dict is accepted.
   */
  loadStateDict(sd: Readonly<Record<string, Tensor>>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    this.#check('loadStateDict');
    if (this.#saved) throw new Error('ModelEma.loadStateDict: the average is swapped into the model; swapOut() first');
    const live = this.#liveStateDict();
    const unexpected = Object.keys(sd).filter((k) => !(k in live));
    const own = Object.fromEntries(this.#slots.map((s) => [s.name, s.shadow]));
    // A tied tensor's value may come under any of its names; its first name wins.
    const averaged: Record<string, Tensor> = {};
    for (const slot of this.#slots) {
      const key = [slot.name, ...Object.keys(live).filter((k) => live[k] === slot.live)].find((k) => sd[k] !== undefined);
      if (key !== undefined) averaged[slot.name] = sd[key]!;
    }
    const what = `ModelEma of ${this.#model.constructor.name}`;
    if (options.strict !== false && unexpected.length) {
      // One error with every problem, as loadStateDictInto gives when the keys are not the issue.
      // Missing after resolving aliases: a tied tensor given under its other name is not missing.
      const missing = this.#slots.map((s) => s.name).filter((k) => !(k in averaged));
      const misShaped = Object.entries(averaged)
        .filter(([k, v]) => v.isDisposed || describe(v) !== describe(own[k]!))
        .map(([key, v]) => ({ key, expected: describe(own[key]!), got: v.isDisposed ? 'a disposed tensor' : describe(v) }));
      throw new StateDictError(what, missing, unexpected, misShaped);
    }
    const result = loadStateDictInto(what, own, averaged, options);
    return { missing: result.missing, unexpected };
  }

  /** Frees the averages (putting the trained weights back first if the average is swapped in). Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    if (this.#saved) this.swapOut();
    for (const { shadow } of this.#slots) shadow.dispose();
    this.#disposed = true;
  }

  #liveStateDict(): Record<string, Tensor> {
    return this.#model.stateDict();
  }

  #check(what: string): void {
    if (this.#disposed) throw new Error(`ModelEma.${what}: the average was disposed`);
    for (const { name, live } of this.#slots) {
      if (live.isDisposed) throw new Error(`ModelEma.${what}: the model's ${name} ${fmt(live.shape)} was disposed; the average follows a live model`);
    }
  }
}
