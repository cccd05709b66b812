// Exit codes and messages for bad command lines and configs: 2 with the field or name on stderr
// (no stack trace), 1 for a failure while running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallConfig, workdir, type Workdir } from './harness.ts';

describe('crossmodal usage and config errors', () => {
  let wd: Workdir;
  beforeAll(() => {
    wd = workdir('errors');
  });
  afterAll(() => wd.dispose());

  /** Runs train on `config` text and returns the result. */
  const train = (name: string, config: string, ...args: string[]) => {
    wd.write(name, config);
    return wd.run(['train', name, ...args]);
  };

  it('exits 2 naming an unknown key, with the known keys and the likely typo', () => {
    const r = train('typo.yaml', smallConfig({ epochs: 1, outputDir: 'runs/typo' }).replace('optimizer:', 'optimzer:'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^ {2}typo\.yaml: optimzer: got \{.*\}, expected no such key \(did you mean 'optimizer'\? known keys: name, plugins, /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming the path, value and expectation of a field of the wrong type', () => {
    const r = train('type.yaml', smallConfig({ epochs: 1, outputDir: 'runs/type' }).replace('batchSize: 16', 'batchSize: "16"'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('type.yaml: data.batchSize: got "16", expected an integer > 0');
  });

  it('exits 2 for a bad --set override, naming it', () => {
    const r = train('ok.yaml', smallConfig({ epochs: 1, outputDir: 'runs/ok' }), '--set', 'train.epochs=-1');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('train.epochs: got -1, expected an integer > 0');
  });

  it('exits 2 for an unknown preset, listing the known ones', () => {
    const r = train('preset.yaml', smallConfig({ epochs: 1, outputDir: 'runs/preset' }).replace('mlp-spirals', 'mlp-spiral'));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("crossmodal: model.preset: Unknown model 'mlp-spiral'. Did you mean 'mlp-spirals'? Known models: mlp-spirals, vit-b16-224, vit-b16-384, vit-b32-224, vit-b32-384, vit-l16-224, vit-l16-384, vit-l32-224, vit-l32-384, vit-s16-224, vit-s16-384, vit-t16-224, vit-t16-384, vit-tiny.\n");
  });

  it('exits 2 naming a plugin path that does not exist and its config field', () => {
    const r = train('plugin.yaml', smallConfig({ epochs: 1, outputDir: 'runs/plugin', plugins: ['@crossmodal/preset-default', './no/such-plugin.ts'] }));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^crossmodal: plugins\[1\]: plugin module '\.\/no\/such-plugin\.ts' not found \(looked for .*no\/such-plugin\.ts\)\n$/);
  });

  it('exits 2 for a missing config file, an unknown command and a missing argument', () => {
    expect(wd.run(['train', 'missing.yaml'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/missing\.yaml: cannot read the config file \(no such file\)/) });
    expect(wd.run(['fit'])).toMatchObject({ status: 2, stderr: "crossmodal: unknown command 'fit' (commands: train, eval, list, attention, average, pos-embed, curves, import; see crossmodal --help)\n" });
    expect(wd.run(['eval', 'ok.yaml'])).toMatchObject({ status: 2, stderr: expect.stringContaining('eval: missing --checkpoint') });
  });

  it('exits 1 when the run fails while running, with the message and no stack trace', () => {
    wd.write(
      'broken.ts',
      `import { DATASETS, type Plugin } from '@crossmodal/core';
export const brokenPlugin: Plugin = {
  name: 'broken-data',
  version: '0.0.1',
  register(container) {
    container.register(DATASETS, { useValue: { name: 'broken', create: () => ({ size: 8, info: {}, get() { throw new Error('disk on fire'); } }) } });
  },
};
`,
    );
    const config = smallConfig({ epochs: 1, outputDir: 'runs/broken', plugins: ['@crossmodal/preset-default', './broken.ts'] }).replace(
      'train: { name: spirals, perClass: 20 }',
      'train: { name: broken }',
    );
    const r = train('broken.yaml', config);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/disk on fire\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
