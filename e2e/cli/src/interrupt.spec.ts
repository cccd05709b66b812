// Ctrl-C end to end: SIGINT stops the run after the current step with an interrupt checkpoint
// (exit 130), and `--resume` continues it to the same losses an uninterrupted run has.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, smallConfig, waitFor, workdir, type TrainEventLine, type Workdir } from './harness.ts';

/** One epoch of 6000 points in batches of 16 (375 steps): long enough to interrupt, no eval. */
const longConfig = (outputDir: string): string =>
  smallConfig({ epochs: 1, outputDir })
    .replace('train: { name: spirals, perClass: 20 }', 'train: { name: spirals, perClass: 2000 }')
    .replace(/ {2}eval: .*\n/, '')
    .replace('metrics: [accuracy]', 'metrics: []\ncheckpoint: { keepBest: false }');

const losses = (events: readonly TrainEventLine[]): Map<number, number> =>
  new Map(events.filter((e) => e.type === 'batch-end').map((e) => [e['step'] as number, e['loss'] as number]));

describe('Ctrl-C and --resume', () => {
  let wd: Workdir;
  beforeAll(() => {
    wd = workdir('interrupt');
    wd.write('long.yaml', longConfig('runs/long'));
    wd.write('reference.yaml', longConfig('runs/reference'));
  });
  afterAll(() => wd.dispose());

  it('stops after the current step on SIGINT, leaves an interrupt checkpoint, and resumes to the uninterrupted losses', async () => {
    const child = wd.start(['train', 'long.yaml']);
    const done = finished(child);
    const log = join(wd.dir, 'runs/long/events.jsonl');
    await waitFor(() => existsSync(log) && wd.events('runs/long').filter((e) => e.type === 'batch-end').length >= 5, 60_000, '5 batch-end events');
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.status).toBe(130);
    expect(stopped.stderr).toContain('crossmodal: stopping after the current step and writing an interrupt checkpoint (Ctrl-C again to quit now)');
    const first = wd.events('runs/long');
    const end = first.at(-1)!;
    expect(end).toMatchObject({ type: 'run-end', status: 'stopped', reason: 'SIGINT' });
    const lastStep = Math.max(...losses(first).keys());
    expect(end['step']).toBe(lastStep);
    expect(lastStep).toBeLessThan(375);
    expect(first.find((e) => e.type === 'checkpoint-saved' && e['kind'] === 'interrupt')).toMatchObject({ step: lastStep });
    expect(existsSync(join(wd.dir, 'runs/long/checkpoints/interrupt/checkpoint.json'))).toBe(true);
    expect(stopped.stderr).toContain(`resume with: crossmodal train long.yaml --resume runs/long/checkpoints/interrupt`);

    const resumed = wd.run(['train', 'long.yaml', '--resume', 'runs/long/checkpoints/interrupt']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    const all = wd.events('runs/long');
    const second = all.slice(first.length);
    expect(second[0]).toMatchObject({ type: 'run-start' });
    expect(second.find((e) => e.type === 'batch-end')).toMatchObject({ step: lastStep + 1 });
    expect(second.at(-1)).toMatchObject({ type: 'run-end', status: 'completed', step: 375 });
    // Its closing line counts this process's images and says where it took over.
    expect(resumed.stdout.trim().split('\n').at(-1)).toMatch(
      new RegExp(`training images in \\d+:\\d\\d.* \\(resumed at step ${lastStep}: images and times are this process's\\)$`),
    );

    expect(wd.run(['train', 'reference.yaml']).status).toBe(0);
    const reference = losses(wd.events('runs/reference'));
    const continued = losses(second);
    expect(continued.size).toBe(375 - lastStep);
    for (const [step, loss] of continued) expect(loss, `step ${step}`).toBe(reference.get(step));
  });
});
