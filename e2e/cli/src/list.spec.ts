// `crossmodal list`, `--help` and `--version` from the real binary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workdir, type Workdir } from './harness.ts';

describe('crossmodal list, --help, --version', () => {
  let wd: Workdir;
  beforeAll(() => {
    wd = workdir('list');
  });
  afterAll(() => wd.dispose());

  it('lists every registered part with the plugin that provides it', () => {
    const r = wd.run(['list']);
    expect(r.status).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header).toMatch(/^KIND\s+NAME\s+PLUGIN\s+DESCRIPTION$/);
    const cells = rows.map((row) => row.split(/\s{2,}/).slice(0, 3).join(' '));
    for (const expected of [
      'model mlp-spirals @crossmodal/model-mlp',
      'model vit-tiny @crossmodal/model-vit',
      'model vit-b16-224 @crossmodal/model-vit',
      'encoder mlp @crossmodal/model-mlp',
      'encoder vit @crossmodal/model-vit',
      'dataset fashion-mnist @crossmodal/dataset-fashion-mnist',
      'head classification @crossmodal/head-classification',
      'dataset blobs @crossmodal/dataset-synthetic',
      'dataset spirals @crossmodal/dataset-synthetic',
      'logger console @crossmodal/logger-console',
      'logger jsonl @crossmodal/logger-jsonl',
      'metric accuracy @crossmodal/core',
      'backend cpu @crossmodal/core',
      'backend native @crossmodal/backend-native',
      'backend webgpu @crossmodal/backend-webgpu',
    ]) {
      expect(cells).toContain(expected);
    }
  });

  it('prints the usage and the version, exiting 0', () => {
    const help = wd.run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('crossmodal train <config> [--set path=value]... [--resume <checkpoint>] [--backend <name>]');
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 the run failed, 2 bad usage or config, 130 stopped by Ctrl-C.');
    expect(wd.run(['--version'])).toMatchObject({ status: 0, stdout: 'crossmodal 0.1.0\n' });
  });
});
