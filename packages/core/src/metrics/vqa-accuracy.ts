// VQA soft accuracy: the mean over examples of the soft score of the predicted answer, where a
// batch's targets [B, A] hold VQA scores min(#humans who gave the answer / 3, 1).
import { fmt } from '@crossmodal/tensor';
import type { Batch } from '../contracts/batch.ts';
import type { Metric, MetricProvider } from '../contracts/metric.ts';
import type { ModelOutput } from '../contracts/model.ts';
import { argmaxRow, fraction, logitRows, stringOption, targetTensor } from './host.ts';

class VqaAccuracy implements Metric {
  readonly name = 'vqa-accuracy';
  readonly higherIsBetter = true;
  #score = 0;
  #total = 0;

  constructor(private readonly target: string | undefined) {}

  async update(output: ModelOutput, batch: Batch): Promise<void> {
    const { data, rows, classes } = await logitRows(this.name, output.logits);
    const target = targetTensor(this.name, this.target, output, batch, 'targets');
    if (target.size !== rows * classes) {
      throw new Error(`${this.name}: soft targets ${fmt(target.shape)} must match the answer logits ${fmt(output.logits.shape)}`);
    }
    const scores = await target.data();
    for (let r = 0; r < rows; r++) this.#score += scores[r * classes + argmaxRow(this.name, data, r, classes)]!;
    this.#total += rows;
  }

  compute(): number {
    return fraction(this.#score, this.#total);
  }

  reset(): void {
    this.#score = 0;
    this.#total = 0;
  }
}

/** `vqa-accuracy`: config `{ target? }` (default: the head's first target, else `targets`). */
export const vqaAccuracyMetric: MetricProvider = {
  name: 'vqa-accuracy',
  description: 'VQA soft accuracy: mean soft score (min(#humans/3, 1)) of the predicted answer',
  create: (config) => new VqaAccuracy(stringOption('vqa-accuracy', config, 'target')),
};
