// The study commands in-process on tiny mlp-spirals runs: attention refuses a model without
// attention maps, average writes a soup eval accepts (and refuses mismatched checkpoints), greedy
// prints its scores, pos-embed refuses a checkpoint without one, curves draws a run's log.
import { loadSafetensors, saveSafetensors } from '@crossmodal/nn/node';
import { tensor } from '@crossmodal/tensor';
import { decodePng, encodePng } from '@crossmodal/viz';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.ts';
import { recordingIo } from '../testing-io.spec-helper.ts';
import { imageFromPng } from './attention.ts';
import { findPosEmbed } from './pos-embed.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a command line in `dir`; resolves to the exit code and what was printed. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo(dir);
  const code = await runCli(argv, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

function config(name: string, seed: number): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `seed: ${seed}
backend: cpu
model: { preset: mlp-spirals }
data: { train: { name: spirals, perClass: 20 }, eval: { name: spirals, split: test, perClass: 10 }, batchSize: 16 }
optimizer: { name: adamw, lr: 0.01 }
train: { epochs: 2 }
metrics: [accuracy]
loggers: [{ name: jsonl }]
output: { dir: ${join(dir, name)} }
`);
  return path;
}

beforeAll(async () => {
  for (const [name, seed] of [['a', 1], ['b', 2]] as const) expect((await cli('train', config(name, seed))).code).toBe(0);
}, 120_000); // two short runs: seconds alone, longer on a loaded 2-core machine

describe('attention', () => {
  it('refuses a model without attention maps, naming it (exit 2)', async () => {
    const r = await cli('attention', join(dir, 'a/checkpoints/last'), '--index', '0');
    expect(r.err).toBe("crossmodal: attention: model 'mlp-spirals' returned no attention maps (attention: none); it needs a transformer encoder such as vit's\n");
    expect(r.code).toBe(2);
    expect((await cli('attention', join(dir, 'a/checkpoints/last'), '--image', 'x.png')).err).toContain("model 'mlp-spirals' has no image encoder");
  });

  it('says where it looked for the run config, and refuses a directory that is not a checkpoint', async () => {
    const lone = join(dir, 'lone');
    cpSync(join(dir, 'a/checkpoints/last'), lone, { recursive: true });
    expect((await cli('attention', lone, '--index', '0')).err).toBe(`crossmodal: attention: no run config for checkpoint '${lone}' (looked for ${join(lone, 'resolved-config.json')}); pass --config <run.yaml>\n`);
    expect((await cli('attention', join(dir, 'nowhere'), '--index', '0')).err).toMatch(/^crossmodal: attention: '.*nowhere' is not a checkpoint: no checkpoint\.json/);
  });

  it('turns a PNG into the model input: luma, shorter side resized, centre-cropped, pixels mapped onto the data range', () => {
    // Two rows of white, black, black, white: the centre crop keeps the black middle (a squash would mix them).
    const row = [255, 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255];
    const png = encodePng({ width: 4, height: 2, channels: 3, data: Uint8Array.from([...row, ...row]) });
    const grey = imageFromPng(png, { size: 2, channels: 1 }, { min: [-1], max: [3] });
    expect(grey.shape).toEqual([1, 2, 2]);
    expect(Array.from(grey.data).map((v) => Math.round(v * 1000) / 1000)).toEqual([-1, -1, -1, -1]);
    // 4×2 → shorter side 4 gives 8×4, cropped to 4×4; the outer white columns are cut away.
    const rgb = imageFromPng(png, { size: 4, channels: 3 });
    expect(rgb.shape).toEqual([3, 4, 4]);
    expect(Math.max(...Array.from(rgb.data))).toBeLessThan(0.5);
  });
});

