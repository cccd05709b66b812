// ConsoleLogger: the exact text on a TTY (a redrawn bar, throttled) and off one (plain lines).
import type { TrainEvent } from '@crossmodal/core';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ConsoleLogger, epochsOf } from './console-logger.ts';
import { memoryOutput } from './text-output.ts';

const runStart: TrainEvent = {
  type: 'run-start',
  runId: 'r1',
  backend: 'cpu',
  backendReason: 'forced by config',
  config: { train: { epochs: 2 } },
  outputDir: 'runs/x',
  totalSteps: 4,
};
const batch = (epoch: number, step: number, loss: number): TrainEvent => ({
  type: 'batch-end',
  epoch,
  step,
  loss,
  lr: 0.01,
  examplesPerSecond: 1234.4,
  batchSize: 32,
});
const run: TrainEvent[] = [
  runStart,
  { type: 'epoch-start', epoch: 0, step: 0 },
  batch(0, 1, 1.0),
  batch(0, 2, 0.5),
  { type: 'eval-end', epoch: 0, step: 2, split: 'test', metrics: { accuracy: 0.75, loss: 0.61234 } },
  { type: 'checkpoint-saved', epoch: 1, step: 2, path: 'runs/x/checkpoints/best', kind: 'best' },
  { type: 'epoch-end', epoch: 0, step: 2 },
  { type: 'epoch-start', epoch: 1, step: 2 },
  batch(1, 3, 0.25),
  batch(1, 4, 0.125),
  { type: 'train-end', status: 'completed', epoch: 2, step: 4 },
  { type: 'run-end', status: 'completed', epoch: 2, step: 4, metrics: { accuracy: 0.9 } },
];

/** Feeds `events` to a logger on a fake clock that advances `tick` ms per event. */
async function render(isTTY: boolean, events: readonly TrainEvent[], tick: number, logEvery = 2): Promise<string> {
  const output = memoryOutput({ isTTY });
  let t = 0;
  const logger = new ConsoleLogger({ output, logEvery, barWidth: 4, now: () => t });
  const bus = new Subject<TrainEvent>();
  const sub = logger.attach(bus);
  for (const e of events) {
    t += tick;
    bus.next(e);
  }
  await logger.close();
  sub.unsubscribe();
  return output.text;
}

describe('ConsoleLogger', () => {
  it('prints plain lines every logEvery steps without a TTY', async () => {
    expect(await render(false, run, 1000)).toBe(
      [
        'run r1 on backend cpu (forced by config), 4 steps → runs/x',
        'epoch 1 step 2/4 loss 0.5000 smoothed 0.9500 lr 1.00e-2 1234 ex/s',
        'eval epoch 1 step 2 [test]: accuracy 0.7500 loss 0.6123',
        'checkpoint (best) step 2 → runs/x/checkpoints/best',
        'epoch 2 step 4/4 loss 0.1250 smoothed 0.8045 lr 1.00e-2 1234 ex/s',
        'run completed at step 4 after 0:11: accuracy 0.9000',
        '',
      ].join('\n'),
    );
  });

  it('redraws one bar per epoch in place on a TTY, with ETA and the running loss', async () => {
    const bar = (text: string): string => `\r${text}\x1b[K`;
    expect(await render(true, run, 1000)).toBe(
      [
        'run r1 on backend cpu (forced by config), 4 steps → runs/x\n',
        bar('epoch 1/2 [##--] 1/2 ETA 0:03 loss 1.0000 lr 1.00e-2 1234 ex/s'),
        bar('epoch 1/2 [####] 2/2 ETA 0:02 loss 0.9500 lr 1.00e-2 1234 ex/s'),
        '\neval epoch 1 step 2 [test]: accuracy 0.7500 loss 0.6123\n',
        'checkpoint (best) step 2 → runs/x/checkpoints/best\n',
        bar('epoch 2/2 [##--] 1/2 ETA 0:01 loss 0.8800 lr 1.00e-2 1234 ex/s'),
        bar('epoch 2/2 [####] 2/2 ETA 0:00 loss 0.8045 lr 1.00e-2 1234 ex/s'),
        '\nrun completed at step 4 after 0:11: accuracy 0.9000\n',
      ].join(''),
    );
  });

  it('draws at most once per refresh interval, then the latest state before the next line', async () => {
    const events: TrainEvent[] = [
      { ...runStart, totalSteps: 100, config: { train: { epochs: 1 } } },
      { type: 'epoch-start', epoch: 0, step: 0 },
      ...Array.from({ length: 30 }, (_, i) => batch(0, i + 1, 1)),
      { type: 'run-end', status: 'stopped', reason: 'SIGINT', epoch: 0, step: 30 },
    ];
    const text = await render(true, events, 10); // 10 ms per event: ten batches per 100 ms
    const draws = text.split('\r').slice(1);
    expect(draws.map((d) => d.match(/\] (\d+)\/100/)?.[1])).toEqual(['1', '11', '21', '30']);
    expect(text.endsWith('\nrun stopped (SIGINT) at step 30 after 0:00\n')).toBe(true);
  });

  it('learns the epoch length from the first epoch when the config does not declare epochs', async () => {
    const events: TrainEvent[] = [
      { ...runStart, config: {}, totalSteps: 6 },
      { type: 'epoch-start', epoch: 0, step: 0 },
      batch(0, 1, 1),
      batch(0, 2, 1),
      batch(0, 3, 1),
      { type: 'epoch-start', epoch: 1, step: 3 },
      batch(1, 4, 1),
    ];
    const lines = (await render(true, events, 1000)).split('\r').map((d) => d.split(' ETA')[0]);
    expect(lines.slice(1)).toEqual(['epoch 1 [#---] 1/6', 'epoch 1 [#---] 2/6', 'epoch 1 [##--] 3/6', 'epoch 2 [#---] 1/3']);
  });

  it('cuts progress lines to the terminal width and reports errors and lr changes', async () => {
    const output = memoryOutput({ isTTY: true, columns: 15 });
    const logger = new ConsoleLogger({ output, now: () => 0 });
    const bus = new Subject<TrainEvent>();
    logger.attach(bus);
    bus.next(batch(0, 1, 2));
    bus.next({ type: 'lr-changed', step: 1, lr: 0.0005, reason: 'plateau' });
    bus.next({ type: 'error', message: 'NaN loss', fatal: true });
    expect(output.text).toBe('\repoch 1 step 1\x1b[K\nlr → 5.00e-4 at step 1 (plateau)\nerror: NaN loss\n');
  });
});

describe('epochsOf', () => {
  it('reads train.epochs or epochs, and nothing else', () => {
    expect(epochsOf({ train: { epochs: 5 } })).toBe(5);
    expect(epochsOf({ epochs: 3 })).toBe(3);
    expect(epochsOf({ train: { epochs: 0 } })).toBeUndefined();
    expect(epochsOf('x')).toBeUndefined();
  });
});
