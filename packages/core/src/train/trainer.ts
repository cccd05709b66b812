// The training loop: epochs of micro-batches, gradient accumulation, clipping, optimizer steps and
// evaluations. It emits events and obeys commands at step boundaries; checkpoints, schedules, early
// stopping and logging are subscribers of the bus, not branches in here.
import { clipGradNormAsync, type BaseHyper, type ModelEma, type Optimizer } from '@crossmodal/nn';
import { DataLoader, disposeBatch } from '@crossmodal/data';
import { fmt, tidy } from '@crossmodal/tensor';
import type { TrainingBus } from '../bus/training-bus.ts';
import type { Batch } from '../contracts/batch.ts';
import type { Model } from '../contracts/model.ts';
import type { Evaluator } from './evaluator.ts';
import { RunControl } from './run-control.ts';
import { numberField, type JsonValue, type Stateful, type TrainPosition } from './state.ts';

/** How often to evaluate; with neither field, once per epoch. */
export interface EvalEvery {
  /** Every N epochs (at the epoch's end). */
  readonly epochs?: number;
  /** Every N optimizer steps. */
  readonly steps?: number;
}

/** What a Trainer needs. */
export interface TrainerOptions {
  /** The model; `forward(batch).loss` must be a scalar. */
  readonly model: Model;
  /** Steps the model's parameters. */
  readonly optimizer: Optimizer<BaseHyper>;
  /** The training batches. */
  readonly loader: DataLoader;
  /** Where events go and commands come from. */
  readonly bus: TrainingBus;
  /** Epochs to train. */
  readonly epochs: number;
  /** Stop after this many optimizer steps, even mid-epoch. */
  readonly maxSteps?: number;
  /** Micro-batches per optimizer step (default 1); the loss is averaged over them. */
  readonly gradAccumulation?: number;
  /** Clip the global gradient 2-norm to this before each step. */
  readonly clipGradNorm?: number;
  /** A moving average of the model's weights, updated after every optimizer step. */
  readonly ema?: ModelEma;
  /** Evaluates the model; absent means no evaluation. */
  readonly evaluator?: Evaluator;
  /** When to evaluate (default: every epoch). */
  readonly evalEvery?: EvalEvery;
  /** Milliseconds clock for throughput (default `performance.now`). */
  readonly now?: () => number;
  /** The lr schedule, which a set-lr command rebases (the lr-changed event then carries the lr it applied). */
  readonly schedule?: { rebase(lr: number): void };
}

/** How a training loop ended. */
export interface TrainOutcome {
  readonly status: 'completed' | 'stopped';
  readonly epoch: number;
  readonly step: number;
  /** The stop command's reason, when stopped. */
  readonly reason?: string;
  /** The last evaluation's metrics, when there was one. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/**
 * Optimizer steps of a run: ⌈batchesPerEpoch / gradAccumulation⌉ per epoch (a last, shorter
 * accumulation group still steps), times epochs, capped by maxSteps.
 */
export function countSteps(batchesPerEpoch: number, epochs: number, gradAccumulation = 1, maxSteps?: number): number {
  const total = Math.ceil(batchesPerEpoch / gradAccumulation) * epochs;
  return maxSteps === undefined ? total : Math.min(total, maxSteps);
}

const positiveInt = (what: string, v: number | undefined): void => {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new RangeError(`Trainer: ${what} must be a positive integer, got ${v}`);
};
const batchSizeOf = (batch: Batch): number => Object.values(batch)[0]?.shape[0] ?? 0;

/**
 * Trains a model. Its position (epoch, step, batch within the epoch) is Stateful, so a checkpoint
 * restores it and `run()` continues from there.
 * @example
 * const trainer = new Trainer({ model, optimizer, loader, bus, epochs: 3 });
 * const { status, step } = await trainer.run();
 */
export class Trainer implements Stateful {
  /** Where its state goes in checkpoint.json. */
  readonly stateKey = 'trainer';
  #pos: TrainPosition = { epoch: 0, step: 0, batchInEpoch: 0 };
  #lastEvalStep = -1;
  #metrics: Readonly<Record<string, number>> | undefined;
  readonly #accumulation: number;
  readonly #now: () => number;
  readonly #control: RunControl;

