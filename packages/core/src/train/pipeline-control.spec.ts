// createPipeline under stress: subscribers that throw, commands sent before the trainer listens,
// set-lr under a schedule, and a resume from a checkpoint written before its step's evaluation.
import { config as rxjsConfig } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../bus/train-events.ts';
import { parseRunConfig } from '../config/parse.ts';
import type { RunConfigInput } from '../config/schema.ts';
import { createTestRuntime } from '../testing/test-runtime.ts';
import { marble } from './fixtures.spec-helper.ts';
import { memoryRunFiles } from './memory-checkpoint-store.ts';
import { createPipeline, type PipelineOptions } from './pipeline.ts';

/** toy-mlp on 48 toy blobs in batches of 8: 6 steps an epoch. */
const config = (over: Partial<RunConfigInput> = {}): RunConfigInput => ({
  seed: 5,
  backend: 'cpu',
  model: { encoders: { vision: { name: 'toy-vectors', inputDim: 2, dim: 16 } }, head: { name: 'toy-classification', dim: 16, numClasses: 3 } },
  data: { train: { name: 'toy-blobs', size: 48 }, eval: { name: 'toy-blobs', split: 'test', size: 16 }, batchSize: 8 },
  optimizer: { name: 'sgd', lr: 0.05 },
  train: { epochs: 1 },
  metrics: ['accuracy'],
  loggers: [],
  output: { dir: 'unused' },
  ...over,
});

function start(raw: RunConfigInput, options: PipelineOptions = {}) {
  const pipeline = createPipeline(createTestRuntime(), parseRunConfig(raw, 'test'), { runId: 'control', files: memoryRunFiles(), ...options });
  const events: TrainEvent[] = [];
  pipeline.events$.subscribe((e) => events.push(e));
  return { pipeline, events };
}

const evalSteps = (events: readonly TrainEvent[]): number[] => events.flatMap((e) => (e.type === 'eval-end' ? [e.step] : []));

describe('createPipeline, steered and failing', () => {
  it('fails the run cleanly when a subscriber throws, with no uncaught error left for later', async () => {
    const handler = rxjsConfig.onUnhandledError;
    const { pipeline, events } = start(config());
    pipeline.events$.subscribe((e) => {
      if (e.type === 'batch-end' && e.step === 2) throw new Error('logger: ENOSPC writing events.jsonl');
    });
    await expect(pipeline.run()).rejects.toThrow('logger: ENOSPC writing events.jsonl');
    expect(events.at(-2)).toEqual({ type: 'error', fatal: true, message: 'logger: ENOSPC writing events.jsonl' });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed', reason: 'logger: ENOSPC writing events.jsonl' });
    expect(rxjsConfig.onUnhandledError).toBe(handler);
    // Had RxJS rethrown it from a timer, vitest would report an unhandled error after this wait.
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('rejects run() when a subscriber throws on run-end, which stays the last event', async () => {
    const { pipeline, events } = start(config({ train: { epochs: 1, maxSteps: 1 } }));
    pipeline.events$.subscribe((e) => {
      if (e.type === 'run-end') throw new Error('logger: EACCES on run-end');
    });
    await expect(pipeline.run()).rejects.toThrow('logger: EACCES on run-end');
    expect(marble(events).at(-1)).toBe('R');
    expect(events.filter((e) => e.type === 'run-end')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('obeys commands sent from a run-start subscriber, before the trainer listens', async () => {
    const { pipeline, events } = start(config());
    pipeline.events$.subscribe((e) => {
      if (e.type !== 'run-start') return;
      pipeline.bus.send({ type: 'set-lr', lr: 0.01, reason: 'from run-start' });
      pipeline.bus.send({ type: 'stop', reason: 'from run-start' });
    });
    const result = await pipeline.run();
    expect(result).toMatchObject({ status: 'stopped', step: 0, reason: 'from run-start' });
    expect(events.find((e) => e.type === 'lr-changed')).toEqual({ type: 'lr-changed', step: 0, lr: 0.01, baseLr: 0.01, reason: 'from run-start' });
    result.model.dispose();
  });

  it('reports the lr a set-lr applied under a schedule, and the lr it asked for', async () => {
    const { pipeline, events } = start(config({ train: { epochs: 2 }, schedule: { name: 'cosine' } }));
    pipeline.events$.subscribe((e) => e.type === 'batch-end' && e.step === 6 && pipeline.bus.send({ type: 'set-lr', lr: 1e-3, reason: 'manual' }));
    (await pipeline.run()).model.dispose();
    const changed = events.find((e) => e.type === 'lr-changed');
    // Cosine over 12 steps is at half its base lr after 6 of them.
    expect(changed).toMatchObject({ type: 'lr-changed', step: 6, baseLr: 1e-3, reason: 'manual' });
    expect(changed?.type === 'lr-changed' && changed.lr).toBeCloseTo(5e-4, 12);
    const next = events.find((e) => e.type === 'batch-end' && e.step === 7);
    expect(next?.type === 'batch-end' && next.lr).toBe(changed?.type === 'lr-changed' && changed.lr);
  });

  it('resumes from a last checkpoint written before its step\'s evaluation by running that evaluation first', async () => {
    const files = memoryRunFiles();
    const over = (maxSteps: number): Partial<RunConfigInput> => ({ train: { epochs: 1, maxSteps, evalEvery: { steps: 2 } }, checkpoint: { everySteps: 2, keepBest: false } });
    const first = start(config(over(2)), { files });
    (await first.pipeline.run()).model.dispose();
    // At step 2 the batch-end `last` came before the step's evaluation, and train-end wrote no newer one.
    expect(marble(first.events)).toBe('sEbbcvtR');
    const second = start(config(over(4)), { files, resume: 'memory:last' });
    (await second.pipeline.run()).model.dispose();
    expect(evalSteps(second.events)).toEqual([2, 4]);
    expect(marble(second.events).slice(0, 4)).toBe('sxov'); // x: the non-fatal warning about maxSteps changing
  });
});
