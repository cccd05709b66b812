// Classification metrics: accuracy (argmax vs the target class) and top-k (the target among the
// k highest logits). Targets are int class indices [B] (negatives are ignored, as padding) or
// per-class scores shaped like the logits (their argmax is the class).
import { fmt, type Tensor } from '@crossmodal/tensor';
import type { Batch } from '../contracts/batch.ts';
import type { Metric, MetricProvider } from '../contracts/metric.ts';
import type { ModelOutput } from '../contracts/model.ts';
import { argmaxRow, fraction, logitRows, rankInRow, stringOption, targetTensor } from './host.ts';

/** Class index per row from int targets [rows], or from score targets [rows, C] by argmax. */
async function targetClasses(metric: string, target: Tensor, rows: number, classes: number): Promise<ArrayLike<number>> {
  const data = await target.data();
  if (target.size === rows) return data;
  if (target.size === rows * classes) return Array.from({ length: rows }, (_, r) => argmaxRow(metric, data, r, classes, 'score target'));
  throw new Error(`${metric}: target ${fmt(target.shape)} must hold one class index per row (${rows}) or one score per logit (${rows}×${classes})`);
}

/** Counts rows whose target class ranks below `k` (k = 1: accuracy). */
class TopKMetric implements Metric {
  readonly higherIsBetter = true;
  #hits = 0;
  #total = 0;

  constructor(
    readonly name: string,
    private readonly k: number,
    private readonly target: string | undefined,
  ) {}

  async update(output: ModelOutput, batch: Batch): Promise<void> {
    const { data, rows, classes } = await logitRows(this.name, output.logits);
    const targets = await targetClasses(this.name, targetTensor(this.name, this.target, output, batch, 'label'), rows, classes);
    for (let r = 0; r < rows; r++) {
      const c = targets[r]!;
      if (c < 0) continue; // ignored (padding / no label)
      if (c >= classes) throw new RangeError(`${this.name}: target class ${c} at row ${r} is outside [0, ${classes})`);
      this.#total++;
      const hit = this.k === 1 ? argmaxRow(this.name, data, r, classes) === c : rankInRow(this.name, data, r, classes, c) < this.k;
      if (hit) this.#hits++;
    }
  }

  compute(): number {
    return fraction(this.#hits, this.#total);
  }

  reset(): void {
    this.#hits = 0;
    this.#total = 0;
  }
}

function positiveK(metric: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new RangeError(`${metric}: k must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

/** `accuracy`: the fraction of rows whose argmax is the target class; config `{ target? }` (default: the head's first target). */
export const accuracyMetric: MetricProvider = {
  name: 'accuracy',
  description: 'Fraction of examples whose highest logit is the target class (targets < 0 ignored)',
  create: (config) => new TopKMetric('accuracy', 1, stringOption('accuracy', config, 'target')),
};

/** `top-5`: the fraction of rows whose target class is among the 5 highest logits; config `{ target? }`. */
export const top5Metric: MetricProvider = {
  name: 'top-5',
  description: 'Fraction of examples whose target class is among the 5 highest logits',
  create: (config) => new TopKMetric('top-5', 5, stringOption('top-5', config, 'target')),
};

/** `top-k`: config `{ k, target? }`; reports as `top-<k>`. */
export const topKMetric: MetricProvider = {
  name: 'top-k',
  description: 'Fraction of examples whose target class is among the k highest logits (reports as top-<k>)',
  create: (config) => {
    const k = positiveK('top-k', config['k']);
    return new TopKMetric(`top-${k}`, k, stringOption('top-k', config, 'target'));
  },
};
