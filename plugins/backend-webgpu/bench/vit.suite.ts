// A training step of the bench ViT (issue 5; the model is @crossmodal/bench's) on WebGPU, on the CPU
// oracle and in TensorFlow.js (webgpu; wasm through runTfVit): median ms and images/s.
import { createCpuBackend } from '@crossmodal/tensor';
import { BENCH_VIT, vitStepMs } from '@crossmodal/bench';
import type { WebGpuBackend } from '../src/webgpu-backend.ts';
import type { BenchRecord, SamplePlan } from './harness.ts';
import { tfVitStepMs } from './tfjs-vit.ts';
import type { TfRuntime, TfWebGpu } from './tfjs.ts';

const CASE = 'bench ViT, batch 64';

function push(records: BenchRecord[], framework: string, ms: number, samples: number): void {
  const ips = BENCH_VIT.batch / (ms / 1000);
  for (const [metric, value] of [['ms/step', ms], ['images/s', ips], ['samples', samples]] as const) {
    records.push({ suite: 'vit-step', case: CASE, framework, metric, value });
  }
  console.log(`vit step ${framework}: ${ms.toFixed(1)} ms, ${ips.toFixed(1)} images/s (median of ${samples})`);
}

/** TF.js's step sampled by `plan` on `rt`; prints the loss of every step run, and fails on a NaN loss. */
export async function runTfVit(rt: TfRuntime, plan: SamplePlan): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  const t = await tfVitStepMs(rt, plan);
  if (!t.losses.every(Number.isFinite)) throw new Error(`vit step ${rt.framework}: non-finite loss in ${t.losses.join(', ')}`);
  console.log(`vit step ${rt.framework}: losses ${t.losses.map((l) => l.toFixed(3)).join(' → ')} (ln 10 = 2.303)${t.leaked ? `; ${t.leaked} tensors leaked` : ''}`);
  push(records, rt.framework, t.ms, plan.samples);
  return records;
}

/**
 * Runs the step on WebGPU, on the CPU oracle (`cpuSteps` timed steps; 0 skips it) and, when given,
 * in TF.js webgpu (`tfPlan`: 1 warm-up and 3 steps by default, each step seconds long on lavapipe).
 */
export async function runVit(
  backend: WebGpuBackend, cpuSteps: number, tf?: TfWebGpu, tfPlan: SamplePlan = { warmup: 1, samples: 3, minSampleSeconds: 0 },
): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  const gpuPlan: SamplePlan = { warmup: 2, samples: 5, minSampleSeconds: 0 };
  push(records, 'crossmodal-webgpu', await vitStepMs(backend, () => backend.sync(), gpuPlan), gpuPlan.samples);
  if (cpuSteps > 0) {
    const cpuPlan: SamplePlan = { warmup: 1, samples: cpuSteps, minSampleSeconds: 0 };
    push(records, 'crossmodal-cpu-oracle', await vitStepMs(createCpuBackend(), async () => undefined, cpuPlan), cpuSteps);
  }
  if (tf) records.push(...(await runTfVit(tf, tfPlan)));
  return records;
}
