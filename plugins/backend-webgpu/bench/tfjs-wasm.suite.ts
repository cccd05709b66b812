// TensorFlow.js's wasm backend (XNNPACK, SIMD, one thread: its Node build starts no workers) on the
// bench's matmul, attention and ViT-step cases, as a CPU column beside the native backend and PyTorch.
import type { BenchRecord, SamplePlan } from './harness.ts';
import { runTfAttention } from './attention.suite.ts';
import { matmulCases, runTfMatmul } from './matmul.suite.ts';
import { loadTfWasm } from './tfjs.ts';
import { runTfVit } from './vit.suite.ts';

/** Which suites to run (all by default) and whether to run the smoke-sized version. */
export interface TfjsWasmOptions {
  readonly quick: boolean;
  readonly only?: readonly ('matmul' | 'attention' | 'vit')[];
}

/**
 * Loads TF.js wasm (leaving it TF.js's active backend: every suite activates its own runtime first)
 * and runs matmul, attention and the ViT step on it; records are framework 'tfjs-wasm'. Plans follow the CPU columns: matmul
 * 2 warm-ups and 5 samples of ≥ 0.2 s, attention 2 warm-ups and 5 samples, ViT 1 warm-up and 5 steps
 * (quick: fewer samples, and matmulCases(true)'s small shapes).
 */
export async function runTfjsWasm(opts: TfjsWasmOptions): Promise<BenchRecord[]> {
  const { quick, only = ['matmul', 'attention', 'vit'] } = opts;
  const rt = await loadTfWasm();
  console.log(`tfjs-wasm: ${rt.tf.version_core}, SIMD ${rt.simd ? 'on' : 'off'}, ${rt.threads} thread${rt.threads === 1 ? '' : 's'}`);
  const records: BenchRecord[] = [];
  const mmPlan: SamplePlan = quick ? { warmup: 1, samples: 3, minSampleSeconds: 0.1 } : { warmup: 2, samples: 5, minSampleSeconds: 0.2 };
  const atPlan: SamplePlan = quick ? { warmup: 1, samples: 3, minSampleSeconds: 0 } : { warmup: 2, samples: 5, minSampleSeconds: 0 };
  const vitPlan: SamplePlan = { warmup: 1, samples: quick ? 2 : 5, minSampleSeconds: 0 };
  if (only.includes('matmul')) records.push(...(await runTfMatmul(rt, matmulCases(quick), mmPlan)));
  if (only.includes('attention')) records.push(...(await runTfAttention(rt, atPlan)));
  if (only.includes('vit')) records.push(...(await runTfVit(rt, vitPlan)));
  return records;
}
