// Row reductions on this machine's adapter, serial programs against workgroup trees (the
// `reductions` setting): median milliseconds per op after warm-up, each sample ended by sync().
// Not a test; run with
//   cd plugins/backend-webgpu && npx tsx bench/reductions.bench.ts
import { Generator, layerNorm, rand, softmax, sum, type Tensor } from '@crossmodal/tensor';
import { createWebGpuBackend } from '../src/create-backend.ts';

const SAMPLES = 5;
const SAMPLE_SECONDS = 0.3;
const cases: [string, number[], (x: Tensor) => Tensor][] = [
  ['sum rows', [16, 65536], (x) => sum(x, 1)],
  ['sum rows', [1024, 1024], (x) => sum(x, 1)],
  ['sum all', [1 << 22], (x) => sum(x)],
  ['softmax', [512, 1024], (x) => softmax(x, -1)],
  ['layerNorm', [512, 1024], (x) => layerNorm(x)],
];

for (const reductions of ['serial', 'tree'] as const) {
  const backend = await createWebGpuBackend({ reductions });
  console.log(`adapter: ${backend.acquired.adapterName}; reductions ${reductions}`);
  for (const [name, shape, fn] of cases) {
    const x = rand(shape, { backend, generator: new Generator(1) });
    const runs = async (reps: number): Promise<number> => {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) fn(x).dispose();
      await backend.sync();
      return (performance.now() - t0) / reps;
    };
    await runs(1);
    const reps = Math.max(1, Math.ceil((SAMPLE_SECONDS * 1000) / (await runs(1))));
    const times: number[] = [];
    for (let s = 0; s < SAMPLES; s++) times.push(await runs(reps));
    times.sort((a, b) => a - b);
    console.log(`  ${name} [${shape.join(', ')}]: ${times[Math.floor(SAMPLES / 2)]!.toFixed(2)} ms`);
    x.dispose();
  }
  await backend.destroy();
}
