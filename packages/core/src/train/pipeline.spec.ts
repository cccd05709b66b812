import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dropout, Module } from '@crossmodal/nn';
import { memory } from '@crossmodal/tensor';
import type { Observable } from 'rxjs';
import type { TrainEvent } from '../bus/train-events.ts';
import { parseRunConfig } from '../config/parse.ts';
import type { RunConfigInput } from '../config/schema.ts';
import type { Batch } from '../contracts/batch.ts';
import type { Encoder, EncoderOutput } from '../contracts/encoder.ts';
import { DATASETS, ENCODERS, LOGGERS } from '../di/tokens.ts';
import type { Plugin } from '../plugin.ts';
import { createTestRuntime } from '../testing/test-runtime.ts';
import { ToyVectorEncoder } from '../testing/toy-plugin.ts';
import { lossesOf, marble } from './fixtures.spec-helper.ts';
import { evaluateCheckpoint } from './evaluate-checkpoint.ts';
import { memoryRunFiles } from './memory-checkpoint-store.ts';
import { createPipeline, type Pipeline } from './pipeline.ts';

/** toy-vectors plus dropout, so a resumed run also needs the generator's state; can fail on call N. */
class NoisyVectors extends Module implements Encoder {
  readonly modality = 'vision';
  readonly inputs = ['features'];
  readonly inner: ToyVectorEncoder;
  readonly drop = new Dropout(0.2);
  calls = 0;
  constructor(readonly dim: number, private readonly failAt?: number) {
    super();
    this.inner = new ToyVectorEncoder(2, dim);
  }
  forward(batch: Batch): EncoderOutput {
    if (++this.calls === this.failAt) throw new Error(`noisy-vectors: planned failure at call ${this.calls}`);
    return { states: this.drop.forward(this.inner.forward(batch).states) };
  }
}

const logged: { name: string; events: TrainEvent[]; closed: number }[] = [];
/** The splits of every `closing-blobs` dataset made, in order, and whether each was closed. */
const made: { split: string; closed: number }[] = [];
const testPlugin: Plugin = {
  name: 'pipeline-spec',
  version: '0.0.0',
  register(c) {
    c.register(ENCODERS, { useValue: { name: 'noisy-vectors', create: (o: Record<string, unknown>) => new NoisyVectors(16, o['failAt'] as number | undefined) } });
    // Blobs on a line that record being closed; `failCreate` refuses to be made, `failClose` to close.
    c.register(DATASETS, {
      useValue: {
        name: 'closing-blobs',
        create: (o: Record<string, unknown>) => {
          if (o['failCreate']) throw new Error('closing-blobs: planned failure to open');
          const record = { split: String(o['split'] ?? 'train'), closed: 0 };
          made.push(record);
          return {
            size: 16, info: { numClasses: 3 },
            get: (i: number) => ({ features: { data: Float32Array.of(i % 3, 1), shape: [2] }, label: i % 3 }),
            close: () => {
              record.closed++;
              if (o['failClose']) throw new Error(`closing-blobs (${record.split}): planned failure to close`);
            },
          };
        },
      },
    });
    c.register(LOGGERS, {
      useValue: {
        name: 'recording',
        create: () => {
          const record = { name: 'recording', events: [] as TrainEvent[], closed: 0 };
          logged.push(record);
          return { attach: (events$: Observable<TrainEvent>) => events$.subscribe((e) => record.events.push(e)), close: async () => void record.closed++ };
        },
      },
    });
  },
};

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const tempDir = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'crossmodal-pipeline-'));
  dirs.push(d);
  return d;
};

const baseConfig = (dir: string, over: Partial<RunConfigInput> = {}): RunConfigInput => ({
  seed: 5,
  backend: 'cpu',
  model: { encoders: { vision: { name: 'noisy-vectors' } }, head: { name: 'toy-classification', dim: 16, numClasses: 3 } },
  data: { train: { name: 'toy-blobs', size: 48 }, eval: { name: 'toy-blobs', split: 'test', size: 24 }, batchSize: 8 },
  optimizer: { name: 'adamw', lr: 0.05, weightDecay: 0.01 },
  schedule: { name: 'cosine', warmupSteps: 2 },
  train: { epochs: 2 },
  metrics: ['accuracy', 'mean-loss'],
  loggers: [],
  output: { dir },
  ...over,
});

