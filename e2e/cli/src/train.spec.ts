// `crossmodal train` and `eval` end to end: exit codes, the JSONL log's event order and counts,
// the checkpoint files and the resolved config, and eval reproducing the best checkpoint's accuracy.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallConfig, workdir, type CliResult, type TrainEventLine, type Workdir } from './harness.ts';

/** Consecutive duplicates collapsed: the shape of a run regardless of how many batches an epoch has. */
const shape = (types: readonly string[]): string[] => types.filter((t, i) => t !== types[i - 1]);

describe('crossmodal train (2 epochs × 4 steps of mlp-spirals)', () => {
  let wd: Workdir;
  let result: CliResult;
  let events: TrainEventLine[];

  beforeAll(() => {
    wd = workdir('train');
    wd.write('small.yaml', smallConfig({ epochs: 2, outputDir: 'runs/small' }));
    result = wd.run(['train', 'small.yaml']);
    events = wd.events('runs/small');
  });
  afterAll(() => wd.dispose());

  it('exits 0 with nothing on stderr', () => {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('logs run-start first and run-end (completed) last, epochs in between in order', () => {
    expect(shape(events.map((e) => e.type).filter((t) => t !== 'checkpoint-saved'))).toEqual([
      'run-start',
      'epoch-start', 'batch-end', 'eval-end', 'epoch-end',
      'epoch-start', 'batch-end', 'eval-end', 'epoch-end',
      'train-end', 'run-end',
    ]);
    // Each epoch's end is followed by its `last` checkpoint before anything else of the loop.
    const afterEpochEnd = events.flatMap((e, i) => (e.type === 'epoch-end' ? [events[i + 1]] : []));
    expect(afterEpochEnd.map((e) => [e?.type, e?.['kind']])).toEqual([['checkpoint-saved', 'last'], ['checkpoint-saved', 'last']]);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed', step: 8 });
    expect(events[0]).toMatchObject({ type: 'run-start', backend: 'cpu', totalSteps: 8, outputDir: 'runs/small' });
  });

  it('logs one batch-end per optimizer step, with a finite loss, lr and throughput', () => {
    const batches = events.filter((e) => e.type === 'batch-end');
    expect(batches.map((e) => e['step'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const b of batches) {
      expect(Number.isFinite(b['loss'])).toBe(true);
      expect(b['examplesPerSecond']).toBeGreaterThan(0);
    }
    expect(batches.map((b) => b['batchSize'])).toEqual([16, 16, 16, 12, 16, 16, 16, 12]);
  });

  it('logs eval-end after each epoch with an accuracy in [0, 1] on the test split', () => {
    const evals = events.filter((e) => e.type === 'eval-end');
    expect(evals.map((e) => [e['step'], e['split']])).toEqual([[4, 'test'], [8, 'test']]);
    for (const e of evals) expect((e['metrics'] as { accuracy: number }).accuracy).toBeGreaterThanOrEqual(0);
    for (const e of evals) expect((e['metrics'] as { accuracy: number }).accuracy).toBeLessThanOrEqual(1);
  });

  it('leaves best and last checkpoints and the resolved config next to the log', () => {
    for (const kind of ['best', 'last']) {
      for (const file of ['model.safetensors', 'optimizer.safetensors', 'checkpoint.json']) {
        expect(existsSync(join(wd.dir, 'runs/small/checkpoints', kind, file)), `${kind}/${file}`).toBe(true);
      }
    }
    const resolved = JSON.parse(readFileSync(join(wd.dir, 'runs/small/resolved-config.json'), 'utf8'));
    expect(resolved).toMatchObject({ name: 'small', seed: 3, model: { preset: 'mlp-spirals' }, train: { epochs: 2, gradAccumulation: 1 } });
    const saved = events.filter((e) => e.type === 'checkpoint-saved').map((e) => e['kind']);
    expect(new Set(saved)).toEqual(new Set(['best', 'last']));
  });

  it('prints plain progress lines when stdout is not a terminal', () => {
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^run small-\S+ on backend cpu \(.+\), 8 steps → runs\/small$/);
    expect(lines).toContain(lines.find((l) => /^epoch \d+ step 4\/8 loss \d+\.\d{4} smoothed \d+\.\d{4} lr \S+ \d+ ex\/s$/.test(l)));
    expect(lines.at(-2)).toMatch(/^run completed at step 8 after \d+:\d\d: /);
    // The closing summary: the last evaluation's accuracy, the backend, 8 steps × 15 examples.
    expect(lines.at(-1)).toMatch(/^test accuracy \d+\.\d\d% on backend cpu: 120 training images in \d+:\d\d, \d+ images\/s over \d+:\d\d of training steps$/);
  });

  it('evaluates the best checkpoint to the accuracy it was saved with, and writes eval-best.json', () => {
    const meta = JSON.parse(readFileSync(join(wd.dir, 'runs/small/checkpoints/best/checkpoint.json'), 'utf8')) as { metrics: { accuracy: number }; step: number };
    const evaluated = wd.run(['eval', 'small.yaml', '--checkpoint', 'runs/small/checkpoints/best']);
    expect(evaluated.stderr).toBe('');
    expect(evaluated.status).toBe(0);
    expect(evaluated.stdout).toContain(`  accuracy ${meta.metrics.accuracy.toFixed(4)}\n`);
    const report = JSON.parse(readFileSync(join(wd.dir, 'runs/small/eval-best.json'), 'utf8'));
    expect(report).toMatchObject({ dataset: 'spirals', split: 'test', step: meta.step, metrics: { accuracy: meta.metrics.accuracy } });
  });
});
