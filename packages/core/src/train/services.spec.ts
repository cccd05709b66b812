import { describe, expect, it } from 'vitest';
import { SGD } from '@crossmodal/nn';
import { ones } from '@crossmodal/tensor';
import type { EventOf, TrainEvent } from '../bus/train-events.ts';
import { TrainingBus } from '../bus/training-bus.ts';
import { EarlyStopping } from './early-stopping.ts';
import { makeRun, marble } from './fixtures.spec-helper.ts';
import { LrSchedule, scheduleFromSpec } from './lr-schedule.ts';
import { MetricAggregator } from './metric-aggregator.ts';
import { defaultMode, MetricMonitor } from './metric-monitor.ts';
import { generatorState } from './state.ts';
import { getGenerator, manualSeed } from '@crossmodal/tensor';

const evalEnd = (step: number, metrics: Record<string, number>, split = 'test'): EventOf<'eval-end'> => ({ type: 'eval-end', epoch: 0, step, split, metrics });
const batchEnd = (step: number, loss: number): EventOf<'batch-end'> => ({ type: 'batch-end', epoch: 0, step, loss, lr: 0, examplesPerSecond: 1, batchSize: 1 });

describe('MetricMonitor', () => {
  it('counts only improvements beyond minDelta in the metric\'s direction', () => {
    const max = new MetricMonitor('accuracy', 'max', 0.01);
    expect([0.5, 0.505, 0.52, 0.4].map((v) => max.observe(v))).toEqual([true, false, true, false]);
    expect(max.best).toBe(0.52);
    const min = new MetricMonitor('loss');
    expect(min.mode).toBe('min');
    expect([1, 0.9, 0.95].map((v) => min.observe(v))).toEqual([true, true, false]);
    expect(defaultMode('top-5')).toBe('max');
  });

  it('never counts NaN as an improvement, not even first', () => {
    const m = new MetricMonitor('accuracy');
    expect([Number.NaN, 0.5, Number.NaN, 0.4].map((v) => m.observe(v))).toEqual([false, true, false, false]);
    expect(m.best).toBe(0.5);
  });

  it("records its metric and mode, and starts afresh from another metric's best", () => {
    const accuracy = new MetricMonitor('accuracy');
    accuracy.observe(0.93);
    expect(accuracy.state()).toEqual({ best: 0.93, metric: 'accuracy', mode: 'max' });
    const loss = new MetricMonitor('loss');
    expect(loss.loadState('checkpointer', accuracy.state())).toBe("checkpointer: the checkpoint's best (0.93) is of accuracy (max), this run watches loss (min): starting afresh");
    expect(loss.best).toBeUndefined();
    // A state from before metric and mode were recorded is taken as it is.
    expect(loss.loadState('checkpointer', { best: 0.2 })).toBeUndefined();
    expect(loss.best).toBe(0.2);
  });
});

