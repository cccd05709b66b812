// The Evaluator: one pass over an evaluation set in eval mode without gradients, feeding every
// metric, then one eval-end event. The trainer calls it every N epochs/steps; the CLI's `eval` too.
import { DataLoader, disposeBatch } from '@crossmodal/data';
import type { ModelEma } from '@crossmodal/nn';
import { noGrad, tidy } from '@crossmodal/tensor';
import type { TrainingBus } from '../bus/training-bus.ts';
import type { Metric } from '../contracts/metric.ts';
import type { Model, ModelOutput } from '../contracts/model.ts';

/** What an Evaluator needs. */
export interface EvaluatorOptions {
  /** The model to evaluate (its training mode is restored afterwards). */
  readonly model: Model;
  /** The evaluation batches (not shuffled, usually not dropLast). */
  readonly loader: DataLoader;
  /** The metrics to compute; each reports under its `name`. */
  readonly metrics: readonly Metric[];
  /** The split's name in eval-end events (`test`, `val`…; default `eval`). */
  readonly split?: string;
  /** Where eval-end goes; without a bus, `evaluate` only returns the values. */
  readonly bus?: TrainingBus;
  /** Also score an average of the model's weights (see {@link EvaluatorEma}). */
  readonly ema?: EvaluatorEma;
}

/** The prefix of the metrics an evaluation of the weight average reports (`ema/accuracy`). */
export const EMA_METRIC_PREFIX = 'ema/';

/** A weight average to evaluate beside (or instead of) the trained weights. */
export interface EvaluatorEma {
  /** The average; it must follow the evaluator's model. */
  readonly weights: ModelEma;
  /**
   * `both`: the trained weights' metrics under their names, then the average's under
   * `ema/<name>`, in one eval-end; `ema`: only the average's, still under `ema/<name>` (a key
   * always says which weights it scored).
   */
  readonly evaluate: 'ema' | 'both';
}

/** Where in a run an evaluation happens (for the eval-end event). */
export interface EvalAt {
  readonly epoch: number;
  readonly step: number;
}

/**
 * Runs the model over a loader and computes metrics.
 * @example
 * const evaluator = new Evaluator({ model, loader: testLoader, metrics: [accuracy], split: 'test', bus });
 * const { accuracy: acc } = await evaluator.evaluate({ epoch: 0, step: 100 });
 */
export class Evaluator {
  constructor(readonly options: EvaluatorOptions) {
    const names = options.metrics.map((m) => m.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new Error(`Evaluator: two metrics report under the name '${twice}' (metrics: ${names.join(', ')}); give one a different name`);
  }

  /** The split's name in events. */
  get split(): string {
    return this.options.split ?? 'eval';
  }

  /**
   * One pass over the data (two with an average to score both): every metric is reset, fed every
   * batch and computed; emits one eval-end when there is a bus.
   */
  async evaluate(at: EvalAt = { epoch: 0, step: 0 }): Promise<Record<string, number>> {
    const { bus, ema } = this.options;
    const live = ema?.evaluate === 'ema' ? {} : await this.#pass();
    const averaged = ema ? await ema.weights.withEmaWeights(() => this.#pass()) : {};
    const values = { ...live, ...Object.fromEntries(Object.entries(averaged).map(([k, v]) => [`${EMA_METRIC_PREFIX}${k}`, v])) };
    bus?.emit({ type: 'eval-end', epoch: at.epoch, step: at.step, split: this.split, metrics: values });
    return values;
  }

  /** Every metric over the loader with the model's current weights, in eval mode without gradients. */
  async #pass(): Promise<Record<string, number>> {
    const { model, loader, metrics } = this.options;
    const wasTraining = model.training;
    for (const metric of metrics) metric.reset();
    model.eval();
    try {
      for await (const batch of loader.epoch(0)) {
        try {
          // A plain object out of tidy, so exactly the logits and loss survive the scope.
          const output: ModelOutput = noGrad(() => tidy(() => {
            const { logits, loss, targets } = model.forward(batch);
            return { logits, ...(loss ? { loss } : {}), ...(targets ? { targets } : {}) };
          }));
          try {
            for (const metric of metrics) await metric.update(output, batch);
          } finally {
            output.logits.dispose();
            output.loss?.dispose();
          }
        } finally {
          disposeBatch(batch);
        }
      }
    } finally {
      model.train(wasTraining);
    }
    return Object.fromEntries(metrics.map((m) => [m.name, m.compute()]));
  }
}