  constructor(readonly options: TrainerOptions) {
    positiveInt('epochs', options.epochs);
    positiveInt('maxSteps', options.maxSteps);
    positiveInt('gradAccumulation', options.gradAccumulation);
    positiveInt('evalEvery.epochs', options.evalEvery?.epochs);
    positiveInt('evalEvery.steps', options.evalEvery?.steps);
    if (options.clipGradNorm !== undefined && !(options.clipGradNorm > 0)) throw new RangeError(`Trainer: clipGradNorm must be > 0, got ${options.clipGradNorm}`);
    this.#accumulation = options.gradAccumulation ?? 1;
    this.#now = options.now ?? (() => performance.now());
    // Listening from construction: commands sent before run() (a stop during setup) are kept.
    this.#control = new RunControl(options.bus, options.optimizer, options.schedule);
  }

  /** Where the run is. */
  get position(): TrainPosition {
    return this.#pos;
  }

  /** Optimizer steps the whole run takes (see {@link countSteps}). */
  get totalSteps(): number {
    const { loader, epochs, maxSteps } = this.options;
    return countSteps(loader.batchesPerEpoch, epochs, this.#accumulation, maxSteps);
  }

  /** The position and the last evaluated step, for checkpoints. */
  state(): JsonValue {
    return { ...this.#pos, lastEvalStep: this.#lastEvalStep };
  }

  /** Restores a position saved by `state()`. */
  loadState(state: JsonValue): void {
    const field = (name: string): number => numberField('trainer', state, name);
    this.#pos = { epoch: field('epoch'), step: field('step'), batchInEpoch: field('batchInEpoch') };
    this.#lastEvalStep = field('lastEvalStep');
  }

  /** Trains until the epochs (or maxSteps) are done or a stop command is obeyed; emits train-end last. Runs once. */
  async run(): Promise<TrainOutcome> {
    const { bus, model, evaluator } = this.options;
    const control = this.#control;
    try {
      model.train();
      await this.#resumeEvaluation();
      let stopped = await control.boundary(this.#pos.step);
      while (!stopped && !this.#finished()) stopped = await this.#epoch(control);
      if (!stopped && evaluator && this.#lastEvalStep !== this.#pos.step) await this.#evaluate();
      const { epoch, step } = this.#pos;
      const reason = control.stopReason;
      bus.emit({ type: 'train-end', status: stopped ? 'stopped' : 'completed', epoch, step, ...(reason !== undefined ? { reason } : {}) });
      await bus.settle();
      return { status: stopped ? 'stopped' : 'completed', epoch, step, ...(reason !== undefined ? { reason } : {}), ...(this.#metrics ? { metrics: this.#metrics } : {}) };
    } finally {
      control.dispose();
    }
  }

  #finished(): boolean {
    const { epochs, maxSteps } = this.options;
    return this.#pos.epoch >= epochs || (maxSteps !== undefined && this.#pos.step >= maxSteps);
  }

  /** One epoch (or its rest, when resuming); resolves true when a stop was obeyed. */
  async #epoch(control: RunControl): Promise<boolean> {
    const { bus, loader } = this.options;
    const epoch = this.#pos.epoch;
    const total = loader.batchesPerEpoch;
    const accumulation = this.#accumulation;
    bus.emit({ type: 'epoch-start', epoch, step: this.#pos.step });
    let losses: number[] = [];
    let examples = 0;
    let started = this.#now();
    for await (const batch of loader.epoch(epoch, { startBatch: this.#pos.batchInEpoch })) {
      // The last group of an epoch may be shorter: scale by its own size so the loss is its mean.
      const groupStart = this.#pos.batchInEpoch - (this.#pos.batchInEpoch % accumulation);
      const groupSize = Math.min(accumulation, total - groupStart);
      try {
        examples += batchSizeOf(batch);
        losses.push(await this.#forwardBackward(batch, 1 / groupSize));
      } finally {
        disposeBatch(batch);
      }
      this.#pos = { ...this.#pos, batchInEpoch: this.#pos.batchInEpoch + 1 };
      if (this.#pos.batchInEpoch - groupStart < groupSize) continue;
      await this.#step(losses, examples, this.#now() - started);
      if (await this.#afterStep(control)) return true;
      // On the epoch's last step the epoch still ends (its evaluation, epoch-end, its checkpoint).
      if (this.#finished() && this.#pos.batchInEpoch < total) return false;
      [losses, examples, started] = [[], 0, this.#now()];
    }
    await this.#endEpoch(epoch);
    return control.boundary(this.#pos.step);
  }

  /** Forward and backward of one micro-batch with its loss scaled by `scale`; returns the unscaled loss. */
  async #forwardBackward(batch: Batch, scale: number): Promise<number> {
    const loss = tidy(() => {
      const out = this.options.model.forward(batch);
      if (!out.loss) throw new Error(`Trainer: the model returned no loss for a batch with fields [${Object.keys(batch).join(', ')}]; the batch must carry the head's targets`);
      if (out.loss.size !== 1) throw new Error(`Trainer: the loss must be a scalar, got shape ${fmt(out.loss.shape)}`);
      (scale === 1 ? out.loss : out.loss.mul(scale)).backward();
      return out.loss.detach();
    });
    let value: number;
    try {
      value = (await loss.data())[0]!;
    } finally {
      loss.dispose();
    }
    // Before the optimizer step: the weights (and the checkpoints taken from them) stay finite.
    if (!Number.isFinite(value)) {
      const { epoch, step, batchInEpoch } = this.#pos;
      throw new Error(
        `Trainer: the loss is ${value} at epoch ${epoch}, batch ${batchInEpoch} of the epoch (optimizer step ${step + 1}); ` +
          'the run stops before the weights take it. Lower the learning rate, set train.clipGradNorm, or check the batch for NaN or infinite inputs',
      );
    }
    return value;
  }

  /** Clip, optimizer step, zero the grads, update the average, emit batch-end and wait for held work. */
  async #step(losses: readonly number[], examples: number, ms: number): Promise<void> {
    const { model, optimizer, bus, clipGradNorm, ema } = this.options;
    if (clipGradNorm !== undefined) await clipGradNormAsync(model.parameters(), clipGradNorm);
    const lr = optimizer.paramGroups[0]?.lr ?? 0;
    optimizer.step();
    model.zeroGrad();
    this.#pos = { ...this.#pos, step: this.#pos.step + 1 };
    // Part of the step, not a subscriber: a checkpoint taken on this batch-end then always holds
    // this step's average, whatever order the bus's subscribers run in.
    ema?.update(this.#pos.step);
    const loss = losses.reduce((a, b) => a + b, 0) / losses.length;
    const examplesPerSecond = ms > 0 ? (examples * 1000) / ms : 0;
    bus.emit({ type: 'batch-end', epoch: this.#pos.epoch, step: this.#pos.step, loss, lr, examplesPerSecond, batchSize: examples });
    await bus.settle();
  }

  /**
   * A run resumed from a checkpoint written at a step whose every-N-steps evaluation had not run yet
   * (a `last` checkpoint is written at batch-end, before it) runs that evaluation first, as the
   * uninterrupted run did, so the best checkpoint, early stopping and the metrics see it.
   */
  async #resumeEvaluation(): Promise<void> {
    const every = this.options.evalEvery?.steps;
    const { step } = this.#pos;
    if (this.options.evaluator && every !== undefined && step > 0 && step % every === 0 && this.#lastEvalStep !== step) await this.#evaluate();
  }

  /** Evaluation every N steps, then the commands; resolves true when a stop was obeyed. */
  async #afterStep(control: RunControl): Promise<boolean> {
    const every = this.options.evalEvery?.steps;
    if (this.options.evaluator && every !== undefined && this.#pos.step % every === 0) await this.#evaluate();
    return control.boundary(this.#pos.step);
  }

  /** The epoch's evaluation (when due), then the position moves to the next epoch and epoch-end goes out. */
  async #endEpoch(epoch: number): Promise<void> {
    const { evalEvery, evaluator, bus } = this.options;
    const every = evalEvery?.epochs ?? (evalEvery?.steps === undefined ? 1 : undefined);
    if (evaluator && every !== undefined && (epoch + 1) % every === 0 && this.#lastEvalStep !== this.#pos.step) await this.#evaluate();
    // Moved before epoch-end, so a checkpoint taken on epoch-end resumes at the next epoch.
    this.#pos = { epoch: epoch + 1, step: this.#pos.step, batchInEpoch: 0 };
    bus.emit({ type: 'epoch-end', epoch, step: this.#pos.step });
    await this.options.bus.settle();
  }

  async #evaluate(): Promise<void> {
    // Recorded first, so a checkpoint taken on this eval-end knows the evaluation happened.
    this.#lastEvalStep = this.#pos.step;
    this.#metrics = await this.options.evaluator!.evaluate({ epoch: this.#pos.epoch, step: this.#pos.step });
    await this.options.bus.settle();
  }
}
