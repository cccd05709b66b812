import { describe, expect, it } from 'vitest';
import { Linear, ModelEma, SGD } from '@crossmodal/nn';
import { noGrad, ones, tidy } from '@crossmodal/tensor';
import type { EventOf, TrainEvent } from '../bus/train-events.ts';
import { TrainingBus } from '../bus/training-bus.ts';
import { CHECKPOINT_FILES, hashConfig, parseCheckpointMeta, restoreCheckpoint } from './checkpoint.ts';
import { Checkpointer, type CheckpointPolicy } from './checkpointer.ts';
import { MemoryCheckpointStore } from './memory-checkpoint-store.ts';
import type { Stateful, TrainPosition } from './state.ts';

function setup(policy: CheckpointPolicy = {}, withEma = false) {
  const bus = new TrainingBus();
  const store = new MemoryCheckpointStore();
  const model = new Linear(2, 1);
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const position = { current: { epoch: 0, step: 0, batchInEpoch: 0 } as TrainPosition };
  const counter = { n: 0 };
  const part: Stateful = { stateKey: 'counter', state: () => ({ n: counter.n }), loadState: (s) => void (counter.n = (s as { n: number }).n) };
  const ema = withEma ? new ModelEma(model, { decay: 0.5, warmup: false }) : undefined;
  const checkpointer = new Checkpointer({ bus, store, model, optimizer, trainer: { get position() { return position.current; } }, parts: [part], policy, configHash: 'abc', ...(ema ? { ema } : {}) });
  const saved: EventOf<'checkpoint-saved'>[] = [];
  bus.events$.subscribe((e) => e.type === 'checkpoint-saved' && saved.push(e));
  const at = (step: number, epoch = 0, batchInEpoch = step): void => void (position.current = { epoch, step, batchInEpoch });
  return { bus, store, model, optimizer, checkpointer, saved, at, counter, ema };
}

const evalEnd = (step: number, metrics: Record<string, number>): TrainEvent => ({ type: 'eval-end', epoch: 0, step, split: 'test', metrics });

