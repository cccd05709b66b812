// The run config: defaults, every problem reported as `<source>: <path>: got <value>, expected
// <what>`, JSON/YAML text with syntax errors located, and `--set` overrides.
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { issuesOf } from './issues.spec-helper.ts';
import { applyOverrides } from './overrides.ts';
import { parseConfigText, parseRunConfig } from './parse.ts';

const minimal = {
  model: { preset: 'toy-mlp' },
  data: { train: { name: 'toy-blobs' }, batchSize: 32 },
  optimizer: { name: 'adamw', lr: 1e-3 },
  train: { epochs: 2 },
};


describe('parseRunConfig', () => {
  it('fills in every default', () => {
    const config = parseRunConfig(minimal, 'run.yaml', { now: new Date('2025-01-31T12:00:05.123Z') });
    expect(config).toEqual({
      seed: 0,
      backend: 'auto',
      backendOptions: {},
      model: { preset: 'toy-mlp' },
      data: { train: { name: 'toy-blobs' }, batchSize: 32, shuffle: true, dropLast: false },
      optimizer: { name: 'adamw', lr: 1e-3, weightDecay: 0 },
      train: { epochs: 2, gradAccumulation: 1, logEvery: 1 },
      metrics: ['accuracy'],
      checkpoint: { keepBest: true, keepLast: true },
      loggers: [{ name: 'console' }],
      output: { dir: 'runs/2025-01-31T12-00-05' },
    });
  });

  it('names the output directory after the run, and keeps dataset and logger options', () => {
    const config = parseRunConfig(
      { ...minimal, name: 'toy', data: { ...minimal.data, train: { name: 'toy-blobs', size: 64, limit: 10 } }, loggers: [{ name: 'jsonl', path: 'x.jsonl' }], metrics: ['accuracy', { name: 'top-k', k: 2 }] },
      'run.json',
    );
    expect(config.output.dir).toBe('runs/toy');
    expect(config.data.train).toEqual({ name: 'toy-blobs', size: 64, limit: 10 });
    expect(config.loggers).toEqual([{ name: 'jsonl', path: 'x.jsonl' }]);
    expect(config.metrics).toEqual(['accuracy', { name: 'top-k', k: 2 }]);
  });

  it('lists every problem at once with its path, value and expectation', () => {
    const bad = {
      ...minimal,
      optimizer: { name: 'adamx', lr: -1, betas: [0.9, 1.5], decay: 'bias' },
      train: { epochs: 0, gradAccumulation: 1.5 },
      data: { train: { limit: 0 }, batchSize: '32' },
    };
    expect(issuesOf(() => parseRunConfig(bad, 'run.yaml'))).toEqual([
      'run.yaml: data.train.name: got nothing, expected a dataset name (a non-empty string)',
      'run.yaml: data.train.limit: got 0, expected an integer > 0 (examples to use)',
      'run.yaml: data.batchSize: got "32", expected an integer > 0',
      "run.yaml: optimizer.name: got \"adamx\", expected one of 'adamw', 'adam', 'sgd'",
      'run.yaml: optimizer.lr: got -1, expected a number > 0',
      'run.yaml: optimizer.betas[1]: got 1.5, expected a number in [0, 1)',
      "run.yaml: optimizer.decay: got \"bias\", expected one of 'all', 'timm'",
      'run.yaml: train.epochs: got 0, expected an integer > 0',
      'run.yaml: train.gradAccumulation: got 1.5, expected an integer > 0',
    ]);
  });

  it('keeps per-backend options and names a malformed entry', () => {
    expect(parseRunConfig({ ...minimal, backendOptions: { native: { threads: 2 } } }, 'run.yaml').backendOptions).toEqual({ native: { threads: 2 } });
    expect(() => parseRunConfig({ ...minimal, backendOptions: { native: 3 } }, 'run.yaml')).toThrow(
      "run.yaml: backendOptions.native: got 3, expected an object of that backend's options",
    );
  });

  it('takes a seed the loaders can use: a u32', () => {
    expect(parseRunConfig({ ...minimal, seed: 2 ** 32 - 1 }, 'cfg.json').seed).toBe(2 ** 32 - 1);
    expect(issuesOf(() => parseRunConfig({ ...minimal, seed: 2 ** 32 }, 'cfg.json'))).toEqual([
      'cfg.json: seed: got 4294967296, expected an integer in [0, 2^32) (a u32: the loaders and augmentations seed from it)',
    ]);
  });

  it('puts every line in the message of a ConfigError', () => {
    expect(() => parseRunConfig({ ...minimal, seed: -1, backend: '' }, 'cfg.json')).toThrow(
      new ConfigError('cfg.json', [
        'cfg.json: seed: got -1, expected an integer in [0, 2^32) (a u32: the loaders and augmentations seed from it)',
        "cfg.json: backend: got \"\", expected 'auto' or a backend name (a non-empty string)",
      ]),
    );
  });

  it('rejects unknown keys at any depth, suggesting the likely one', () => {
    expect(issuesOf(() => parseRunConfig({ ...minimal, optimiser: { lr: 1 }, checkpoint: { keepbest: false } }, 'run.yaml'))).toEqual([
      "run.yaml: checkpoint.keepbest: got false, expected no such key (did you mean 'keepBest'? known keys: keepBest, keepLast, metric, mode, everySteps)",
      "run.yaml: optimiser: got {\"lr\":1}, expected no such key (did you mean 'optimizer'? known keys: name, plugins, seed, backend, backendOptions, model, data, optimizer, schedule, train, metrics, checkpoint, earlyStopping, loggers, output)",
    ]);
  });

  it('reports missing sections, bad list entries and a model with neither preset nor parts', () => {
    expect(issuesOf(() => parseRunConfig({ model: {}, metrics: ['accuracy', 3, { k: 2 }], loggers: [{}] }, 'x.yml'))).toEqual([
      'x.yml: model: got {}, expected a model preset, or encoders and a head',
      'x.yml: data: got nothing, expected data: { train, eval?, batchSize, evalBatchSize?, shuffle?, dropLast?, mixup?, floatFields? }',
      'x.yml: optimizer: got nothing, expected an optimizer: { name, lr, weightDecay?, betas?, eps?, momentum?, nesterov?, decay? }',
      'x.yml: train: got nothing, expected train: { epochs, maxSteps?, gradAccumulation?, clipGradNorm?, evalEvery?, logEvery?, ema? }',
      'x.yml: metrics[1]: got 3, expected a metric name or { name, ...options }',
      'x.yml: metrics[2].name: got nothing, expected a metric name (a non-empty string)',
      'x.yml: loggers[0].name: got nothing, expected a logger name (a non-empty string)',
    ]);
  });

  it('gives train.ema its defaults and checks its fields', () => {
    expect(parseRunConfig({ ...minimal, train: { epochs: 1, ema: {} } }, 'run.yaml').train.ema).toEqual({ decay: 0.9998, warmup: true, evaluate: 'both', startStep: 0 });
    expect(issuesOf(() => parseRunConfig({ ...minimal, train: { epochs: 1, ema: { decay: 1.5, evaluate: 'live', startStep: -1, warmUp: false } } }, 'run.yaml'))).toEqual([
      'run.yaml: train.ema.decay: got 1.5, expected a number in [0, 1]',
      "run.yaml: train.ema.evaluate: got \"live\", expected 'ema' or 'both'",
      'run.yaml: train.ema.startStep: got -1, expected an integer ≥ 0',
      "run.yaml: train.ema.warmUp: got false, expected no such key (did you mean 'warmup'? known keys: decay, warmup, evaluate, startStep)",
    ]);
  });

  it('requires stepSize for the step schedule and rejects a non-object config', () => {
    expect(issuesOf(() => parseRunConfig({ ...minimal, schedule: { name: 'step' } }, 'run.yaml'))).toEqual([
      "run.yaml: schedule.stepSize: got nothing, expected an integer > 0 (the 'step' schedule needs it)",
    ]);
    expect(issuesOf(() => parseRunConfig(null, 'empty.yaml'))).toEqual(['empty.yaml: (root): got null, expected a run config object']);
  });
});

