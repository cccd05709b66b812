import { describe, expect, it } from 'vitest';
import type { TrainCommand, TrainEvent } from './train-events.ts';
import { TrainingBus } from './training-bus.ts';

describe('TrainingBus', () => {
  it('delivers events and commands to subscribers and completes both streams', () => {
    const bus = new TrainingBus();
    const events: TrainEvent[] = [];
    const commands: TrainCommand[] = [];
    let completed = 0;
    bus.events$.subscribe({ next: (e) => events.push(e), complete: () => completed++ });
    bus.commands$.subscribe({ next: (c) => commands.push(c), complete: () => completed++ });
    bus.emit({ type: 'paused', step: 3 });
    bus.send({ type: 'resume' });
    bus.complete();
    expect(events).toEqual([{ type: 'paused', step: 3 }]);
    expect(commands).toEqual([{ type: 'resume' }]);
    expect(completed).toBe(2);
  });

  it('settles after held work, including work held while settling', async () => {
    const bus = new TrainingBus();
    const done: string[] = [];
    const later = (ms: number, tag: string) => new Promise<void>((r) => setTimeout(() => (done.push(tag), r()), ms));
    bus.hold(later(10, 'a').then(() => bus.hold(later(10, 'b'))));
    await bus.settle();
    expect(done).toEqual(['a', 'b']);
    await bus.settle(); // nothing held: resolves at once
  });

  it('rejects settle with the first failure of held work, once', async () => {
    const bus = new TrainingBus();
    bus.hold(Promise.reject(new Error('disk full')));
    bus.hold(Promise.resolve());
    await expect(bus.settle()).rejects.toThrow('disk full');
    await expect(bus.settle()).resolves.toBeUndefined();
    bus.fail(new Error('subscriber threw'));
    expect(bus.failing).toBe(true);
    await expect(bus.settle()).rejects.toThrow('subscriber threw');
    expect(bus.failing).toBe(false);
  });

  it('keeps commands sent before anyone listens and replays them, in order, to the first subscribers', () => {
    const bus = new TrainingBus();
    bus.send({ type: 'pause' });
    bus.send({ type: 'stop', reason: 'early' });
    const first: TrainCommand[] = [];
    const second: TrainCommand[] = [];
    bus.commands$.subscribe((c) => first.push(c));
    bus.send({ type: 'resume' });
    bus.commands$.subscribe((c) => second.push(c));
    bus.send({ type: 'set-lr', lr: 1, reason: 'x' });
    expect(first.map((c) => c.type)).toEqual(['pause', 'stop', 'resume', 'set-lr']);
    expect(second.map((c) => c.type)).toEqual(['set-lr']);
  });
});