describe('EarlyStopping', () => {
  it('sends stop after patience evaluations without improvement, and restores its state', () => {
    const bus = new TrainingBus();
    const commands: unknown[] = [];
    bus.commands$.subscribe((c) => commands.push(c));
    const stopping = new EarlyStopping(bus, { metric: 'loss', patience: 2, minDelta: 0.05 });
    for (const [step, loss] of [[1, 1], [2, 0.9], [3, 0.88], [4, 0.9]] as const) bus.emit(evalEnd(step, { loss }));
    expect(commands).toEqual([{ type: 'stop', reason: 'early stopping: loss did not fall by more than 0.05 for 2 evaluation(s) (best 0.9)' }]);
    const copy = new EarlyStopping(new TrainingBus(), { metric: 'loss', patience: 2 });
    copy.loadState(stopping.state());
    expect([copy.best, copy.staleEvaluations]).toEqual([0.9, 2]);
  });

  it('stops a run resumed at or past its patience at its next evaluation without improvement', () => {
    const bus = new TrainingBus();
    const commands: unknown[] = [];
    bus.commands$.subscribe((c) => commands.push(c));
    const stopping = new EarlyStopping(bus, { metric: 'loss', patience: 2 });
    stopping.loadState({ best: 0.5, metric: 'loss', mode: 'min', stale: 3 }); // resumed with a smaller patience
    bus.emit(evalEnd(1, { loss: 0.6 }));
    expect(commands).toHaveLength(1);
  });

  it('counts a NaN evaluation as one without improvement', () => {
    const bus = new TrainingBus();
    const stopping = new EarlyStopping(bus, { metric: 'loss', patience: 5 });
    bus.emit(evalEnd(1, { loss: 1 }));
    bus.emit(evalEnd(2, { loss: Number.NaN }));
    expect(stopping.staleEvaluations).toBe(1);
  });

  it('ignores evaluations that do not report its metric or are of another split', () => {
    const bus = new TrainingBus();
    const stopping = new EarlyStopping(bus, { metric: 'accuracy', patience: 1, split: 'val' });
    bus.emit(evalEnd(1, { accuracy: 0.5 }, 'val'));
    bus.emit(evalEnd(2, { accuracy: 0.1 }, 'test'));
    bus.emit(evalEnd(3, { loss: 0.1 }, 'val'));
    expect(stopping.staleEvaluations).toBe(0);
  });

  it('stops a training run after patience evaluations', async () => {
    const { trainer, bus, events } = makeRun({ size: 8, batchSize: 8, epochs: 10, lr: 0, evalSize: 9 });
    new EarlyStopping(bus, { metric: 'accuracy', patience: 2 });
    const outcome = await trainer.run();
    // lr 0: accuracy never changes; the first eval sets the best, two more without improvement stop it.
    expect(outcome).toMatchObject({ status: 'stopped', epoch: 3, step: 3, reason: expect.stringContaining('early stopping: accuracy did not rise') });
    expect(marble(events)).toBe('Ebve' + 'Ebve' + 'Ebve' + 't');
  });

  it('rejects a non-positive patience', () => {
    expect(() => new EarlyStopping(new TrainingBus(), { metric: 'loss', patience: 0 })).toThrow('EarlyStopping: patience must be a positive integer, got 0');
  });
});

describe('LrSchedule', () => {
  const setup = (spec: Parameters<typeof scheduleFromSpec>[0], total = 10) => {
    const bus = new TrainingBus();
    const optimizer = new SGD([ones([1], { requiresGrad: true })], { lr: 1 });
    return { bus, optimizer, schedule: new LrSchedule(bus, optimizer, scheduleFromSpec(spec, total)) };
  };

  it('writes the step-0 lr at once and the next lr after each batch-end', () => {
    const { bus, schedule } = setup({ name: 'linear', warmupSteps: 2 }, 6);
    const lrs = [schedule.lr[0]];
    for (let s = 1; s <= 6; s++) {
      bus.emit(batchEnd(s, 1));
      lrs.push(schedule.lr[0]);
    }
    expect(lrs).toEqual([0, 0.5, 1, 0.75, 0.5, 0.25, 0]);
  });

  it('rebases on lr-changed and resumes from its state', () => {
    const { bus, schedule } = setup({ name: 'step', stepSize: 2, gamma: 0.5 });
    bus.emit(batchEnd(1, 1));
    bus.emit(batchEnd(2, 1));
    expect(schedule.lr).toEqual([0.5]);
    bus.emit({ type: 'lr-changed', step: 2, lr: 4, reason: 'manual' });
    expect(schedule.lr).toEqual([2]);
    const other = setup({ name: 'step', stepSize: 2, gamma: 0.5 });
    other.schedule.loadState(schedule.state());
    expect(other.schedule.lr).toEqual([2]);
    expect(other.schedule.state()).toEqual({ step: 2, baseLrs: [4] });
    // The trainer's lr-changed carries the lr asked for as baseLr (lr is what the schedule applied).
    bus.emit({ type: 'lr-changed', step: 2, lr: 4, baseLr: 8, reason: 'manual' });
    expect(schedule.lr).toEqual([4]);
  });

  it('builds cosine to minLr and rejects a step schedule without stepSize', () => {
    expect(scheduleFromSpec({ name: 'cosine', minLr: 0.1 }, 4)(4, 1)).toBeCloseTo(0.1, 12);
    // The last step taken (index 3 of 4) is a quarter-turn short of the floor: 0.1 + 0.9·(1 + cos(3π/4))/2.
    expect(scheduleFromSpec({ name: 'cosine', minLr: 0.1 }, 4)(3, 1)).toBeCloseTo(0.1 + 0.45 * (1 - Math.SQRT1_2), 12);
    expect(scheduleFromSpec(undefined, 4)(3, 0.3)).toBe(0.3);
    expect(() => scheduleFromSpec({ name: 'step' }, 4)).toThrow("schedule 'step': stepSize is required");
  });
});