describe('Checkpointer', () => {
  it('keeps best on improvement, last at epoch ends and every N steps, interrupt on stop', async () => {
    const { bus, saved, at } = setup({ metric: 'accuracy', everySteps: 2 });
    at(1);
    bus.emit({ type: 'batch-end', epoch: 0, step: 1, loss: 1, lr: 0.1, examplesPerSecond: 1, batchSize: 1 });
    at(2);
    bus.emit({ type: 'batch-end', epoch: 0, step: 2, loss: 1, lr: 0.1, examplesPerSecond: 1, batchSize: 1 });
    bus.emit(evalEnd(2, { accuracy: 0.5 }));
    bus.emit(evalEnd(2, { accuracy: 0.4 }));
    at(2, 1, 0);
    bus.emit({ type: 'epoch-end', epoch: 0, step: 2 }); // `last` already written at step 2
    at(3, 1, 1);
    bus.emit({ type: 'train-end', status: 'stopped', epoch: 1, step: 3, reason: 'x' });
    await bus.settle();
    expect(saved.map((e) => [e.kind, e.step])).toEqual([['last', 2], ['best', 2], ['interrupt', 3]]);
  });

  it('writes last at a completed end unless this step is saved already', async () => {
    const { bus, saved, at } = setup({ keepBest: false });
    at(4);
    bus.emit({ type: 'train-end', status: 'completed', epoch: 0, step: 4 });
    await bus.settle();
    bus.emit({ type: 'epoch-end', epoch: 0, step: 4 });
    await bus.settle();
    expect(saved.map((e) => e.kind)).toEqual(['last']);
  });

  it('saves weights, optimizer state and every part, and restores them', async () => {
    const { checkpointer, store, model, optimizer, at, counter } = setup();
    model.parameters().forEach((p) => (p.grad = ones(p.shape)));
    optimizer.step(); // creates momentum buffers
    counter.n = 7;
    at(5, 1, 2);
    const location = await checkpointer.save('last');
    expect(store.files(location)).toEqual([CHECKPOINT_FILES.model, CHECKPOINT_FILES.optimizer, CHECKPOINT_FILES.meta]);
    const data = await store.load(location);
    expect(data.meta).toMatchObject({ kind: 'last', epoch: 1, step: 5, batchInEpoch: 2, configHash: 'abc', state: { counter: { n: 7 } } });
    const weights = model.stateDict()['weight']!.toArray();
    const other = setup();
    restoreCheckpoint(data, { model: other.model, optimizer: other.optimizer, parts: [{ stateKey: 'counter', state: () => null, loadState: (s) => void (other.counter.n = (s as { n: number }).n) }] });
    expect(other.model.stateDict()['weight']!.toArray()).toEqual(weights);
    const buffers = (o: typeof optimizer): Record<string, number[]> =>
      Object.fromEntries(Object.entries(o.stateDict().tensors).map(([k, t]) => [k, Array.from(t.dataSync())]));
    expect(Object.keys(buffers(other.optimizer)).sort()).toEqual(['0.momentumBuffer', '1.momentumBuffer']);
    expect(buffers(other.optimizer)).toEqual(buffers(optimizer)); // the values, not only the names
    expect(other.counter.n).toBe(7);
    model.parameters().forEach((p) => p.grad?.dispose());
  });

  it('saves the weight average as ema.safetensors before checkpoint.json and restores it with its update count', async () => {
    const { checkpointer, store, model, ema } = setup({}, true);
    for (let step = 1; step <= 3; step++) {
      noGrad(() => tidy(() => model.weight.assign(model.weight.add(1))));
      ema!.update(step);
    }
    const location = await checkpointer.save('last');
    expect(store.files(location)).toEqual([CHECKPOINT_FILES.model, CHECKPOINT_FILES.optimizer, CHECKPOINT_FILES.ema, CHECKPOINT_FILES.meta]);
    const data = await store.load(location);
    expect(data.meta.ema).toEqual({ decay: 0.5, updates: 3 });
    const average = ema!.stateDict()['weight']!.toArray();
    expect(average).not.toEqual(model.weight.toArray());
    const other = setup({}, true);
    restoreCheckpoint(data, { model: other.model, optimizer: other.optimizer, parts: [], ema: other.ema });
    expect(other.ema!.stateDict()['weight']!.toArray()).toEqual(average);
    expect(other.ema!.updates).toBe(3);
    expect(other.model.weight.toArray()).toEqual(model.weight.toArray());
  });

  it('loads a checkpoint without an average as before, and an EMA run resumed from one starts its average from the weights', async () => {
    const plain = setup();
    noGrad(() => tidy(() => plain.model.weight.assign(plain.model.weight.add(1))));
    const location = await plain.checkpointer.save('last');
    expect(plain.store.files(location)).toEqual([CHECKPOINT_FILES.model, CHECKPOINT_FILES.optimizer, CHECKPOINT_FILES.meta]);
    const data = await plain.store.load(location);
    expect(data.ema).toBeUndefined();
    const other = setup({}, true);
    other.ema!.updates = 4;
    restoreCheckpoint(data, { model: other.model, optimizer: other.optimizer, parts: [], ema: other.ema });
    expect(other.ema!.stateDict()['weight']!.toArray()).toEqual(plain.model.weight.toArray());
    expect(other.ema!.updates).toBe(0);
  });

  it('refuses an average without its checkpoint.json field, and a malformed field', async () => {
    const { checkpointer, store, ema } = setup({}, true);
    const data = await store.load(await checkpointer.save('last'));
    const { ema: _, ...meta } = data.meta;
    await expect(store.save('best', { ...data, meta })).rejects.toThrow("checkpoint: the weight average and checkpoint.json's 'ema' field go together; got the average without the field");
    expect(() => parseCheckpointMeta(JSON.stringify({ ...meta, ema: { decay: 0.5 } }), 'z/checkpoint.json'))
      .toThrow("checkpoint: z/checkpoint.json field 'ema' must be { decay: number, updates: integer }, got {\"decay\":0.5}");
    ema!.dispose();
  });

  it('hashes configs independently of key order', () => {
    expect(hashConfig({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(hashConfig({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(hashConfig({ a: 1 })).not.toBe(hashConfig({ a: 2 }));
  });

  it('rejects a checkpoint.json of another format with the file named', () => {
    expect(() => parseCheckpointMeta('{"format":"other"}', 'x/checkpoint.json')).toThrow('checkpoint: x/checkpoint.json is not a crossmodal-checkpoint version 1 file');
    expect(() => parseCheckpointMeta('{', 'y/checkpoint.json')).toThrow('checkpoint: y/checkpoint.json is not valid JSON');
  });

  it('says which locations exist when loading an unknown one', async () => {
    const { store } = setup();
    await expect(store.load('memory:best')).rejects.toThrow("MemoryCheckpointStore: no checkpoint at 'memory:best' (saved: none)");
  });
});
