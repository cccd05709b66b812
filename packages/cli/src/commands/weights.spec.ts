// `--weights ema` on tiny mlp-spirals runs, one with train.ema and one without: eval scores the
// average as the run did, average soups averages, and a checkpoint without one is refused clearly.
import { loadSafetensors } from '@crossmodal/nn/node';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import { recordingIo } from '../testing-io.spec-helper.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo(dir);
  const code = await runCli(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

function config(name: string, ema: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `seed: 3
backend: cpu
model: { preset: mlp-spirals }
data: { train: { name: spirals, perClass: 20 }, eval: { name: spirals, split: test, perClass: 10 }, batchSize: 16 }
optimizer: { name: adamw, lr: 0.01 }
train: { epochs: 2${ema} }
metrics: [accuracy, mean-loss]
loggers: [{ name: jsonl }]
output: { dir: ${join(dir, name)} }
`);
  return path;
}

/** The metrics of the run's last eval-end, from its JSONL log. */
function lastEval(run: string): Record<string, number> {
  const events = readFileSync(join(dir, run, 'events.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; metrics?: Record<string, number> });
  return events.filter((e) => e.type === 'eval-end').at(-1)!.metrics!;
}

const withEma = join(dir, 'ema/checkpoints/last');
const without = join(dir, 'plain/checkpoints/last');

beforeAll(async () => {
  expect((await cli('train', config('ema', ', ema: { decay: 0.9 }'))).code).toBe(0);
  expect((await cli('train', config('plain', ''))).code).toBe(0);
}, 120_000);

describe('--weights', () => {
  it('eval scores the weight average as the run scored it, into its own report', async () => {
    const run = lastEval('ema');
    expect(Object.keys(run)).toEqual(['accuracy', 'loss', 'ema/accuracy', 'ema/loss']);
    expect(run['ema/loss']).not.toBe(run['loss']); // the two sets of weights differ, so the reports can tell them apart
    const averaged = await cli('eval', join(dir, 'ema.yaml'), '--checkpoint', withEma, '--weights', 'ema');
    expect(averaged.err).toBe('');
    expect(averaged.out).toContain(`with ${withEma} (weight average) (step`);
    const report = JSON.parse(readFileSync(join(dir, 'ema', 'eval-last-ema.json'), 'utf8'));
    expect(report).toMatchObject({ weights: 'ema', metrics: { accuracy: run['ema/accuracy'], loss: run['ema/loss'] } });
    expect((await cli('eval', join(dir, 'ema.yaml'), '--checkpoint', withEma)).code).toBe(0);
    const trained = JSON.parse(readFileSync(join(dir, 'ema', 'eval-last.json'), 'utf8'));
    expect(trained).toMatchObject({ weights: 'trained', metrics: { accuracy: run['accuracy'], loss: run['loss'] } });
  });

  it('refuses --weights ema for a checkpoint trained without train.ema, in every command (exit 2)', async () => {
    const message = `checkpoint '${without}' holds no weight average (no ema.safetensors: it was trained without train.ema); leave out --weights ema to use its trained weights\n`;
    const runs = [
      ['eval', await cli('eval', join(dir, 'plain.yaml'), '--checkpoint', without, '--weights', 'ema')],
      ['pos-embed', await cli('pos-embed', without, '--weights', 'ema')],
      ['attention', await cli('attention', without, '--index', '0', '--weights', 'ema')],
      ['average', await cli('average', without, without, '--out', 'never', '--weights', 'ema')],
    ] as const;
    for (const [command, r] of runs) {
      expect(r.err).toBe(`crossmodal: ${command}: --weights ema: ${message}`);
      expect(r.code).toBe(2);
    }
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('average --weights ema soups the averages into a plain checkpoint that records which weights went in', async () => {
    expect((await cli('average', withEma, withEma, '--out', 'soup', '--weights', 'ema')).code).toBe(0);
    const [ema, soup] = await Promise.all([join(withEma, 'ema.safetensors'), join(dir, 'soup', 'model.safetensors')].map(async (f) => (await loadSafetensors(f)).tensors));
    for (const [key, t] of Object.entries(ema!)) expect(soup![key]!.dataSync()).toEqual(t.dataSync());
    expect(existsSync(join(dir, 'soup', 'ema.safetensors'))).toBe(false);
    const meta = JSON.parse(readFileSync(join(dir, 'soup', 'checkpoint.json'), 'utf8'));
    expect(meta.ema).toBeUndefined();
    expect(meta.soup).toMatchObject({ method: 'uniform', weights: 'ema' });
  });
});