function start(raw: RunConfigInput, options: Parameters<typeof createPipeline>[2] = {}): { pipeline: Pipeline; events: TrainEvent[] } {
  const pipeline = createPipeline(createTestRuntime([testPlugin]), parseRunConfig(raw, 'test'), { runId: 'test-run', ...options });
  const events: TrainEvent[] = [];
  pipeline.events$.subscribe((e) => events.push(e));
  return { pipeline, events };
}

describe('createPipeline', () => {
  it('emits run-start, the trainer\'s events with checkpoints, and run-end, in order', async () => {
    const dir = await tempDir();
    const { pipeline, events } = start(baseConfig(dir, { checkpoint: { keepBest: false } }));
    const result = await pipeline.run();
    expect(marble(events)).toBe('s' + 'Ebbbbbbvec' + 'Ebbbbbbvec' + 'tR');
    expect(events[0]).toMatchObject({ type: 'run-start', runId: 'test-run', backend: 'cpu', outputDir: dir, totalSteps: 12 });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed', epoch: 2, step: 12 });
    expect(result).toMatchObject({ status: 'completed', step: 12, backend: 'cpu', checkpoints: { last: join(dir, 'checkpoints', 'last') } });
    expect(Object.keys(result.metrics).sort()).toEqual(['accuracy', 'best-accuracy', 'best-loss', 'loss', 'train-loss']);
    expect(JSON.parse(await readFile(join(dir, 'resolved-config.json'), 'utf8'))).toMatchObject({ seed: 5, data: { batchSize: 8 }, output: { dir } });
    result.model.dispose();
  });

  it('keeps the best checkpoint by the first metric and writes its files with checkpoint.json', async () => {
    const dir = await tempDir();
    const { pipeline, events } = start(baseConfig(dir));
    const result = await pipeline.run();
    const accuracies = events.flatMap((e) => (e.type === 'eval-end' ? [e.metrics['accuracy']!] : []));
    const best = JSON.parse(await readFile(join(dir, 'checkpoints', 'best', 'checkpoint.json'), 'utf8'));
    expect(best).toMatchObject({ format: 'crossmodal-checkpoint', kind: 'best', metrics: { accuracy: Math.max(...accuracies) } });
    expect((await readdir(join(dir, 'checkpoints'))).sort()).toEqual(['best', 'last']);
    expect((await readdir(join(dir, 'checkpoints', 'last'))).sort()).toEqual(['checkpoint.json', 'model.safetensors', 'optimizer.safetensors']);
    result.model.dispose();
  });

  it.each([
    ['mid-epoch', 4, 1, undefined],
    ['at an epoch boundary', 6, 1, undefined],
    ['with gradient accumulation', 2, 2, undefined],
    ['mid-epoch with a weight average', 4, 1, { decay: 0.9 }],
  ])('resumes from a checkpoint taken %s with exactly the uninterrupted losses', async (_, stopAt, gradAccumulation, ema) => {
    const over = { train: { epochs: 2, gradAccumulation, ...(ema ? { ema } : {}) } };
    const full = start(baseConfig(await tempDir(), over));
    const fullResult = await full.pipeline.run();

    const dir = await tempDir();
    const first = start(baseConfig(dir, over));
    first.pipeline.events$.subscribe((e) => e.type === 'batch-end' && e.step === stopAt && first.pipeline.stop('test interrupt'));
    const stopped = await first.pipeline.run();
    expect(stopped).toMatchObject({ status: 'stopped', step: stopAt, reason: 'test interrupt' });
    expect(marble(first.events).slice(-3)).toBe('tcR');
    expect(first.events.at(-2)).toMatchObject({ type: 'checkpoint-saved', kind: 'interrupt', step: stopAt, path: join(dir, 'checkpoints', 'interrupt') });

    const second = start(baseConfig(dir, over), { resume: join(dir, 'checkpoints', 'interrupt', 'checkpoint.json') });
    const resumed = await second.pipeline.run();
    // run-start, then the restored checkpoint's position (a log's readers cut the interrupted process there).
    expect(marble(second.events).slice(0, 2)).toBe('so');
    expect(second.events[1]).toEqual({ type: 'restored', epoch: stopped.epoch, step: stopAt, location: join(dir, 'checkpoints', 'interrupt', 'checkpoint.json') });
    expect([...lossesOf(first.events), ...lossesOf(second.events)]).toEqual(lossesOf(full.events));
    const lrs = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'batch-end' ? [e.lr] : []));
    expect([...lrs(first.events), ...lrs(second.events)]).toEqual(lrs(full.events));
    expect(resumed.metrics['accuracy']).toBe(fullResult.metrics['accuracy']);
    const evals = (events: TrainEvent[]) => events.flatMap((e) => (e.type === 'eval-end' ? [e.metrics] : []));
    expect([...evals(first.events), ...evals(second.events)]).toEqual(evals(full.events));
    if (ema) {
      expect(Object.keys(evals(full.events)[0]!)).toEqual(['accuracy', 'loss', 'ema/accuracy', 'ema/loss']);
      // The average goes on bit for bit: the last checkpoints' ema.safetensors are the same bytes.
      const averageOf = (result: typeof resumed) => readFile(join(result.checkpoints.last!, 'ema.safetensors'));
      expect((await averageOf(resumed)).equals(await averageOf(fullResult))).toBe(true);
    }
    expect(second.events.some((e) => e.type === 'error')).toBe(false);
    for (const r of [fullResult, stopped, resumed]) r.model.dispose();
  });

  it("with train.ema.evaluate 'ema' reports only ema/<metric> and keeps best by the average's first metric", async () => {
    const dir = await tempDir();
    const before = memory();
    const { pipeline, events } = start(baseConfig(dir, { train: { epochs: 1, ema: { decay: 0.5, evaluate: 'ema' } } }));
    const result = await pipeline.run();
    const evalEnd = events.find((e) => e.type === 'eval-end');
    expect(evalEnd?.type === 'eval-end' && Object.keys(evalEnd.metrics)).toEqual(['ema/accuracy', 'ema/loss']);
    const best = JSON.parse(await readFile(join(dir, 'checkpoints', 'best', 'checkpoint.json'), 'utf8'));
    expect(best).toMatchObject({ kind: 'best', ema: { decay: 0.5, updates: 6 }, metrics: { 'ema/accuracy': expect.any(Number) } });
    expect((await readdir(join(dir, 'checkpoints', 'best'))).sort()).toEqual(['checkpoint.json', 'ema.safetensors', 'model.safetensors', 'optimizer.safetensors']);
    result.model.dispose();
    // The run disposed its average: only what was live before remains.
    expect(memory().tensors).toBe(before.tensors);
    const wrong = start(baseConfig(await tempDir(), { train: { epochs: 1, ema: { evaluate: 'ema' } }, checkpoint: { metric: 'accuracy' } }));
    await expect(wrong.pipeline.run()).rejects.toThrow(
      "checkpoint.metric: got 'accuracy', expected 'ema/accuracy': with train.ema.evaluate 'ema' evaluations report only the average's metrics, under ema/<name>",
    );
  });

  it('warns (non-fatal) when resuming with a config that changes the trajectory', async () => {
    const dir = await tempDir();
    const first = start(baseConfig(dir, { train: { epochs: 1, maxSteps: 2 } }));
    (await first.pipeline.run()).model.dispose();
    const second = start(baseConfig(dir, { train: { epochs: 1, maxSteps: 3 } }), { resume: join(dir, 'checkpoints', 'last') });
    (await second.pipeline.run()).model.dispose();
    expect(second.events.find((e) => e.type === 'error')).toMatchObject({ fatal: false, message: expect.stringContaining('another config') });
    expect(lossesOf(second.events)).toHaveLength(1);
    // Another output directory or logger set is the same trajectory: no warning.
    // (dir/checkpoints/last is now the second run's, at step 3.)
    const third = start(baseConfig(await tempDir(), { train: { epochs: 1, maxSteps: 3 }, loggers: [{ name: 'recording' }] }), { resume: join(dir, 'checkpoints', 'last') });
    (await third.pipeline.run()).model.dispose();
    expect(third.events.some((e) => e.type === 'error')).toBe(false);
  });

  it('turns an error inside a step into error and run-end failed events and a rejected run', async () => {
    const dir = await tempDir();
    const raw = baseConfig(dir, { loggers: [{ name: 'recording' }] });
    const { pipeline, events } = start({ ...raw, model: { ...raw.model, encoders: { vision: { name: 'noisy-vectors', failAt: 3 } } } });
    const before = logged.length;
    await expect(pipeline.run()).rejects.toThrow('noisy-vectors: planned failure at call 3');
    expect(marble(events)).toBe('sEbbxR');
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed', step: 2, reason: expect.stringContaining('planned failure') });
    expect(logged[before]).toMatchObject({ closed: 1 });
    expect(marble(logged[before]!.events)).toBe('sEbbxR');
  });

  it('fails before run-start when the backend cannot be had', async () => {
    const { pipeline, events } = start(baseConfig(await tempDir(), { backend: 'no-such-backend' }));
    await expect(pipeline.run()).rejects.toThrow('no-such-backend');
    expect(marble(events)).toBe('xR');
  });

  it('shows loggers every logEvery-th batch-end and closes them after run-end', async () => {
    const before = logged.length;
    const { pipeline, events } = start(baseConfig(await tempDir(), { loggers: [{ name: 'recording' }], train: { epochs: 1, logEvery: 2 }, checkpoint: { keepBest: false } }));
    (await pipeline.run()).model.dispose();
    const record = logged[before]!;
    expect(record.closed).toBe(1);
    expect(marble(record.events)).toBe('sEbbbvectR');
    expect(record.events.flatMap((e) => (e.type === 'batch-end' ? [e.step] : []))).toEqual([2, 4, 6]);
    expect(lossesOf(events)).toHaveLength(6);
  });

  it('stops when its AbortSignal aborts, leaving an interrupt checkpoint', async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    const { pipeline, events } = start(baseConfig(dir), { signal: controller.signal });
    pipeline.events$.subscribe((e) => e.type === 'batch-end' && e.step === 3 && controller.abort('SIGINT'));
    const result = await pipeline.run();
    expect(result).toMatchObject({ status: 'stopped', step: 3, reason: 'aborted: SIGINT', checkpoints: { interrupt: join(dir, 'checkpoints', 'interrupt') } });
    expect(JSON.parse(await readFile(join(dir, 'checkpoints', 'interrupt', 'checkpoint.json'), 'utf8'))).toMatchObject({ step: 3, epoch: 0, batchInEpoch: 3 });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'stopped' });
    result.model.dispose();
  });

  it('leaves no tensors behind once the caller disposes the model', async () => {
    const before = memory().tensors;
    const { pipeline } = start(baseConfig(await tempDir()));
    (await pipeline.run()).model.dispose();
    expect(memory().tensors).toBe(before);
  });

  it('runs on in-memory files, and evaluates a saved checkpoint to the metrics it was saved with', async () => {
    const files = memoryRunFiles();
    const raw = baseConfig('unused-dir');
    const { pipeline, events } = start(raw, { files });
    (await pipeline.run()).model.dispose();
    expect(files.config).toMatchObject({ seed: 5, output: { dir: 'unused-dir' } });
    expect(files.checkpoints.locations().sort()).toEqual(['memory:best', 'memory:last']);
    const bestAccuracy = Math.max(...events.flatMap((e) => (e.type === 'eval-end' ? [e.metrics['accuracy']!] : [])));
    const before = memory().tensors;
    const result = await evaluateCheckpoint(createTestRuntime([testPlugin]), parseRunConfig(raw, 'test'), { checkpoint: 'memory:best', store: files.checkpoints });
    expect(result).toMatchObject({ split: 'test', backend: 'cpu', metrics: { accuracy: bestAccuracy } });
    expect(memory().tensors).toBe(before);
  });

  it('evaluates a checkpoint directory on disk, and says when the config has no eval data', async () => {
    const dir = await tempDir();
    const raw = baseConfig(dir, { train: { epochs: 1 } });
    (await start(raw).pipeline.run()).model.dispose();
    const runtime = createTestRuntime([testPlugin]);
    const result = await evaluateCheckpoint(runtime, parseRunConfig(raw, 'test'), { checkpoint: join(dir, 'checkpoints', 'last') });
    expect(result).toMatchObject({ epoch: 1, step: 6, split: 'test' });
    const { eval: _, ...data } = raw.data;
    await expect(evaluateCheckpoint(runtime, parseRunConfig({ ...raw, data }, 'test'), { checkpoint: dir })).rejects.toThrow('evaluate: the config has no data.eval');
  });

  it('closes its datasets once when the run ends, completed or failed, and reports a failure to close', async () => {
    const data = { train: { name: 'closing-blobs' }, eval: { name: 'closing-blobs', split: 'test', failClose: true }, batchSize: 8 };
    const before = made.length;
    const dir = await tempDir();
    const { pipeline, events } = start(baseConfig(dir, { data, train: { epochs: 1 }, schedule: { name: 'constant' } }));
    (await pipeline.run()).model.dispose();
    expect(made.slice(before)).toEqual([{ split: 'train', closed: 1 }, { split: 'test', closed: 1 }]);
    expect(events.filter((e) => e.type === 'error')).toEqual([
      expect.objectContaining({ fatal: false, message: 'run end: closing dataset 2 of 2: closing-blobs (test): planned failure to close' }),
    ]);
    // Reported inside the run: run-end stays the last event.
    expect(marble(events).slice(-2)).toBe('xR');
    // Evaluating a checkpoint closes the evaluation set it made.
    const evaluated = parseRunConfig(baseConfig(dir, { data: { ...data, eval: { name: 'closing-blobs', split: 'val' } } }), 'test');
    await evaluateCheckpoint(createTestRuntime([testPlugin]), evaluated, { checkpoint: join(dir, 'checkpoints', 'last') });
    expect(made.at(-1)).toEqual({ split: 'val', closed: 1 });
    const raw = baseConfig(await tempDir(), { data: { ...data, eval: { name: 'closing-blobs', split: 'test' } } });
    const failing = start({ ...raw, model: { ...raw.model, encoders: { vision: { name: 'noisy-vectors', failAt: 2 } } } });
    await expect(failing.pipeline.run()).rejects.toThrow('planned failure at call 2');
    expect(made.slice(before + 3)).toEqual([{ split: 'train', closed: 1 }, { split: 'test', closed: 1 }]);
  });

  it('closes the training set when the evaluation set cannot be made', async () => {
    const before = made.length;
    const data = { train: { name: 'closing-blobs' }, eval: { name: 'closing-blobs', split: 'test', failCreate: true }, batchSize: 8 };
    await expect(start(baseConfig(await tempDir(), { data })).pipeline.run()).rejects.toThrow('closing-blobs: planned failure to open');
    expect(made.slice(before)).toEqual([{ split: 'train', closed: 1 }]);
  });

  it('refuses a checkpoint or early-stopping metric the evaluations will never report', async () => {
    const dir = await tempDir();
    await expect(start(baseConfig(dir, { checkpoint: { metric: 'acc' } })).pipeline.run()).rejects.toThrow(
      "checkpoint.metric: got 'acc', expected one of the keys the evaluations report: accuracy, loss",
    );
    await expect(start(baseConfig(dir, { checkpoint: { metric: 'ema/accuracy' } })).pipeline.run()).rejects.toThrow("checkpoint.metric: got 'ema/accuracy'");
    await expect(start(baseConfig(dir, { earlyStopping: { metric: 'loss', patience: 2 }, metrics: ['accuracy'] })).pipeline.run()).rejects.toThrow(
      "earlyStopping.metric: got 'loss', expected one of the keys the evaluations report: accuracy",
    );
    const raw = baseConfig(dir, { earlyStopping: { metric: 'accuracy', patience: 2 } });
    const { eval: _, ...noEval } = raw.data;
    await expect(start({ ...raw, data: noEval }).pipeline.run()).rejects.toThrow(
      "earlyStopping.metric: got 'accuracy', but the run evaluates nothing to watch it on: it needs data.eval and at least one entry in metrics",
    );
    // Accepted: the average's key with train.ema.
    const ok = start(baseConfig(dir, { train: { epochs: 1, ema: { decay: 0.9 } }, checkpoint: { metric: 'ema/accuracy' } }));
    (await ok.pipeline.run()).model.dispose();
  });

  it('warns when the warm-up outlasts the run', async () => {
    const { pipeline, events } = start(baseConfig(await tempDir(), { schedule: { name: 'cosine', warmupSteps: 12 } }));
    (await pipeline.run()).model.dispose();
    expect(events.filter((e) => e.type === 'error')).toEqual([
      expect.objectContaining({ fatal: false, message: "schedule.warmupSteps: 12 is not below the run's 12 optimizer steps, so the lr never reaches optimizer.lr and the cosine decay never starts; lower warmupSteps" }),
    ]);
  });

  it('loads no weights, and leaks none, when evaluating with a config whose model cannot be built', async () => {
    const dir = await tempDir();
    const raw = baseConfig(dir, { train: { epochs: 1 } });
    (await start(raw).pipeline.run()).model.dispose();
    const before = memory().tensors;
    const broken = parseRunConfig({ ...raw, model: { ...raw.model, encoders: { vision: { name: 'no-such-encoder' } } } }, 'test');
    await expect(evaluateCheckpoint(createTestRuntime([testPlugin]), broken, { checkpoint: join(dir, 'checkpoints', 'last') })).rejects.toThrow('no-such-encoder');
    expect(memory().tensors).toBe(before);
  });

  it('runs only once', async () => {
    const { pipeline } = start(baseConfig(await tempDir(), { train: { epochs: 1, maxSteps: 1 } }));
    (await pipeline.run()).model.dispose();
    await expect(pipeline.run()).rejects.toThrow("Pipeline 'test-run': run() was already called");
  });
});
