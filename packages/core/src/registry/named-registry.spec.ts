// NamedRegistry and its errors: unknown names list the known ones (and the likely typo),
// duplicates name both plugins.
import { describe, expect, it } from 'vitest';
import { closestName, DuplicateNameError, editDistance, UnknownNameError } from './errors.ts';
import { NamedRegistry, UNKNOWN_PLUGIN } from './named-registry.ts';
import { ProviderCreateError, ProviderRegistry, splitSpec } from './provider-registry.ts';

const vit = { name: 'vit-b16', description: 'ViT-B/16' };
const mlp = { name: 'mlp' };
const resnet = { name: 'resnet' };
const origins = new Map<object, string>([[vit, '@crossmodal/model-vit'], [mlp, '@crossmodal/model-mlp'], [resnet, '@acme/cnn']]);

describe('NamedRegistry', () => {
  const registry = new NamedRegistry('encoder', [vit, resnet, mlp], origins);

  it('gets, has, names (sorted) and entries (registration order, with plugins)', () => {
    expect(registry.get('mlp')).toBe(mlp);
    expect(registry.has('vit-b16')).toBe(true);
    expect(registry.has('vit')).toBe(false);
    expect(registry.names()).toEqual(['mlp', 'resnet', 'vit-b16']);
    expect(registry.entries()).toEqual([
      { provider: vit, plugin: '@crossmodal/model-vit' },
      { provider: resnet, plugin: '@acme/cnn' },
      { provider: mlp, plugin: '@crossmodal/model-mlp' },
    ]);
    expect(registry.size).toBe(3);
    expect(registry.pluginOf('resnet')).toBe('@acme/cnn');
  });

  it('throws on an unknown name with the kind, the name, every known name sorted and the closest one', () => {
    let error: unknown;
    try {
      registry.get('vit-b61');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownNameError);
    expect((error as UnknownNameError).message).toBe("Unknown encoder 'vit-b61'. Did you mean 'vit-b16'? Known encoders: mlp, resnet, vit-b16.");
    expect((error as UnknownNameError).known).toEqual(['mlp', 'resnet', 'vit-b16']);
    expect((error as UnknownNameError).suggestion).toBe('vit-b16');
  });

  it('suggests nothing when no known name is close, and prefixes the config path when given', () => {
    expect(() => registry.get('transformer', 'model.encoders.text')).toThrow(
      "model.encoders.text: Unknown encoder 'transformer'. Known encoders: mlp, resnet, vit-b16.",
    );
  });

  it('names both plugins when two providers share a name', () => {
    const other = { name: 'mlp' };
    const both = new Map(origins).set(other, '@acme/other');
    const build = () => new NamedRegistry('head', [mlp, other], both);
    expect(build).toThrow(DuplicateNameError);
    expect(build).toThrow("Duplicate head 'mlp': registered by plugin '@crossmodal/model-mlp' and by plugin '@acme/other'.");
  });

  it('names the origin unknown for values registered outside a plugin', () => {
    expect(new NamedRegistry('dataset', [{ name: 'x' }]).pluginOf('x')).toBe(UNKNOWN_PLUGIN);
  });

  it('rejects a provider without a name', () => {
    expect(() => new NamedRegistry('logger', [{ name: '' }], new Map())).toThrow(
      "Plugin '(unknown plugin)' registered a logger without a name (got \"\"); every provider needs a non-empty string name",
    );
  });
});

describe('ProviderRegistry', () => {
  const doubler = { name: 'doubler', create: (config: Record<string, unknown>) => Number(config['x']) * 2 };
  const picky = {
    name: 'picky',
    create: (): number => {
      throw new RangeError('dim must be positive, got -1');
    },
  };
  const registry = new ProviderRegistry<number>('metric', [doubler, picky], new Map([[picky, '@acme/picky']]));

  it('creates by name', () => {
    expect(registry.create('doubler', { x: 21 }, { seed: 0 })).toBe(42);
  });

  it("wraps a provider's error with the path, kind, name and plugin", () => {
    let error: unknown;
    try {
      registry.create('picky', {}, { seed: 0 }, 'metrics[1]');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProviderCreateError);
    expect((error as Error).message).toBe("metrics[1]: metric 'picky' (plugin @acme/picky): dim must be positive, got -1");
    expect((error as Error).cause).toBeInstanceOf(RangeError);
  });

  it('wraps the rejection of an async provider the same way', async () => {
    const lazy = { name: 'lazy', create: (): Promise<number> => Promise.reject(new Error('file not found: x.idx')) };
    const datasets = new ProviderRegistry<Promise<number>>('dataset', [lazy], new Map([[lazy, '@acme/data']]));
    await expect(datasets.create('lazy', {}, { seed: 0 }, 'data.train')).rejects.toThrow("data.train: dataset 'lazy' (plugin @acme/data): file not found: x.idx");
  });

  it('splits specs into name and options', () => {
    expect(splitSpec('accuracy')).toEqual({ name: 'accuracy', options: {} });
    expect(splitSpec({ name: 'top-k', k: 3 })).toEqual({ name: 'top-k', options: { k: 3 } });
  });
});

describe('closestName', () => {
  it('finds typos within one edit per three characters, and case-only differences', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestName('co-atention', ['co-attention', 'merged'])).toBe('co-attention');
    expect(closestName('Merged', ['co-attention', 'merged'])).toBe('merged');
    expect(closestName('xyz', ['co-attention', 'merged'])).toBeUndefined();
    expect(closestName('ab', ['ac', 'zz'])).toBe('ac');
  });
});
