// `crossmodal list`: the aligned table, for the default plugins and for a config's own list.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordingIo } from '../testing-io.spec-helper.ts';
import { formatTable, listCommand } from './list.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-list-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('formatTable', () => {
  it('pads kind, name and plugin to their widest cell and ends each row at its description', () => {
    const rows = [
      { kind: 'model', name: 'mlp-spirals', plugin: '@crossmodal/model-mlp', description: 'an MLP' },
      { kind: 'metric', name: 'top-5', plugin: '@crossmodal/core', description: '' },
    ] as const;
    expect(formatTable(rows)).toBe(
      ['KIND    NAME         PLUGIN                 DESCRIPTION', 'model   mlp-spirals  @crossmodal/model-mlp  an MLP', 'metric  top-5        @crossmodal/core', ''].join('\n'),
    );
  });
});

describe('listCommand', () => {
  it('lists every kind from the built-in plugins with the plugin that provides it', async () => {
    const io = recordingIo(dir);
    expect(await listCommand({ kind: 'list', overrides: [] }, io)).toBe(0);
    const rows = io.out.join('').trim().split('\n').slice(1).map((line) => line.split(/\s{2,}/).slice(0, 3).join(' '));
    expect(rows).toEqual(
      expect.arrayContaining([
        'model mlp-spirals @crossmodal/model-mlp',
        'encoder mlp @crossmodal/model-mlp',
        'head classification @crossmodal/head-classification',
        'dataset spirals @crossmodal/dataset-synthetic',
        'dataset vqa @crossmodal/dataset-vqa',
        'region-store lxmert-tsv @crossmodal/dataset-region-features',
        'logger jsonl @crossmodal/logger-jsonl',
        'metric accuracy @crossmodal/core',
        'backend cpu @crossmodal/core',
      ]),
    );
    expect([...new Set(rows.map((r) => r.split(' ')[0]))]).toEqual(['model', 'encoder', 'head', 'dataset', 'region-store', 'logger', 'metric', 'backend']);
  });

  it("lists only core and the config's plugins when a config names them", async () => {
    const config = join(dir, 'only-mlp.yaml');
    writeFileSync(
      config,
      'plugins: ["@crossmodal/model-mlp"]\nmodel: { preset: mlp-spirals }\ndata: { train: { name: spirals }, batchSize: 4 }\noptimizer: { name: sgd, lr: 0.1 }\ntrain: { epochs: 1 }\n',
    );
    const io = recordingIo(dir);
    expect(await listCommand({ kind: 'list', config, overrides: [] }, io)).toBe(0);
    const plugins = new Set(io.out.join('').trim().split('\n').slice(1).map((line) => line.split(/\s{2,}/)[2]));
    expect([...plugins].sort()).toEqual(['@crossmodal/core', '@crossmodal/model-mlp']);
  });
});
