// Mean loss over a split, each batch weighted by its size (so a short last batch counts less).
import type { Metric, MetricProvider } from '../contracts/metric.ts';
import type { ModelOutput } from '../contracts/model.ts';
import { fraction } from './host.ts';

class MeanLoss implements Metric {
  readonly name = 'loss';
  readonly higherIsBetter = false;
  #sum = 0;
  #count = 0;

  async update(output: ModelOutput): Promise<void> {
    if (!output.loss) throw new Error('mean-loss: the model returned no loss (does the batch carry the head\'s targets?)');
    const [loss] = await output.loss.data();
    const batchSize = output.logits.rank === 0 ? 1 : output.logits.shape[0]!;
    this.#sum += loss! * batchSize;
    this.#count += batchSize;
  }

  compute(): number {
    return fraction(this.#sum, this.#count);
  }

  reset(): void {
    this.#sum = 0;
    this.#count = 0;
  }
}

/** `mean-loss`: the example-weighted mean of the model's loss; reports as `loss` (lower is better). */
export const meanLossMetric: MetricProvider = {
  name: 'mean-loss',
  description: 'Mean of the model loss, weighted by batch size (reports as loss)',
  create: () => new MeanLoss(),
};