describe('average', () => {
  const [a, b] = ['a', 'b'].map((run) => join(dir, run, 'checkpoints/last'));

  it('writes the uniform soup as a checkpoint eval accepts, with its run config and members', async () => {
    const r = await cli('average', a!, b!, '--out', 'soup');
    expect(r.err).toBe('');
    expect(r.out).toBe(`averaged 2 of 2 checkpoints (uniform soup): ${a}, ${b}\nwrote soup\n`);
    const [wa, wb, ws] = await Promise.all([a!, b!, join(dir, 'soup')].map(async (d) => (await loadSafetensors(join(d, 'model.safetensors'))).tensors));
    for (const key of Object.keys(wa!)) {
      const mean = wa![key]!.dataSync().map((v, i) => (v + wb![key]!.dataSync()[i]!) / 2);
      expect(ws![key]!.dataSync()).toEqual(mean);
    }
    const meta = JSON.parse(readFileSync(join(dir, 'soup/checkpoint.json'), 'utf8'));
    expect(meta).toMatchObject({ format: 'crossmodal-checkpoint', soup: { method: 'uniform', members: [a, b] }, state: {} });
    expect(JSON.parse(readFileSync(join(dir, 'soup/resolved-config.json'), 'utf8'))).toMatchObject({ model: { preset: 'mlp-spirals' } });
    const evaluated = await cli('eval', join(dir, 'a.yaml'), '--checkpoint', join(dir, 'soup'));
    expect(evaluated.code).toBe(0);
    expect(evaluated.out).toMatch(/\n {2}accuracy 0\.\d{4}\n/);
    expect((await cli('average', a!, '--out', 'soup')).err).toBe("crossmodal: average: --out 'soup' already exists; name a new directory for the averaged checkpoint\n");
  });

  it('refuses checkpoints whose keys or shapes differ, listing them (exit 2)', async () => {
    const odd = join(dir, 'odd');
    cpSync(a!, odd, { recursive: true });
    const { tensors } = await loadSafetensors(join(a!, 'model.safetensors'));
    const [first, ...rest] = Object.keys(tensors);
    await saveSafetensors(join(odd, 'model.safetensors'), { ...Object.fromEntries(rest.map((k) => [k, tensors[k]!])), extra: tensor([1, 2]) });
    const r = await cli('average', a!, odd, '--out', 'never');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`missing keys (1): ${first}`);
    expect(r.err).toContain('unexpected keys (1): extra');
  });

  it('greedy: scores every candidate, keeps those that do not lower the soup, prints the scores', async () => {
    const best = join(dir, 'a/checkpoints/best');
    const r = await cli('average', b!, best, a!, '--greedy', '--config', join(dir, 'a.yaml'), '--out', 'greedy');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const recorded = JSON.parse(readFileSync(join(best, 'checkpoint.json'), 'utf8')).metrics.accuracy as number;
    expect(r.out).toContain(`  ${best}: accuracy ${recorded.toFixed(4)} (recorded)\n`);
    expect(r.out).toMatch(/ {2}\S+b\/checkpoints\/last: accuracy 0\.\d{4} \(evaluated\)\n/);
    const steps = r.out.match(/^ {2}(kept {3}|dropped) .*$/gm)!;
    expect(steps).toHaveLength(3);
    expect(steps[0]).toMatch(/^ {2}kept/);
    const kept = JSON.parse(readFileSync(join(dir, 'greedy/checkpoint.json'), 'utf8')).soup.members as string[];
    expect(kept.length).toBe(steps.filter((s) => s.includes('kept')).length);
    expect(r.out).toMatch(/\nsoup accuracy 0\.\d{4}\nwrote greedy\n$/);
  });

  it('greedy: re-evaluates a recorded score taken on other eval data than the soups are scored on', async () => {
    const best = join(dir, 'a/checkpoints/best');
    const r = await cli('average', best, a!, '--greedy', '--config', join(dir, 'a.yaml'), '--set', 'data.eval.perClass=4', '--out', 'greedy-other');
    expect(r.err).toBe('');
    expect(r.out).toMatch(new RegExp(`  ${best.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: accuracy 0\\.\\d{4} \\(evaluated\\)\n`));
    expect(r.out).not.toContain('(recorded)');
  });
});

