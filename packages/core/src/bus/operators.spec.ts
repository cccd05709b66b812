import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { emaLoss, metricSeries, progress, throughput, untilRunEnd } from './operators.ts';
import { ofType, type EventOf, type TrainEvent } from './train-events.ts';

const batchEnd = (step: number, loss: number, examplesPerSecond = 100, batchSize = 10): EventOf<'batch-end'> =>
  ({ type: 'batch-end', epoch: 0, step, loss, lr: 0.1, examplesPerSecond, batchSize });
const evalEnd = (step: number, metrics: Record<string, number>, split = 'test'): EventOf<'eval-end'> =>
  ({ type: 'eval-end', epoch: 0, step, split, metrics });
const runStart = (totalSteps?: number): TrainEvent =>
  ({ type: 'run-start', runId: 'r', backend: 'cpu', backendReason: 'test', config: {}, ...(totalSteps !== undefined ? { totalSteps } : {}) });
const scheduler = (): TestScheduler => new TestScheduler((a, b) => expect(a).toEqual(b));

describe('ofType', () => {
  it('keeps only the named types, in order', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold<TrainEvent>('a-b-c|', { a: batchEnd(1, 4), b: evalEnd(1, { accuracy: 0.5 }), c: { type: 'epoch-start', epoch: 1, step: 1 } });
      expectObservable(events.pipe(ofType('eval-end', 'epoch-start'))).toBe('--b-c|', { b: evalEnd(1, { accuracy: 0.5 }), c: { type: 'epoch-start', epoch: 1, step: 1 } });
    });
  });
});

describe('emaLoss', () => {
  it('ignores other events and smooths the loss', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold<TrainEvent>('a---b-c-d|', { a: batchEnd(1, 4), b: evalEnd(1, { loss: 1 }), c: batchEnd(2, 8), d: batchEnd(3, 2) });
      expectObservable(events.pipe(emaLoss(0.5))).toBe('x-----y-z|', { x: 4, y: 6, z: 4 });
    });
  });

  it('rejects beta outside [0, 1)', () => {
    expect(() => emaLoss(1)).toThrow('emaLoss: beta must be in [0, 1), got 1');
  });
});

describe('throughput', () => {
  it('divides the examples of the last window steps by their time', () => {
    scheduler().run(({ cold, expectObservable }) => {
      // step times: 8/64 = 0.125 s, 8/32 = 0.25 s, 32/64 = 0.5 s
      const events = cold<TrainEvent>('a-b-c|', { a: batchEnd(1, 1, 64, 8), b: batchEnd(2, 1, 32, 8), c: batchEnd(3, 1, 64, 32) });
      expectObservable(events.pipe(throughput(2))).toBe('x-y-z|', { x: 64, y: 16 / 0.375, z: 40 / 0.75 });
    });
  });

  it("with a window of 1 gives each step's own rate, not the average so far", () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold<TrainEvent>('a-b-c|', { a: batchEnd(1, 1, 64, 8), b: batchEnd(2, 1, 32, 8), c: batchEnd(3, 1, 64, 32) });
      expectObservable(events.pipe(throughput(1))).toBe('x-y-z|', { x: 64, y: 32, z: 64 });
    });
  });
});

describe('metricSeries', () => {
  it('emits one point per eval-end reporting the metric, optionally of one split', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold<TrainEvent>('a-b-c-d|', {
        a: evalEnd(5, { accuracy: 0.5 }),
        b: batchEnd(6, 1),
        c: evalEnd(10, { loss: 0.3 }),
        d: evalEnd(15, { accuracy: 0.75 }, 'val'),
      });
      expectObservable(events.pipe(metricSeries('accuracy'))).toBe('x-----y|', {
        x: { epoch: 0, step: 5, split: 'test', value: 0.5 },
        y: { epoch: 0, step: 15, split: 'val', value: 0.75 },
      });
      expectObservable(events.pipe(metricSeries('accuracy', 'test'))).toBe('x------|', { x: { epoch: 0, step: 5, split: 'test', value: 0.5 } });
    });
  });
});

describe('progress', () => {
  it('reports the fraction done and an ETA from the pace since the run started', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      // run-start at t=0, epoch-start at t=0 (step 0); steps land at t=10 and t=20 (ms of virtual time).
      const events = cold<TrainEvent>('(ab) 6ms c 9ms d|', { a: runStart(4), b: { type: 'epoch-start', epoch: 0, step: 0 }, c: batchEnd(1, 1), d: batchEnd(2, 1) });
      expectObservable(events.pipe(progress(ts))).toBe('10ms x 9ms y|', {
        x: { epoch: 0, step: 1, totalSteps: 4, fraction: 0.25, elapsedMs: 10, etaMs: 30 },
        y: { epoch: 0, step: 2, totalSteps: 4, fraction: 0.5, elapsedMs: 20, etaMs: 20 },
      });
    });
  });

  it('counts only the steps since a resumed run started and omits the ETA without a total', () => {
    const ts = scheduler();
    ts.run(({ cold, expectObservable }) => {
      const events = cold<TrainEvent>('(ab) 6ms c|', { a: runStart(), b: { type: 'epoch-start', epoch: 1, step: 7 }, c: batchEnd(8, 1) });
      expectObservable(events.pipe(progress(ts))).toBe('10ms x|', { x: { epoch: 0, step: 8, elapsedMs: 10 } });
    });
  });
});

describe('untilRunEnd', () => {
  it('completes right after run-end', () => {
    scheduler().run(({ hot, expectObservable }) => {
      const end: TrainEvent = { type: 'run-end', status: 'completed', epoch: 0, step: 1 };
      const events = hot<TrainEvent>('a-b-c', { a: batchEnd(1, 1), b: end, c: batchEnd(2, 1) });
      expectObservable(events.pipe(untilRunEnd())).toBe('a-(b|)', { a: batchEnd(1, 1), b: end });
    });
  });
});
