// The closing line of `crossmodal train`: accuracy, backend, time, and training images/s with the
// evaluation's time left out.
import { describe, expect, it } from 'vitest';
import { formatRunSummary, RunSummaryCollector } from './run-summary.ts';

/** A collector on a test clock, and `at(t, event)` that observes the event at time t (ms). */
function timed(): { c: RunSummaryCollector; at: (t: number, e: Parameters<RunSummaryCollector['observe']>[0]) => void } {
  let now = 0;
  const c = new RunSummaryCollector(() => now);
  return {
    c,
    at: (t, e) => {
      now = t;
      c.observe(e);
    },
  };
}

describe('RunSummaryCollector', () => {
  it('counts training time from epoch-start to each batch-end, leaving evaluation out', () => {
    const { c, at } = timed();
    at(0, { type: 'run-start', runId: 'r', backend: 'native', backendReason: '', config: {} });
    at(1000, { type: 'epoch-start', epoch: 0, step: 0 });
    at(2000, { type: 'batch-end', epoch: 0, step: 1, loss: 1, lr: 0, examplesPerSecond: 0, batchSize: 64 });
    at(3000, { type: 'batch-end', epoch: 0, step: 2, loss: 1, lr: 0, examplesPerSecond: 0, batchSize: 36 });
    at(60_000, { type: 'eval-end', epoch: 0, step: 2, split: 'test', metrics: { accuracy: 0.5 } }); // 57 s of eval
    at(61_000, { type: 'epoch-start', epoch: 1, step: 2 });
    at(63_000, { type: 'batch-end', epoch: 1, step: 3, loss: 1, lr: 0, examplesPerSecond: 0, batchSize: 100 });
    at(90_000, { type: 'eval-end', epoch: 1, step: 3, split: 'test', metrics: { accuracy: 0.86514, loss: 0.38 } });
    at(125_000, { type: 'run-end', status: 'completed', epoch: 2, step: 3 });
    const s = c.summary();
    expect(s).toEqual({ backend: 'native', split: 'test', metrics: { accuracy: 0.86514, loss: 0.38 }, examples: 200, trainSeconds: 4, wallSeconds: 125 });
    expect(formatRunSummary(s)).toBe('test accuracy 86.51% on backend native: 200 training images in 2:05, 50 images/s over 0:04 of training steps');
  });

  it('times the steps after an evaluation every N steps (no epoch-start follows it) and leaves pauses out', () => {
    const { c, at } = timed();
    const batch = (step: number) => ({ type: 'batch-end', epoch: 0, step, loss: 1, lr: 0, examplesPerSecond: 0, batchSize: 10 }) as const;
    at(0, { type: 'run-start', runId: 'r', backend: 'native', backendReason: '', config: {} });
    at(0, { type: 'epoch-start', epoch: 0, step: 0 });
    at(1000, batch(1));
    at(50_000, { type: 'eval-end', epoch: 0, step: 1, split: 'test', metrics: { accuracy: 0.5 } });
    at(51_000, batch(2)); // 1 s of training after the evaluation
    at(51_500, { type: 'paused', step: 2 });
    at(80_000, { type: 'resumed', step: 2 });
    at(81_000, batch(3)); // 0.5 s before the pause and 1 s after it
    expect(c.summary()).toMatchObject({ examples: 30, trainSeconds: 3.5 });
  });

  it('takes a resumed run\'s start from its restored event', () => {
    const c = new RunSummaryCollector(() => 0);
    c.observe({ type: 'run-start', runId: 'r', backend: 'native', backendReason: '', config: {} });
    c.observe({ type: 'restored', epoch: 3, step: 300, location: 'runs/x/checkpoints/last' });
    c.observe({ type: 'batch-end', epoch: 3, step: 350, loss: 1, lr: 0, examplesPerSecond: 0, batchSize: 64 }); // logEvery 50
    expect(c.summary().startStep).toBe(300);
  });

  it('says when the run was resumed, and writes an hour or more as h:mm:ss', () => {
    const c = new RunSummaryCollector(() => 0);
    c.observe({ type: 'run-start', runId: 'r', backend: 'native', backendReason: '', config: {} });
    c.observe({ type: 'batch-end', epoch: 90, step: 84_421, loss: 1, lr: 0, examplesPerSecond: 0, batchSize: 64 });
    expect(c.summary().startStep).toBe(84_420);
    expect(formatRunSummary({ ...c.summary(), split: 'test', metrics: { accuracy: 0.92 }, wallSeconds: 7109, trainSeconds: 3600 }))
      .toBe('test accuracy 92.00% on backend native: 64 training images in 1:58:29, 0 images/s over 1:00:00 of training steps (resumed at step 84,420: images and times are this process\'s)');
  });

  it('prints the last metrics without an accuracy, and nothing for a run that trained on nothing', () => {
    expect(formatRunSummary({ backend: 'webgpu', split: 'val', metrics: { loss: 0.123456 }, examples: 1000, trainSeconds: 0, wallSeconds: 61 }))
      .toBe('val loss 0.1235 on backend webgpu: 1,000 training images in 1:01');
    expect(formatRunSummary({ examples: 0, trainSeconds: 0, wallSeconds: 1 })).toBeUndefined();
  });
});