describe('parseConfigText', () => {
  it('parses JSON and YAML', () => {
    expect(parseConfigText('{"seed": 3}', 'a.json')).toEqual({ seed: 3 });
    expect(parseConfigText('seed: 3\noptimizer:\n  lr: 1e-3\n', 'a.YAML')).toEqual({ seed: 3, optimizer: { lr: 1e-3 } });
  });

  it('names the file, line and column of a YAML syntax error', () => {
    expect(issuesOf(() => parseConfigText('seed: 3\noptimizer:\n  lr: [1, 2\n', 'run.yaml'))).toEqual([
      expect.stringMatching(/^run\.yaml:4:1: YAML syntax error: /),
    ]);
    expect(issuesOf(() => parseConfigText('seed: 1\nseed: 2\n', 'dup.yml'))).toEqual([
      'dup.yml:2:1: YAML syntax error: Map keys must be unique',
    ]);
  });

  it('names the file, line and column of a JSON syntax error', () => {
    expect(issuesOf(() => parseConfigText('{\n  "seed": 1,\n}', 'run.json'))).toEqual([
      expect.stringMatching(/^run\.json:3:1: invalid JSON: /),
    ]);
  });

  it('rejects other extensions', () => {
    expect(issuesOf(() => parseConfigText('x', 'run.toml'))).toEqual(['run.toml: got a .toml, expected a .json, .yaml or .yml config file']);
  });
});