describe('pos-embed', () => {
  it('finds the one …pos_embed and infers grid and prefix tokens', () => {
    const pe = { shape: [1, 17, 4], data: new Float32Array(68) };
    expect(findPosEmbed({ 'encoders.vision.pos_embed': pe, 'x.weight': pe }, 'w')).toMatchObject({ name: 'encoders.vision.pos_embed', prefixTokens: 1, grid: 4 });
    expect(findPosEmbed({ pos_embed: { shape: [196, 4], data: new Float32Array(784) } }, 'w')).toMatchObject({ prefixTokens: 0, grid: 14 });
    expect(() => findPosEmbed({ 'a.pos_embed': pe, 'b.pos_embed': pe }, 'w')).toThrow('w has 2 parameters named …pos_embed (a.pos_embed, b.pos_embed)');
  });

  it('refuses a checkpoint without a position embedding (exit 2)', async () => {
    const r = await cli('pos-embed', join(dir, 'a/checkpoints/last'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('has no parameter named …pos_embed; expected one learned position embedding [1, prefix + g², D]');
  });
});

describe('curves', () => {
  it('draws the loss and accuracy panels of a run directory or its events.jsonl', async () => {
    const r = await cli('curves', join(dir, 'a'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+ loss points, test\/accuracy\na: wall time \d+:\d\d\nwrote a\/curves\.png \(\d+×\d+\)\n$/);
    const png = decodePng(readFileSync(join(dir, 'a/curves.png')));
    expect(png.width).toBe(2 * 480 + 12); // two 480 px panels side by side, padding 4 around them
    expect((await cli('curves', join(dir, 'a/events.jsonl'), '--out', 'c.png')).code).toBe(0);
    expect(decodePng(readFileSync(join(dir, 'c.png'))).height).toBe(png.height);
  });

  it('compares runs: a line per run, and how their losses and last evaluations differ', async () => {
    const r = await cli('curves', join(dir, 'a'), join(dir, 'b'), '--labels', 'seed1,seed2', '--out', 'ab.png');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^seed2 vs seed1: \d+ common loss points up to step \d+; \|Δ loss\| max [\d.e-]+ over the first \d+ \(relative [\d.e-]+\), max [\d.e-]+ and mean [\d.e-]+ over all; last \d+ points' means differ by [\d.e-]+; within [\d.e-]+ relative up to step \d+\nseed2 vs seed1: test\/accuracy at step \d+: [\d.]+ vs [\d.]+ \(Δ -?[\d.e-]+\)\nseed1: wall time \d+:\d\d\nseed2: wall time \d+:\d\d\nwrote ab\.png \(\d+×\d+\)\n$/);
    expect(decodePng(readFileSync(join(dir, 'ab.png'))).width).toBe(2 * 480 + 12); // loss and test/accuracy panels
    // The same run against itself agrees exactly.
    const same = await cli('curves', join(dir, 'a'), join(dir, 'a/events.jsonl'));
    expect(same.out).toContain('|Δ loss| max 0 over the first');
    expect(same.out).toContain('means differ by 0; within');
    expect((await cli('curves', join(dir, 'a'), join(dir, 'b'), '--labels', 'only-one')).err).toContain('--labels must give one non-empty label per run (2)');
  });

  it('--json writes each run\'s evaluations with the train loss between them', async () => {
    const r = await cli('curves', join(dir, 'a'), join(dir, 'b'), '--labels', 'x,y', '--out', 'xy.png', '--json', 'xy.json');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nwrote xy\.json \((\d+) evaluations, \1 evaluations\)\n$/);
    const table = JSON.parse(readFileSync(join(dir, 'xy.json'), 'utf8'));
    expect(table.runs.map((run: { label: string }) => run.label)).toEqual(['x', 'y']);
    const logged = readFileSync(join(dir, 'a/events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"eval-end"')).map((l) => JSON.parse(l));
    const rows = table.runs[0].evaluations;
    expect(rows.map((row: { step: number }) => row.step)).toEqual(logged.map((e) => e.step));
    expect(rows.at(-1).metrics['test/accuracy']).toBe(logged.at(-1).metrics.accuracy);
    expect(rows[0].trainLoss).toBeGreaterThan(0);
    // One process each, its seconds the run's wall time by the log's clock.
    const times = readFileSync(join(dir, 'a/events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => Date.parse(JSON.parse(l).time));
    expect(table.runs[0].processes).toEqual([{ fromStep: 0, toStep: rows.at(-1).step, seconds: (times.at(-1)! - times[0]!) / 1000 }]);
    expect(table.runs[0].wallSeconds).toBe(table.runs[0].processes[0].seconds);
  });

  it('refuses a path that is not there and a directory without a log (exit 2)', async () => {
    expect((await cli('curves', 'nope')).err).toMatch(/^crossmodal: curves: '.*nope' does not exist \(ENOENT\)/);
    expect((await cli('curves', join(dir, 'a/checkpoints'))).err).toContain('runs write it with the jsonl logger');
  });
});
