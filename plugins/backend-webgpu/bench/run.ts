// The WebGPU bench: matmul, attention and a bench-ViT training step, ours vs TensorFlow.js (webgpu on
// the same adapter, and wasm on the CPU), one process. Prints each figure, writes bench/results.json
// and BENCHMARKS.md's section.
//   npx nx run backend-webgpu:bench            (or: cd plugins/backend-webgpu && npx tsx bench/run.ts)
//   options: --only=matmul,attention,vit  --quick (small shapes, fewer samples, no CPU oracle)
//            --no-tfjs (neither TF.js column)  --no-wasm (no TF.js wasm column)  --no-write
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { setBackend } from '@crossmodal/tensor';
import { createWebGpuBackend } from '../src/create-backend.ts';
import { runAttention } from './attention.suite.ts';
import type { BenchRecord } from './harness.ts';
import { matmulCases, runMatmul } from './matmul.suite.ts';
import { section, updateBenchmarksMd } from './report.ts';
import { loadTfWebGpu } from './tfjs.ts';
import { runTfjsWasm } from './tfjs-wasm.suite.ts';
import { runVit } from './vit.suite.ts';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') ?? ['matmul', 'attention', 'vit'];
const quick = flag('quick');
/** CPU-oracle steps timed after one warm-up (a step takes seconds there). */
const CPU_STEPS = 3;

const started = performance.now();
const backend = await createWebGpuBackend();
setBackend(backend);
const adapter = `${backend.acquired.adapterName}${backend.acquired.software ? ' (software)' : ''}`;
console.log(`adapter: ${adapter}`);
const tf = flag('no-tfjs') ? undefined : await loadTfWebGpu();

const records: BenchRecord[] = [];
if (only.includes('matmul')) records.push(...(await runMatmul(backend, tf, matmulCases(quick))));
if (only.includes('attention')) records.push(...(await runAttention(backend, tf)));
if (only.includes('vit')) records.push(...(await runVit(backend, quick ? 0 : CPU_STEPS, tf, { warmup: 1, samples: quick ? 2 : 3, minSampleSeconds: 0 })));
if (tf && !flag('no-wasm')) records.push(...(await runTfjsWasm({ quick, only: (['matmul', 'attention', 'vit'] as const).filter((s) => only.includes(s)) })));
const minutes = (performance.now() - started) / 60000;
console.log(`total: ${minutes.toFixed(1)} min`);

if (!flag('no-write')) {
  const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
  await writeFile(here('./results.json'), `${JSON.stringify(records, null, 2)}\n`);
  await updateBenchmarksMd(here('../../../BENCHMARKS.md'), section(records, {
    adapter,
    command: `npx nx run backend-webgpu:bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    date: new Date().toISOString().slice(0, 10),
    node: process.versions.node,
    notes: [
      'Samples: 5 at 256³ and 512³ (each sample repeats the product until it lasts ≥ 0.25 s), 5 single-product samples at 1024³ and 96×(197×64·64×197), and 3 at 2048³ and 1576×768·768×3072 (seconds per product on lavapipe); one warm-up each.',
      'Attention: 1 warm-up, median of 5 single-pass samples. TF.js\'s forward+backward is `tf.grads` of sum(out·w) over q, k, v (gradients registered by importing `@tensorflow/tfjs`: tfjs-core\'s Node bundle registers none).',
      `ViT step: 2 warm-ups and 5 steps on WebGPU; 1 warm-up and ${CPU_STEPS} steps on the CPU oracle; TF.js webgpu 1 warm-up and ${quick ? 2 : 3} steps, TF.js wasm 1 warm-up and ${quick ? 2 : 5}. TF.js's ViT is the same model in TF.js ops (bench/tfjs-vit.ts: separate q/k/v linears, erf GELU, LN eps 1e-6), \`tf.variableGrads\`, and \`tf.train.adam\` with decoupled weight decay p ← p·(1 − lr·wd) before each update (TF.js has no AdamW).`,
      'TF.js wasm: `@tensorflow/tfjs-backend-wasm` 4.22.0, SIMD, one thread (its Node build starts no worker threads); matmul 2 warm-ups and 5 samples of ≥ 0.2 s, attention 2 warm-ups and 5 samples.',
      'lavapipe runs on the same 2 cores as Node: run-to-run spread is about ±30%, more when anything else runs.',
      `Whole run: ${minutes.toFixed(1)} min on this machine.`,
    ],
  }));
}
tf?.tf.disposeVariables();
await backend.destroy();