describe('applyOverrides', () => {
  it('sets dotted paths, parsing values as YAML scalars and flow collections', () => {
    const raw = { optimizer: { name: 'adamw', lr: 1 }, train: { epochs: 5 }, model: { preset: 'toy-mlp' } };
    const out = applyOverrides(raw, ['optimizer.lr=1e-3', 'train.epochs=2', 'model.head.name=classification', 'loggers=[{"name":"jsonl"}]', 'name=my run', 'data.shuffle=false']);
    expect(out).toEqual({
      optimizer: { name: 'adamw', lr: 0.001 },
      train: { epochs: 2 },
      model: { preset: 'toy-mlp', head: { name: 'classification' } },
      loggers: [{ name: 'jsonl' }],
      name: 'my run',
      data: { shuffle: false },
    });
    expect(raw.optimizer.lr).toBe(1); // the input is left alone
  });

  it('indexes into lists', () => {
    expect(applyOverrides({ loggers: [{ name: 'console' }] }, ['loggers.0.name=jsonl'])).toEqual({ loggers: [{ name: 'jsonl' }] });
  });

  it('reports every malformed override at once', () => {
    expect(issuesOf(() => applyOverrides({ seed: 1, loggers: [] }, ['optimizer.lr', '=3', 'a..b=1', 'seed.x=2', 'loggers.first=1', '__proto__.x=1']))).toEqual([
      "--set 'optimizer.lr': expected <path>=<value> with a dotted path, e.g. optimizer.lr=1e-3",
      "--set '=3': expected <path>=<value> with a dotted path, e.g. optimizer.lr=1e-3",
      "--set 'a..b=1': expected <path>=<value> with a dotted path, e.g. optimizer.lr=1e-3",
      "--set 'seed.x=2': seed is 1, not an object, so it has no 'x'",
      "--set 'loggers.first=1': loggers is a list, so 'first' must be an index (0, 1, …)",
      "--set '__proto__.x=1': '__proto__' is not a config key",
    ]);
  });
});