describe('MetricAggregator', () => {
  it('summarises the epoch loss, the latest evaluation and the best of each metric', () => {
    const bus = new TrainingBus();
    const agg = new MetricAggregator(bus);
    const events: TrainEvent[] = [
      batchEnd(1, 2), batchEnd(2, 4), evalEnd(2, { accuracy: 0.5, loss: 1 }), { type: 'epoch-end', epoch: 0, step: 2 },
      batchEnd(3, 1), evalEnd(3, { accuracy: 0.25, loss: 0.5 }),
    ];
    events.forEach((e) => bus.emit(e));
    expect(agg.summary()).toEqual({ 'train-loss': 1, accuracy: 0.25, loss: 0.5, 'best-accuracy': 0.5, 'best-loss': 0.5 });
    expect(agg.history).toEqual([{ epoch: 0, trainLoss: 3, eval: { accuracy: 0.5, loss: 1 } }]);
    // An epoch without an evaluation has none in its summary; a NaN never becomes a best.
    bus.emit({ type: 'epoch-end', epoch: 1, step: 3 });
    bus.emit(batchEnd(4, 1));
    bus.emit({ type: 'epoch-end', epoch: 2, step: 4 });
    expect(agg.history.map((h) => h.eval)).toEqual([{ accuracy: 0.5, loss: 1 }, { accuracy: 0.25, loss: 0.5 }, undefined]);
    bus.emit(evalEnd(4, { accuracy: Number.NaN, loss: 0.1 }));
    expect(agg.summary()).toMatchObject({ 'best-accuracy': 0.5, 'best-loss': 0.1 });
    const copy = new MetricAggregator(new TrainingBus());
    copy.loadState(agg.state());
    expect(copy.summary()).toEqual(agg.summary());
  });

  it('keeps the best of each metric in the direction it is given, whatever its name', () => {
    const bus = new TrainingBus();
    const agg = new MetricAggregator(bus, { mse: 'min', 'ema/mse': 'min', loss: 'max' });
    for (const [step, mse] of [[1, 0.5], [2, 0.2], [3, 0.3]] as const) bus.emit(evalEnd(step, { mse, 'ema/mse': mse, loss: mse, accuracy: mse }));
    expect(agg.summary()).toMatchObject({ 'best-mse': 0.2, 'best-ema/mse': 0.2, 'best-loss': 0.5, 'best-accuracy': 0.5 });
  });
});

describe('generatorState', () => {
  it('round-trips the engine generator through JSON, spare normal included', () => {
    manualSeed(11);
    getGenerator().normal(); // leaves a spare
    const saved = JSON.parse(JSON.stringify(generatorState.state()));
    const next = [getGenerator().normal(), getGenerator().uniform()];
    manualSeed(99);
    generatorState.loadState(saved);
    expect([getGenerator().normal(), getGenerator().uniform()]).toEqual(next);
    expect(() => generatorState.loadState([1, 2])).toThrow('generator: checkpoint state must be 5 numbers');
  });
});
