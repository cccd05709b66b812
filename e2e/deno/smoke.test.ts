// The Deno smoke suite: the framework's TypeScript sources run unchanged under Deno. A runtime is
// built from the default plugins, mlp-spirals trains a few steps on the CPU oracle through
// createPipeline, and the loss falls; then the CLI's entry point runs under Deno directly.
import { createPipeline, createRuntime, parseRunConfig, type TrainEvent } from '@crossmodal/core';
import { defaultPlugins } from '@crossmodal/preset-default';
import { getBackend } from '@crossmodal/tensor';

/** Fails the test with `message` unless `condition` holds. */
function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

Deno.test('a runtime from the default plugins lists every built-in part', () => {
  const rows = createRuntime(defaultPlugins).list().map((r) => `${r.kind} ${r.name} ${r.plugin}`);
  for (const row of ['model mlp-spirals @crossmodal/model-mlp', 'dataset spirals @crossmodal/dataset-synthetic', 'backend cpu @crossmodal/core']) {
    assert(rows.includes(row), `missing '${row}' in:\n${rows.join('\n')}`);
  }
});

Deno.test('mlp-spirals trains on the CPU backend through createPipeline and the loss falls', async () => {
  const outputDir = await Deno.makeTempDir({ prefix: 'crossmodal-deno-' });
  try {
    const config = parseRunConfig(
      {
        seed: 1,
        backend: 'cpu',
        model: { preset: 'mlp-spirals' },
        data: { train: { name: 'spirals', perClass: 32 }, batchSize: 32 },
        optimizer: { name: 'adamw', lr: 0.01 },
        train: { epochs: 8 },
        loggers: [{ name: 'jsonl' }],
        output: { dir: outputDir },
      },
      'smoke',
    );
    const pipeline = createPipeline(createRuntime(defaultPlugins), config);
    const events: TrainEvent[] = [];
    pipeline.events$.subscribe((e) => events.push(e));
    const result = await pipeline.run();
    result.model.dispose();
    const losses = events.flatMap((e) => (e.type === 'batch-end' ? [e.loss] : []));
    assert(result.status === 'completed' && result.backend === 'cpu', `run ended ${result.status} on ${result.backend}`);
    assert(losses.length === 24, `expected 24 steps (3 batches × 8 epochs), got ${losses.length}`);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [first, last] = [mean(losses.slice(0, 3)), mean(losses.slice(-3))];
    assert(last < 0.8 * first, `loss did not fall: first epoch ${first.toFixed(4)}, last epoch ${last.toFixed(4)}`);
    assert(getBackend().id === 'cpu', `backend after the run: ${getBackend().id}`);
    const lines = (await Deno.readTextFile(`${outputDir}/events.jsonl`)).trim().split('\n');
    assert(JSON.parse(lines[0]!).type === 'run-start' && JSON.parse(lines.at(-1)!).type === 'run-end', 'events.jsonl: run-start … run-end');
  } finally {
    await Deno.remove(outputDir, { recursive: true });
  }
});

Deno.test('the CLI entry point runs under Deno directly, with no config: crossmodal list', async () => {
  const main = new URL('../../packages/cli/src/main.ts', import.meta.url);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ['run', '-A', main.pathname, 'list'],
    stdout: 'piped',
    stderr: 'piped',
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert(code === 0, `exit ${code}: ${new TextDecoder().decode(stderr)}`);
  assert(/^model\s+mlp-spirals\s+@crossmodal\/model-mlp\s/m.test(out), `unexpected list output:\n${out}`);
});
