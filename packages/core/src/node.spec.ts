// The Node adapters: config files read (errors name the path), resolved configs written atomically.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config/config-error.ts';
import { loadRunConfig, readConfigFile, RESOLVED_CONFIG_FILE, writeResolvedConfig } from './node.ts';

const dirs: string[] = [];
const scratch = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'crossmodal-core-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('readConfigFile', () => {
  it('names the path of a missing file', async () => {
    const path = join(await scratch(), 'nope.yaml');
    await expect(readConfigFile(path)).rejects.toThrow(ConfigError);
    await expect(readConfigFile(path)).rejects.toThrow(`${path}: cannot read the config file (no such file)`);
  });

  it('reads YAML, and loadRunConfig applies overrides and validates with the path as source', async () => {
    const dir = await scratch();
    const path = join(dir, 'run.yaml');
    await writeFile(path, 'model: { preset: toy-mlp }\ndata: { train: { name: toy-blobs }, batchSize: 8 }\noptimizer: { name: sgd, lr: 0.1 }\ntrain: { epochs: 1 }\n');
    expect(await readConfigFile(path)).toMatchObject({ optimizer: { name: 'sgd', lr: 0.1 } });
    const config = await loadRunConfig(path, ['optimizer.lr=1e-3', 'name=t']);
    expect(config.optimizer.lr).toBe(0.001);
    expect(config.output.dir).toBe('runs/t');
    await expect(loadRunConfig(path, ['train.epochs=0'])).rejects.toThrow(`${path} (with --set train.epochs=0): train.epochs: got 0, expected an integer > 0`);
  });

  it('reads --set values as YAML, as in the file, and names the override and the source in validation lines', async () => {
    const dir = await scratch();
    const path = join(dir, 'run.yaml');
    await writeFile(path, 'model: { preset: toy-mlp }\ndata: { train: { name: toy-blobs }, batchSize: 8 }\noptimizer: { name: sgd, lr: .5 }\ntrain: { epochs: 0 }\n');
    const lines = async (overrides: string[], source?: string): Promise<readonly string[]> => {
      const error: unknown = await loadRunConfig(path, overrides, source).catch((e: unknown) => e);
      if (!(error instanceof ConfigError)) throw new Error('expected a ConfigError');
      return error.issues;
    };
    // `.001` is a number in YAML (as `lr: .5` in the file is), not the string ".001".
    expect(await lines(['optimizer.lr=.001'], 'run.yaml')).toEqual(['run.yaml: train.epochs: got 0, expected an integer > 0']);
    expect((await loadRunConfig(path, ['optimizer.lr=.001', 'train.epochs=1'])).optimizer.lr).toBe(0.001);
    expect(await lines(['optimizer.lr=-1'], 'run.yaml')).toEqual([
      'run.yaml (with --set optimizer.lr=-1): optimizer.lr: got -1, expected a number > 0',
      'run.yaml: train.epochs: got 0, expected an integer > 0',
    ]);
  });
});

describe('writeResolvedConfig', () => {
  it('writes resolved-config.json into a new directory and leaves no temporary file', async () => {
    const dir = join(await scratch(), 'runs', 'toy');
    const path = await writeResolvedConfig(dir, { seed: 1, model: { encoders: {} } });
    expect(path).toBe(join(dir, RESOLVED_CONFIG_FILE));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ seed: 1, model: { encoders: {} } });
    await writeResolvedConfig(dir, { seed: 2 }); // replaces
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ seed: 2 });
    expect(await readdir(dir)).toEqual([RESOLVED_CONFIG_FILE]);
  });
});
