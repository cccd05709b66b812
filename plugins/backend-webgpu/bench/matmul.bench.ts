// Matmul throughput on this machine's WebGPU adapter: GFLOP/s of square products (median of 5
// timed samples after warm-up, each sample ended by backend.sync()). Not a test; run with
//   cd plugins/backend-webgpu && npx tsx bench/matmul.bench.ts [sizes…]
import { Generator, matmul, rand } from '@crossmodal/tensor';
import { createWebGpuBackend } from '../src/create-backend.ts';
import { matmulTile } from '../src/kernels/matmul.kernel.ts';

const SAMPLES = 5;
/** Each sample runs enough products to last about this long, so short ones are not all overhead. */
const SAMPLE_SECONDS = 0.25;

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const backend = await createWebGpuBackend();
console.log(`adapter: ${backend.acquired.adapterName}${backend.acquired.software ? ' (software)' : ''}`);

for (const n of sizes.length ? sizes : [256, 512, 1024]) {
  const a = rand([n, n], { backend, generator: new Generator(1) });
  const b = rand([n, n], { backend, generator: new Generator(2) });
  // Wall seconds per product; CPU seconds too (on a software adapter they show contention).
  const cpu: number[] = [];
  const runs = async (reps: number): Promise<number> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) matmul(a, b).dispose();
    await backend.sync();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6 / reps);
    return (performance.now() - t0) / 1000 / reps;
  };
  // Warm-up: compiles the pipeline and fills the buffer pool; then sizes the samples.
  await runs(1);
  const reps = Math.max(1, Math.ceil(SAMPLE_SECONDS / (await runs(1))));
  const times: number[] = [];
  for (let s = 0; s < SAMPLES; s++) times.push(await runs(reps));
  times.sort((x, y) => x - y);
  const median = times[Math.floor(SAMPLES / 2)]!;
  const cpuMedian = cpu.slice(2).sort((x, y) => x - y)[Math.floor(SAMPLES / 2)]!;
  const gflops = (2 * n ** 3) / median / 1e9;
  const tile = matmulTile(n, n, n);
  console.log(`${n}³ (${tile}×${tile} tile): ${gflops.toFixed(2)} GFLOP/s (median ${(median * 1000).toFixed(2)} ms per product, ${reps} per sample; ${(cpuMedian * 1000).toFixed(1)} CPU-ms)`);
  a.dispose();
  b.dispose();
}
await backend.destroy();
