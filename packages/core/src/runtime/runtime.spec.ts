// createRuntime: isolated child containers, plugin checks, origins in errors, and `list()` rows.
import { describe, expect, it } from 'vitest';
import type { EncoderProvider } from '../contracts/encoder.ts';
import { ENCODERS, FUSIONS, HEADS, METRICS } from '../di/tokens.ts';
import type { Plugin } from '../plugin.ts';
import { DuplicateNameError, UnknownNameError } from '../registry/errors.ts';
import { toyPlugin, toyVectorsEncoder } from '../testing/toy-plugin.ts';
import { CORE_PLUGIN_NAME } from './builtins.ts';
import { createRuntime, PluginError } from './runtime.ts';

const fakeEncoder = (name: string, description?: string): EncoderProvider => ({
  name,
  ...(description ? { description } : {}),
  create: () => {
    throw new Error('not built in these tests');
  },
});

const pluginOf = (name: string, register: Plugin['register']): Plugin => ({ name, version: '1.0.0', register });

describe('createRuntime', () => {
  it('gives each runtime its own container: registrations in one are not seen by another', () => {
    const a = createRuntime([pluginOf('a', (c) => c.register(ENCODERS, { useValue: fakeEncoder('only-in-a') }))]);
    const b = createRuntime([]);
    expect(a.encoders.names()).toEqual(['only-in-a']);
    expect(b.encoders.names()).toEqual([]);
    expect(a.container).not.toBe(b.container);
    expect(b.resolveAll(ENCODERS)).toEqual([]);
    expect(a.resolveAll(ENCODERS).map((p) => p.name)).toEqual(['only-in-a']);
  });

  it('registers core built-ins first as @crossmodal/core, then the plugins in order', () => {
    const runtime = createRuntime([toyPlugin]);
    expect(runtime.plugins.map((p) => p.name)).toEqual([CORE_PLUGIN_NAME, toyPlugin.name]);
    expect(runtime.backends.names()).toEqual(['cpu']);
    expect(runtime.metrics.names()).toEqual(['accuracy', 'mean-loss', 'top-5', 'top-k', 'vqa-accuracy']);
    expect(runtime.encoders.pluginOf('toy-vectors')).toBe(toyPlugin.name);
    expect(runtime.metrics.pluginOf('accuracy')).toBe(CORE_PLUGIN_NAME);
  });

  it('leaves the built-ins out when asked', () => {
    const runtime = createRuntime([toyPlugin], { builtins: false });
    expect(runtime.plugins.map((p) => p.name)).toEqual([toyPlugin.name]);
    expect(runtime.backends.names()).toEqual([]);
  });

  it('rejects a plugin listed twice, naming it', () => {
    expect(() => createRuntime([toyPlugin, toyPlugin])).toThrow(new PluginError(`Plugin '@crossmodal/core/testing' is listed twice; list each plugin once`));
    const impostor = pluginOf(CORE_PLUGIN_NAME, () => {});
    expect(() => createRuntime([impostor])).toThrow(/Plugin '@crossmodal\/core' is listed twice/);
  });

  it('rejects a value that is not a plugin, naming its index and what it holds', () => {
    const notAPlugin = { name: 'x', register: () => {} } as unknown as Plugin;
    expect(() => createRuntime([toyPlugin, notAPlugin])).toThrow(
      'plugins[1] is not a plugin: got an object with keys name, register, expected { name, version, register(container) }',
    );
  });

  it('wraps an error thrown by register with the plugin name', () => {
    const broken = pluginOf('@acme/broken', () => {
      throw new Error('boom');
    });
    expect(() => createRuntime([broken])).toThrow(new PluginError("Plugin '@acme/broken' failed to register: boom"));
  });

  it('names both plugins when two register one name, at runtime creation', () => {
    const first = pluginOf('@acme/first', (c) => c.register(ENCODERS, { useValue: fakeEncoder('patch') }));
    const second = pluginOf('@acme/second', (c) => c.register(ENCODERS, { useValue: fakeEncoder('patch') }));
    const run = () => createRuntime([first, second]);
    expect(run).toThrow(DuplicateNameError);
    expect(run).toThrow("Duplicate encoder 'patch': registered by plugin '@acme/first' and by plugin '@acme/second'.");
  });

  it('names both plugins when a plugin re-registers another plugin\'s provider value', () => {
    const thief = pluginOf('@acme/thief', (c) => c.register(ENCODERS, { useValue: toyVectorsEncoder }));
    expect(() => createRuntime([toyPlugin, thief])).toThrow(
      "Duplicate encoder 'toy-vectors': registered by plugin '@crossmodal/core/testing' and by plugin '@acme/thief'.",
    );
  });

  it('catches a name registered twice by one plugin', () => {
    const twice = pluginOf('@acme/twice', (c) => {
      c.register(METRICS, { useValue: { name: 'f1', create: () => ({}) as never } });
      c.register(METRICS, { useValue: { name: 'f1', create: () => ({}) as never } });
    });
    expect(() => createRuntime([twice])).toThrow("Duplicate metric 'f1': registered twice by plugin '@acme/twice'.");
  });

  it('clashes with a built-in name, naming core as the first plugin', () => {
    const plugin = pluginOf('@acme/metrics', (c) => c.register(METRICS, { useValue: { name: 'accuracy', create: () => ({}) as never } }));
    expect(() => createRuntime([plugin])).toThrow("Duplicate metric 'accuracy': registered by plugin '@crossmodal/core' and by plugin '@acme/metrics'.");
  });

  it('lists every provider as { kind, name, plugin, description }, by kind then name', () => {
    const extra = pluginOf('@acme/extra', (c) => {
      c.register(ENCODERS, { useValue: fakeEncoder('b-enc', 'second encoder') });
      c.register(ENCODERS, { useValue: fakeEncoder('a-enc') });
      c.register(FUSIONS, { useValue: { name: 'concat', create: () => ({}) as never } });
    });
    const rows = createRuntime([toyPlugin, extra]).list();
    expect(rows.map((r) => `${r.kind}:${r.name}`)).toEqual([
      'model:toy-mlp',
      'encoder:a-enc', 'encoder:b-enc', 'encoder:toy-vectors',
      'fusion:concat',
      'head:toy-classification',
      'dataset:toy-blobs',
      'metric:accuracy', 'metric:mean-loss', 'metric:top-5', 'metric:top-k', 'metric:vqa-accuracy',
      'backend:cpu',
    ]);
    expect(rows.find((r) => r.name === 'b-enc')).toEqual({ kind: 'encoder', name: 'b-enc', plugin: '@acme/extra', description: 'second encoder' });
    expect(rows.find((r) => r.name === 'a-enc')?.description).toBe('');
    expect(rows.find((r) => r.name === 'cpu')?.plugin).toBe(CORE_PLUGIN_NAME);
  });

  it('throws UnknownNameError with every known name from a runtime registry', () => {
    const runtime = createRuntime([toyPlugin]);
    expect(() => runtime.heads.get('toy-clasification')).toThrow(
      "Unknown head 'toy-clasification'. Did you mean 'toy-classification'? Known heads: toy-classification.",
    );
    expect(() => runtime.fusions.get('co-attention')).toThrow(UnknownNameError);
    expect(() => runtime.fusions.get('co-attention')).toThrow("Unknown fusion 'co-attention'. No fusions are registered: add a plugin that provides one.");
  });

  it('resolves tokens and is unusable after dispose', async () => {
    const runtime = createRuntime([toyPlugin]);
    expect(runtime.resolveAll(HEADS).map((h) => h.name)).toEqual(['toy-classification']);
    await runtime.dispose();
    expect(() => runtime.resolveAll(HEADS)).toThrow(/disposed/);
  });
});
