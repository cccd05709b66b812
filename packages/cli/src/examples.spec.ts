// Every example config in packages/cli/examples (the README's main job among them) parses, names
// only registered plugins, and builds its model: a typo there would first show on a user's machine.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRun } from './load-run.ts';
import { checkNames } from './preflight.ts';

const dir = fileURLToPath(new URL('../examples', import.meta.url));
const examples = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

describe('examples', () => {
  it('include the main job and the full-length ViT recipe', () => {
    expect(examples).toEqual(expect.arrayContaining(['spirals.yaml', 'vit-fashion-mnist.yaml', 'vit-fashion-mnist-full.yaml']));
  });

  it.each(examples)('%s parses, names registered plugins and builds its model', async (file) => {
    const { config, runtime } = await loadRun(join(dir, file), [], dir);
    try {
      checkNames(runtime, config);
      const model = runtime.models.build(config.model, { seed: config.seed });
      expect(model.parameters().length).toBeGreaterThan(0);
      model.dispose();
    } finally {
      await runtime.dispose();
    }
  }, 60_000);
});
