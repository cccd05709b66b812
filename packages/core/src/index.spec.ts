// The public entry: everything a plugin author or an app needs, importable from one place.
import { describe, expect, it } from 'vitest';
import * as core from './index.ts';
import { toyPlugin } from './testing/index.ts';

describe('@crossmodal/core', () => {
  it('builds a runtime, a model and a backend from its public API alone', async () => {
    const runtime = core.createRuntime([toyPlugin]);
    const config = core.parseRunConfig(
      { model: { preset: 'toy-mlp' }, data: { train: { name: 'toy-blobs' }, batchSize: 4 }, optimizer: { name: 'adam', lr: 0.01 }, train: { epochs: 1 } },
      'inline',
    );
    const model = runtime.models.build(config.model, { seed: config.seed });
    expect(model.numParameters()).toBe(2 * 16 + 16 + 16 * 3 + 3);
    const { name, reason } = await runtime.backends.select(config.backend);
    expect(name).toBe('cpu');
    expect(reason).toBe('cpu: the reference CPU backend (no faster backend registered)');
    expect(core.isPlugin(toyPlugin)).toBe(true);
    expect(core.ENCODERS).toBe(Symbol.for('crossmodal.encoders'));
  });
});
