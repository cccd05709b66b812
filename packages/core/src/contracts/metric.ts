// The Metric contract: accumulates over batches, then reports one number.
import type { Batch } from './batch.ts';
import type { ModelOutput } from './model.ts';
import type { NamedProvider } from './provider.ts';

/** A streaming metric (accuracy, top-k, VQA soft accuracy, mean loss…). */
export interface Metric {
  /** The key it reports under (`accuracy`, `top-5`, `loss`…). */
  readonly name: string;
  /** Whether larger is better (checkpointing and early stopping read it). */
  readonly higherIsBetter: boolean;
  /** Adds one batch; async because reading device data is. */
  update(output: ModelOutput, batch: Batch): void | Promise<void>;
  /** The value over everything since the last reset. */
  compute(): number;
  /** Starts over. */
  reset(): void;
}

/** A named factory of metrics; config e.g. `{ k: 5, target: 'label' }`. */
export type MetricProvider = NamedProvider<Metric>;
