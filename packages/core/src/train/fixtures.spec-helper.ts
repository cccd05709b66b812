// Test fixtures for the training machinery: a tiny classifier built by hand (toy encoder, dropout,
// toy head) implementing the Model contract, toy-blobs data, and an event recorder.
import { DataLoader } from '@crossmodal/data';
import { Dropout, ModelEma, Module, SGD, type BaseHyper, type ModelEmaOptions, type Optimizer } from '@crossmodal/nn';
import { manualSeed } from '@crossmodal/tensor';
import type { TrainEvent } from '../bus/train-events.ts';
import { TrainingBus } from '../bus/training-bus.ts';
import type { Batch } from '../contracts/batch.ts';
import type { Model, ModelOutput } from '../contracts/model.ts';
import { accuracyMetric } from '../metrics/index.ts';
import { ToyBlobs, ToyClassificationHead, ToyVectorEncoder } from '../testing/toy-plugin.ts';
import { Evaluator } from './evaluator.ts';
import { Trainer, type TrainerOptions } from './trainer.ts';

/** features [B, 2] → toy encoder (D = 8) → dropout → toy head (3 classes). */
export class TinyClassifier extends Module implements Model {
  readonly config = { encoders: { vision: { name: 'toy-vectors' } }, head: { name: 'toy-classification' } };
  readonly inputs = ['features', 'label'];
  readonly encoder = new ToyVectorEncoder(2, 8);
  readonly drop: Dropout;
  readonly head = new ToyClassificationHead(8, 3);

  constructor(dropout = 0.1, readonly failAtCall?: number) {
    super();
    this.drop = new Dropout(dropout);
  }

  calls = 0;

  forward(batch: Batch): ModelOutput {
    if (++this.calls === this.failAtCall) throw new Error(`TinyClassifier: planned failure at call ${this.calls}`);
    const { states } = this.encoder.forward(batch);
    const out = this.head.forward({ streams: { vision: { states: this.drop.forward(states) } } }, batch);
    return { ...out, targets: ['label'] };
  }
}

/** Options of {@link makeRun}. */
export interface RunFixture {
  size?: number;
  batchSize?: number;
  epochs?: number;
  shuffle?: boolean;
  lr?: number;
  dropout?: number;
  failAtCall?: number;
  evalSize?: number;
  trainer?: Partial<TrainerOptions>;
  /** Keep a weight average (updated by the trainer; the evaluator scores both). */
  ema?: ModelEmaOptions;
}

/** A seeded model, SGD, loaders over toy-blobs, a bus recording every event, and a Trainer. */
export function makeRun(f: RunFixture = {}) {
  manualSeed(7);
  const model = new TinyClassifier(f.dropout ?? 0.1, f.failAtCall);
  const optimizer: Optimizer<BaseHyper> = new SGD(model.parameters(), { lr: f.lr ?? 0.1 });
  const data = new ToyBlobs({ size: f.size ?? 24, numClasses: 3, inputDim: 2, seed: 1 });
  const loader = new DataLoader(data, { batchSize: f.batchSize ?? 8, shuffle: f.shuffle ?? true, seed: 3 });
  const bus = new TrainingBus();
  const events: TrainEvent[] = [];
  bus.events$.subscribe((e) => events.push(e));
  const ema = f.ema ? new ModelEma(model, f.ema) : undefined;
  const evaluator = f.evalSize
    ? new Evaluator({
        model,
        loader: new DataLoader(new ToyBlobs({ size: f.evalSize, numClasses: 3, inputDim: 2, seed: 2 }), { batchSize: 16 }),
        metrics: [accuracyMetric.create({}, { seed: 0 })],
        split: 'test',
        bus,
        ...(ema ? { ema: { weights: ema, evaluate: 'both' as const } } : {}),
      })
    : undefined;
  const trainer = new Trainer({ model, optimizer, loader, bus, epochs: f.epochs ?? 2, ...(evaluator ? { evaluator } : {}), ...(ema ? { ema } : {}), ...f.trainer });
  return { model, optimizer, loader, bus, events, trainer, evaluator, ema };
}

const LETTERS: Record<TrainEvent['type'], string> = {
  'run-start': 's', 'epoch-start': 'E', 'batch-end': 'b', 'eval-end': 'v', 'epoch-end': 'e', 'checkpoint-saved': 'c',
  'lr-changed': 'l', restored: 'o', paused: 'p', resumed: 'r', 'train-end': 't', 'run-end': 'R', error: 'x',
};

/** The events as a marble-like string, one letter per event (see LETTERS). */
export const marble = (events: readonly TrainEvent[]): string => events.map((e) => LETTERS[e.type]).join('');

/** The losses of the batch-end events. */
export const lossesOf = (events: readonly TrainEvent[]): number[] => events.flatMap((e) => (e.type === 'batch-end' ? [e.loss] : []));
