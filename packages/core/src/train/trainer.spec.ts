import { describe, expect, it, vi } from 'vitest';
import { SGD } from '@crossmodal/nn';
import { memory } from '@crossmodal/tensor';
import { expectAllClose } from '@crossmodal/tensor/testing';
import { ofType } from '../bus/train-events.ts';
import { lossesOf, makeRun, marble } from './fixtures.spec-helper.ts';
import { countSteps } from './trainer.ts';

describe('Trainer', () => {
  it('emits epoch-start, batch-end per step, eval-end, epoch-end per epoch, then train-end', async () => {
    const { trainer, events } = makeRun({ size: 24, batchSize: 8, epochs: 2, evalSize: 12 });
    const outcome = await trainer.run();
    expect(marble(events)).toBe('Ebbbve' + 'Ebbbve' + 't');
    expect(outcome).toMatchObject({ status: 'completed', epoch: 2, step: 6 });
    // The outcome carries the last evaluation's metrics, as its eval-end reported them.
    const lastEval = events.filter((e) => e.type === 'eval-end').at(-1);
    expect(outcome.metrics).toEqual(lastEval?.type === 'eval-end' ? lastEval.metrics : undefined);
    expect(Object.keys(outcome.metrics ?? {})).toEqual(['accuracy']);
    const steps = events.flatMap((e) => (e.type === 'batch-end' ? [[e.epoch, e.step, e.batchSize]] : []));
    expect(steps).toEqual([[0, 1, 8], [0, 2, 8], [0, 3, 8], [1, 4, 8], [1, 5, 8], [1, 6, 8]]);
    expect(events.filter((e) => e.type === 'eval-end').map((e) => e.type === 'eval-end' && [e.epoch, e.step, e.split])).toEqual([[0, 3, 'test'], [1, 6, 'test']]);
  });

  it('evaluates every N steps and at the end when neither divides the run', async () => {
    const { trainer, events } = makeRun({ size: 24, batchSize: 8, epochs: 1, evalSize: 8, trainer: { evalEvery: { steps: 2 } } });
    await trainer.run();
    expect(marble(events)).toBe('Ebbvbevt');
  });

  it('stops after the step during which a stop command arrived', async () => {
    const { trainer, events, bus } = makeRun({ size: 40, batchSize: 4, epochs: 3 });
    bus.events$.pipe(ofType('batch-end')).subscribe((e) => {
      if (e.step === 4) bus.send({ type: 'stop', reason: 'test stop' });
    });
    const outcome = await trainer.run();
    expect(outcome).toMatchObject({ status: 'stopped', step: 4, epoch: 0, reason: 'test stop' });
    expect(trainer.position).toEqual({ epoch: 0, step: 4, batchInEpoch: 4 });
    expect(marble(events)).toBe('Ebbbbt');
    expect(events.at(-1)).toMatchObject({ type: 'train-end', status: 'stopped', reason: 'test stop' });
  });

  it('waits between steps while paused and goes on after resume', async () => {
    const { trainer, events, bus } = makeRun({ size: 16, batchSize: 4, epochs: 1 });
    bus.events$.subscribe((e) => {
      if (e.type === 'batch-end' && e.step === 1) bus.send({ type: 'pause' });
      if (e.type === 'paused') setTimeout(() => bus.send({ type: 'resume' }), 30);
    });
    const started = performance.now();
    await trainer.run();
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(marble(events)).toBe('Ebprbbbet');
    expect(events[2]).toEqual({ type: 'paused', step: 1 });
    expect(events[3]).toEqual({ type: 'resumed', step: 1 });
  });

  it('holds a ref\'d timer while paused, so the host does not exit, and clears it on resume', async () => {
    const { trainer, bus } = makeRun({ size: 16, batchSize: 4, epochs: 1 });
    const setSpy = vi.spyOn(globalThis, 'setInterval');
    const clearSpy = vi.spyOn(globalThis, 'clearInterval');
    try {
      let heldWhilePaused = false;
      bus.events$.subscribe((e) => {
        if (e.type === 'batch-end' && e.step === 2) bus.send({ type: 'pause' });
        if (e.type === 'paused') {
          setTimeout(() => {
            const timer = setSpy.mock.results[0]?.value as NodeJS.Timeout | undefined;
            heldWhilePaused = timer?.hasRef() === true && clearSpy.mock.calls.length === 0;
            bus.send({ type: 'resume' });
          }, 5);
        }
      });
      expect(await trainer.run()).toMatchObject({ status: 'completed', step: 4 });
      expect(heldWhilePaused).toBe(true);
      expect(setSpy).toHaveBeenCalledTimes(1);
      expect(clearSpy).toHaveBeenCalledWith(setSpy.mock.results[0]?.value);
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }
  });

  it('obeys a stop sent while paused', async () => {
    const { trainer, events, bus } = makeRun({ size: 16, batchSize: 4, epochs: 1 });
    bus.events$.subscribe((e) => {
      if (e.type === 'batch-end' && e.step === 2) bus.send({ type: 'pause' });
      if (e.type === 'paused') setTimeout(() => bus.send({ type: 'stop', reason: 'bye' }), 5);
    });
    expect(await trainer.run()).toMatchObject({ status: 'stopped', step: 2 });
    expect(marble(events)).toBe('Ebbpt');
  });

  it('sets every group\'s lr on set-lr and the next batch-end carries it', async () => {
    const { trainer, events, bus, optimizer } = makeRun({ size: 24, batchSize: 4, epochs: 1, lr: 0.1 });
    bus.events$.pipe(ofType('batch-end')).subscribe((e) => {
      if (e.step === 2) bus.send({ type: 'set-lr', lr: 0.025, reason: 'manual' });
      if (e.step === 3) bus.send({ type: 'set-lr', lr: -1, reason: 'bad' });
    });
    await trainer.run();
    expect(events.flatMap((e) => (e.type === 'batch-end' ? [e.lr] : []))).toEqual([0.1, 0.1, 0.025, 0.025, 0.025, 0.025]);
    expect(events.find((e) => e.type === 'lr-changed')).toEqual({ type: 'lr-changed', step: 2, lr: 0.025, baseLr: 0.025, reason: 'manual' });
    expect(events.find((e) => e.type === 'error')).toMatchObject({ fatal: false, message: expect.stringContaining('set-lr: lr must be a finite number >= 0, got -1') });
    expect(optimizer.paramGroups.every((g) => g.lr === 0.025)).toBe(true);
  });

  it('accumulates gradients to the same steps as one big batch, a shorter last group included', async () => {
    // 10 examples: big batches of 6 and 4 vs micro-batches of 2 in groups of 3 and 2.
    const big = makeRun({ size: 10, batchSize: 6, epochs: 2, shuffle: false, dropout: 0 });
    const small = makeRun({ size: 10, batchSize: 2, epochs: 2, shuffle: false, dropout: 0, trainer: { gradAccumulation: 3 } });
    await big.trainer.run();
    await small.trainer.run();
    const bigSteps = big.events.filter((e) => e.type === 'batch-end');
    expect(small.events.filter((e) => e.type === 'batch-end').map((e) => e.type === 'batch-end' && [e.step, e.batchSize])).toEqual(
      bigSteps.map((e) => e.type === 'batch-end' && [e.step, e.batchSize]),
    );
    const [a, b] = [lossesOf(big.events), lossesOf(small.events)];
    a.forEach((loss, i) => expect(b[i]).toBeCloseTo(loss, 5));
    for (const [name, p] of big.model.namedParameters()) expectAllClose(small.model.stateDict()[name]!, p, { atol: 1e-5 });
    expect(countSteps(5, 2, 3)).toBe(4);
  });

  it('clips the gradient norm before each step', async () => {
    const { trainer, model, optimizer } = makeRun({ size: 8, batchSize: 8, epochs: 1, lr: 1, dropout: 0, trainer: { clipGradNorm: 1e-3 } });
    const before = model.parameters().map((p) => Array.from(p.dataSync()));
    expect(optimizer).toBeInstanceOf(SGD);
    await trainer.run();
    const moved = model.parameters().flatMap((p, i) => Array.from(p.dataSync(), (v, j) => v - before[i]![j]!));
    const norm = Math.sqrt(moved.reduce((s, d) => s + d * d, 0));
    expect(norm).toBeGreaterThan(0);
    expect(norm).toBeLessThanOrEqual(1e-3 * 1.001);
  });

  it('ends at maxSteps mid-epoch as completed', async () => {
    const { trainer, events } = makeRun({ size: 40, batchSize: 4, epochs: 5, trainer: { maxSteps: 3 } });
    expect(trainer.totalSteps).toBe(3);
    expect(await trainer.run()).toMatchObject({ status: 'completed', step: 3, epoch: 0 });
    expect(marble(events)).toBe('Ebbbt');
  });

  it('ends the epoch (its evaluation and epoch-end) when maxSteps lands on its last step', async () => {
    const { trainer, events } = makeRun({ size: 16, batchSize: 4, epochs: 3, evalSize: 8, trainer: { maxSteps: 4 } });
    expect(await trainer.run()).toMatchObject({ status: 'completed', step: 4, epoch: 1 });
    expect(marble(events)).toBe('Ebbbbvet');
    expect(events.at(-2)).toEqual({ type: 'epoch-end', epoch: 0, step: 4 });
  });

  it('rejects when a step throws, and leaves no stray tensors behind', async () => {
    const { trainer } = makeRun({ size: 16, batchSize: 4, epochs: 1, failAtCall: 3 });
    const before = memory().tensors;
    await expect(trainer.run()).rejects.toThrow('TinyClassifier: planned failure at call 3');
    await new Promise((r) => setTimeout(r, 10));
    // Left: the gradients of the two finished steps were zeroed; only read-ahead batches (freed) and params remain.
    expect(memory().tensors).toBe(before);
  });

  it('stops with an error naming the place when the loss is not finite, before the step takes it', async () => {
    const { trainer, bus, model } = makeRun({ size: 16, batchSize: 4, epochs: 1 });
    const weight = model.head.parameters()[0]!; // after the encoder's ReLU, so nothing can mask the NaN
    bus.events$.pipe(ofType('batch-end')).subscribe((e) => {
      if (e.step === 2) weight.assign(weight.mul(Number.NaN)); // the weights turn NaN after step 2
    });
    await expect(trainer.run()).rejects.toThrow(
      'Trainer: the loss is NaN at epoch 0, batch 2 of the epoch (optimizer step 3); the run stops before the weights take it',
    );
    expect(trainer.position.step).toBe(2);
  });

  it('keeps the live tensor count flat from epoch to epoch', async () => {
    const { trainer, bus } = makeRun({ size: 24, batchSize: 4, epochs: 4, evalSize: 10 });
    const counts: number[] = [];
    bus.events$.pipe(ofType('epoch-end')).subscribe(() => counts.push(memory().tensors));
    await trainer.run();
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
  });

  it('updates the weight average after every optimizer step without changing the training', async () => {
    const plain = makeRun({ size: 24, batchSize: 8, epochs: 2, evalSize: 12 });
    const plainOutcome = await plain.trainer.run();
    const { trainer, events, model, ema, bus } = makeRun({ size: 24, batchSize: 8, epochs: 2, evalSize: 12, ema: { decay: 0.6 } });
    // A float64 reference of the average, fed the weights each batch-end sees (after the step).
    const reference = new Map(model.namedParameters().map(([name, p]) => [name, Array.from(p.dataSync())]));
    bus.events$.pipe(ofType('batch-end')).subscribe((e) => {
      const d = ema!.decayAt(e.step);
      for (const [name, p] of model.namedParameters()) {
        const w = p.dataSync();
        reference.set(name, reference.get(name)!.map((v, i) => v + (1 - d) * (w[i]! - v)));
      }
    });
    const outcome = await trainer.run();
    expect(lossesOf(events)).toEqual(lossesOf(plain.events));
    for (const [name, p] of plain.model.namedParameters()) expect(model.stateDict()[name]!.dataSync()).toEqual(p.dataSync());
    expect(ema!.updates).toBe(6);
    const averaged = ema!.stateDict();
    for (const [name, data] of reference) expectAllClose(averaged[name]!, { shape: averaged[name]!.shape, data }, { atol: 1e-6, rtol: 0 });
    expect(Object.keys(outcome.metrics ?? {})).toEqual(['accuracy', 'ema/accuracy']);
    expect(outcome.metrics?.['accuracy']).toBe(plainOutcome.metrics?.['accuracy']);
  });

  it('rejects bad options with the value', () => {
    expect(() => makeRun({ trainer: { gradAccumulation: 0 } })).toThrow('Trainer: gradAccumulation must be a positive integer, got 0');
    expect(() => makeRun({ trainer: { clipGradNorm: -1 } })).toThrow('Trainer: clipGradNorm must be > 0, got -1');
  });
});
