// Matmul throughput with f32 and with f16 operands (createWebGpuBackend({ f16 })) on this machine's
// adapter: GFLOP/s of square products, median of timed samples after warm-up, each ended by sync().
// Not a test; run with
//   cd plugins/backend-webgpu && npx tsx bench/matmul-f16.bench.ts [sizes…]
import { Generator, matmul, rand } from '@crossmodal/tensor';
import { createWebGpuBackend } from '../src/create-backend.ts';
import { matmulTile } from '../src/kernels/matmul.kernel.ts';

const SAMPLES = 5;
const SAMPLE_SECONDS = 0.5;
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);

for (const f16 of [false, true]) {
  const backend = await createWebGpuBackend({ f16 });
  console.log(`adapter: ${backend.acquired.adapterName}; operands ${f16 ? 'f16' : 'f32'}`);
  for (const n of sizes.length ? sizes : [1024]) {
    const a = rand([n, n], { backend, generator: new Generator(1) });
    const b = rand([n, n], { backend, generator: new Generator(2) });
    const runs = async (reps: number): Promise<number> => {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) matmul(a, b).dispose();
      await backend.sync();
      return (performance.now() - t0) / 1000 / reps;
    };
    const compile0 = performance.now();
    await runs(1);
    const compile = (performance.now() - compile0) / 1000;
    const reps = Math.max(1, Math.ceil(SAMPLE_SECONDS / (await runs(1))));
    const times: number[] = [];
    for (let s = 0; s < SAMPLES; s++) times.push(await runs(reps));
    times.sort((x, y) => x - y);
    const median = times[Math.floor(SAMPLES / 2)]!;
    const tile = matmulTile(n, n, n);
    console.log(`  ${n}³ (${tile}×${tile} tile): ${((2 * n ** 3) / median / 1e9).toFixed(2)} GFLOP/s (median ${(median * 1000).toFixed(1)} ms; first run incl. compile ${compile.toFixed(2)} s)`);
    a.dispose();
    b.dispose();
  }
  await backend.destroy();
}
