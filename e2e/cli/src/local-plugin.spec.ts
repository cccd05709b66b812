// A team's own plugin file, next to its config, trains through the unchanged CLI: the config
// names it by path, `list` shows its dataset under its name, and the run learns it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallConfig, workdir, type Workdir } from './harness.ts';

/** A plugin registering dataset `rings`: two concentric circles, radius 0.5 (class 0) and 1 (class 1). */
const RINGS_PLUGIN = `// A local plugin, as a team would write it next to its configs.
import { DATASETS, type Dataset, type DatasetProvider, type Plugin } from '@crossmodal/core';

function rings(size: number): Dataset {
  return {
    size,
    info: { numClasses: 2, fields: { features: [2], label: [] } },
    get(index) {
      const label = index % 2;
      const angle = index * 2.399963; // golden angle: points spread round each ring
      const r = label === 0 ? 0.5 : 1;
      return { features: { data: Float32Array.of(r * Math.cos(angle), r * Math.sin(angle)), shape: [2] }, label };
    },
  };
}

const ringsProvider: DatasetProvider = {
  name: 'rings',
  description: 'two concentric rings (a local plugin)',
  create: (config) => rings(typeof config['size'] === 'number' ? config['size'] : 64),
};

export const ringsPlugin: Plugin = {
  name: 'acme-rings',
  version: '0.0.1',
  register(container) {
    container.register(DATASETS, { useValue: ringsProvider });
  },
};
`;

describe('a local plugin file named by a config', () => {
  let wd: Workdir;
  beforeAll(() => {
    wd = workdir('local');
    wd.write('plugins/rings/index.ts', RINGS_PLUGIN);
    wd.write(
      'rings.yaml',
      smallConfig({ epochs: 3, outputDir: 'runs/rings', plugins: ['@crossmodal/preset-default', './plugins/rings/index.ts'] })
        .replace('train: { name: spirals, perClass: 20 }', 'train: { name: rings, size: 64 }')
        .replace('eval: { name: spirals, split: test, perClass: 10 }', 'eval: { name: rings, size: 32 }'),
    );
  });
  afterAll(() => wd.dispose());

  it('appears in `list` for that config under its own plugin name', () => {
    const r = wd.run(['list', 'rings.yaml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^dataset\s+rings\s+acme-rings\s+two concentric rings \(a local plugin\)$/m);
  });

  it('trains through the CLI and the loss falls', () => {
    const r = wd.run(['train', 'rings.yaml']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const losses = wd.events('runs/rings').filter((e) => e.type === 'batch-end').map((e) => e['loss'] as number);
    expect(losses).toHaveLength(12);
    expect(losses.slice(-3).reduce((a, b) => a + b) / 3).toBeLessThan(losses.slice(0, 3).reduce((a, b) => a + b) / 3);
  });
});
