// `--set` values read as YAML (as in a config file), list indices checked, and validation lines
// on overridden paths tagged with the override that set them.
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { issuesOf } from './issues.spec-helper.ts';
import { applyOverrides, tagOverriddenIssues } from './overrides.ts';
import { parseRunConfig } from './parse.ts';

describe('applyOverrides values', () => {
  it('reads values as YAML, as the same text in a config file would be', () => {
    const out = applyOverrides({}, ['a=.001', 'b=1e-3', 'c=[1,2]', 'd={x: 1}', 'e=[{"name":"jsonl"}]', 'f=my run', 'g=false', 'h=null', 'i="007"', 'j=runs/x # note']);
    expect(out).toEqual({ a: 0.001, b: 0.001, c: [1, 2], d: { x: 1 }, e: [{ name: 'jsonl' }], f: 'my run', g: false, h: null, i: '007', j: 'runs/x' });
  });

  it('names an override whose value is not valid YAML', () => {
    expect(issuesOf(() => applyOverrides({}, ['a=[1, 2', 'b=*x']))).toEqual([
      "--set 'a=[1, 2': the value is not valid YAML (Flow sequence must end with a ]); quote it to pass a string",
      expect.stringMatching(/^--set 'b=\*x': the value is not valid YAML \(.*\); quote it to pass a string$/),
    ]);
  });
});

describe('applyOverrides list indices', () => {
  it('replaces or appends, but says an index past the end is out of range instead of leaving holes', () => {
    const raw = { loggers: [{ name: 'console' }] };
    expect(applyOverrides(raw, ['loggers.0.name=jsonl', 'loggers.1.name=csv'])).toEqual({ loggers: [{ name: 'jsonl' }, { name: 'csv' }] });
    expect(issuesOf(() => applyOverrides(raw, ['loggers.3.name=x']))).toEqual([
      "--set 'loggers.3.name=x': index 3 is out of range for loggers, a list of 1 (use 0 to replace an entry, or 1 to append one)",
    ]);
    expect(issuesOf(() => applyOverrides({ loggers: [] }, ['loggers.2=x']))).toEqual([
      "--set 'loggers.2=x': index 2 is out of range for loggers, a list of 0 (use 0 to append one)",
    ]);
    expect(issuesOf(() => applyOverrides({ a: [1, 2, 3] }, ['a.9=x']))).toEqual([
      "--set 'a.9=x': index 9 is out of range for a, a list of 3 (use 0 to 2 to replace an entry, or 3 to append one)",
    ]);
  });
});

describe('tagOverriddenIssues', () => {
  const base = {
    model: { preset: 'toy-mlp' },
    data: { train: { name: 'toy-blobs' }, batchSize: 8 },
    optimizer: { name: 'sgd', lr: 0.1 },
    train: { epochs: 1 },
    loggers: [{ name: 'console' }],
  };
  const validate = (overrides: string[]) => () => {
    try {
      return parseRunConfig(applyOverrides(base, overrides), 'run.yaml');
    } catch (error) {
      throw error instanceof ConfigError ? tagOverriddenIssues(error, overrides) : error;
    }
  };

  it('says which --set produced a bad value, and leaves lines about the file alone', () => {
    expect(issuesOf(validate(['optimizer.lr=.001', 'seed=1', 'train.epochs=0', 'optimizer.lr=fast']))).toEqual([
      'run.yaml (with --set optimizer.lr=.001, --set optimizer.lr=fast): optimizer.lr: got "fast", expected a number > 0',
      'run.yaml (with --set train.epochs=0): train.epochs: got 0, expected an integer > 0',
    ]);
    expect(issuesOf(() => parseRunConfig(applyOverrides(base, ['train.epochs=0']), 'run.yaml'))).toEqual([
      'run.yaml: train.epochs: got 0, expected an integer > 0', // untagged without tagOverriddenIssues
    ]);
  });

  it('tags lines below an overridden path, and nothing when no override touched the path', () => {
    expect(issuesOf(validate(['optimizer={lr: 1}']))).toContain(
      "run.yaml (with --set optimizer={lr: 1}): optimizer.name: got nothing, expected one of 'adamw', 'adam', 'sgd'",
    );
    const untouched = new ConfigError('run.yaml', ['run.yaml: train.epochs: got 0, expected an integer > 0']);
    expect(tagOverriddenIssues(untouched, ['train.epochsx=1', 'train.epoch=2']).issues).toEqual(untouched.issues);
  });
});
