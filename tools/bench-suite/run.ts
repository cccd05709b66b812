// The combined bench (issues 5 and 6): every backend of ours, the CPU oracle, TensorFlow.js
// (webgpu and wasm) and PyTorch, measured in one run on this machine, one after another on the same
// cores. Prints each figure, writes results.json (one record per figure) and the BENCHMARKS.md
// section between this bench's markers.
//   npx nx run bench-suite:bench     options: --quick  --no-webgpu  --no-tfjs  --no-torch  --no-write
import { writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setBackend } from '@crossmodal/tensor';
import { fmt, markdownTable, runTorchBench, updateSection, type BenchRecord } from '@crossmodal/bench';
import { createNativeBackend } from '@crossmodal/backend-native';
import { NATIVE_FW, OPENBLAS_C_FW, runNativeAttention, runNativeMatmul, runNativeVit } from '@crossmodal/backend-native/bench';
import { createWebGpuBackend } from '@crossmodal/backend-webgpu';
import { loadTfWebGpu, matmulCases, runAttention, runMatmul, runTfjsWasm, runVit } from '@crossmodal/backend-webgpu/bench';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const quick = flag('quick');
const threads = availableParallelism();
const started = performance.now();
const records: BenchRecord[] = [];
const notes: string[] = [];
const WEBGPU_FW = 'crossmodal-webgpu';

// 1. Native (the default backend on a CPU-only machine).
const native = createNativeBackend({ threads });
const nativeInfo = native.addon.info();
setBackend(native);
console.log(`native: ${nativeInfo.blas.trim()}, ${nativeInfo.simd}, ${native.threads} threads`);
records.push(...(await runNativeMatmul(native, quick)));
records.push(...(await runNativeAttention(native)));
records.push(...(await runNativeVit(native, quick ? 5 : 20)));

// 2. WebGPU (ours and TF.js's, same Dawn device), with the CPU oracle's ViT step.
let adapter = 'not run';
if (!flag('no-webgpu')) {
  const gpu = await createWebGpuBackend();
  setBackend(gpu);
  adapter = `${gpu.acquired.adapterName}${gpu.acquired.software ? ' (software)' : ''}`;
  const tf = flag('no-tfjs') ? undefined : await loadTfWebGpu();
  // Our WebGPU suites name their framework 'crossmodal'; here every backend of ours has its own column.
  const ours = (rs: BenchRecord[]): BenchRecord[] => rs.map((r) => (r.framework === 'crossmodal' ? { ...r, framework: WEBGPU_FW } : r));
  records.push(...ours(await runMatmul(gpu, tf, matmulCases(quick))));
  records.push(...ours(await runAttention(gpu, tf)));
  records.push(...(await runVit(gpu, quick ? 0 : 2, tf)));
  tf?.tf.disposeVariables();
  await gpu.destroy();
  setBackend(native);
}

// 3. TF.js wasm (XNNPACK; one thread: TF.js's Node build cannot use threads).
if (!flag('no-tfjs')) records.push(...(await runTfjsWasm({ quick })));

// 4. PyTorch (Debian's python3-torch over the same OpenBLAS).
let torchLine = 'PyTorch: not run (--no-torch)';
if (!flag('no-torch')) {
  const torch = runTorchBench({ threads, suites: ['matmul', 'attention', 'vit-step'], quick });
  if (torch.ok) {
    records.push(...torch.records);
    torchLine = `PyTorch ${torch.torch} (Debian's python3-torch; BLAS \`${torch.blas}\` as built, loading Debian's libblas.so.3 → OpenBLAS), ${torch.threads} threads`;
    for (const r of torch.records) if (r.metric !== 'samples') console.log(`pytorch ${r.suite} ${r.case} ${r.metric}: ${r.value.toFixed(2)}`);
  } else {
    torchLine = `PyTorch: unavailable (${torch.reason})`;
    console.log(torchLine);
  }
}
const minutes = (performance.now() - started) / 60000;
console.log(`total: ${minutes.toFixed(1)} min`);

// ---- report ------------------------------------------------------------------------------------
const get = (suite: string, c: string, fw: string, metric: string): number | undefined =>
  records.find((r) => r.suite === suite && r.case === c && r.framework === fw && r.metric === metric)?.value;
const cases = (suite: string): string[] => [...new Set(records.filter((r) => r.suite === suite).map((r) => r.case))];
const ratio = (a: number | undefined, b: number | undefined): string => (a && b ? `${fmt(a / b)}×` : '—');
const FWS = [NATIVE_FW, 'pytorch', WEBGPU_FW, 'tfjs-webgpu', 'tfjs-wasm'] as const;
const LABEL: Record<string, string> = {
  [NATIVE_FW]: 'ours, native', [OPENBLAS_C_FW]: 'OpenBLAS from C', pytorch: 'PyTorch', [WEBGPU_FW]: 'ours, WebGPU',
  'tfjs-webgpu': 'TF.js webgpu', 'tfjs-wasm': 'TF.js wasm', 'crossmodal-cpu-oracle': 'ours, CPU oracle',
};

const BEGIN = '<!-- tools/bench-suite/run.ts: begin (generated; edits inside are overwritten) -->';
const END = '<!-- tools/bench-suite/run.ts: end -->';
const parts: string[] = [
  BEGIN,
  '## Every backend side by side (tools/bench-suite/run.ts)',
  '',
  `One run on this machine (${threads} cores, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}.`,
  `Command: \`npx nx run bench-suite:bench${args.length ? ` -- ${args.join(' ')}` : ''}\` (figures also in \`tools/bench-suite/results.json\`).`,
  `Ours, native: OpenBLAS \`${nativeInfo.blas.trim()}\`, kernels ${nativeInfo.simd}, ${native.threads} threads. Ours, WebGPU and TF.js webgpu: adapter \`${adapter}\`.`,
  `${torchLine}. TF.js 4.22.0; wasm on one thread (its Node build cannot use threads).`,
  '',
];
if (cases('matmul').length) {
  parts.push('### Matmul, GFLOP/s', '', markdownTable(
    ['shape', LABEL[NATIVE_FW]!, LABEL[OPENBLAS_C_FW]!, 'native ÷ C', ...FWS.slice(1).map((f) => LABEL[f]!)],
    cases('matmul').map((c) => {
      const g = (f: string): number | undefined => get('matmul', c, f, 'GFLOP/s');
      return [c, fmt(g(NATIVE_FW)), fmt(g(OPENBLAS_C_FW)), g(NATIVE_FW) && g(OPENBLAS_C_FW) ? `${((100 * g(NATIVE_FW)!) / g(OPENBLAS_C_FW)!).toFixed(0)}%` : '—', ...FWS.slice(1).map((f) => fmt(g(f)))];
    }),
  ), '');
}
if (cases('attention').length) {
  parts.push('### Attention, ms (ours: fused `scaledDotProductAttention` + autograd; PyTorch 1.13 and TF.js: matmul, softmax, matmul + autograd)', '', markdownTable(
    ['case', ...FWS.map((f) => LABEL[f]!), 'PyTorch ÷ native'],
    cases('attention').map((c) => [c, ...FWS.map((f) => fmt(get('attention', c, f, 'ms'))), ratio(get('attention', c, 'pytorch', 'ms'), get('attention', c, NATIVE_FW, 'ms'))]),
  ), '');
}
const vitCase = cases('vit-step')[0];
if (vitCase) {
  const fws = [...new Set(records.filter((r) => r.suite === 'vit-step').map((r) => r.framework))];
  const torchMs = get('vit-step', vitCase, 'pytorch', 'ms/step');
  parts.push('### Training step of the bench ViT (batch 64 of 1×28×28, patch 4, dim 64, depth 4, heads 4, MLP 128, pre-norm, AdamW)', '', markdownTable(
    ['backend', 'ms per step', 'images/s', '÷ PyTorch time', 'timed steps'],
    fws.map((f) => {
      const ms = get('vit-step', vitCase, f, 'ms/step');
      return [LABEL[f] ?? f, fmt(ms), fmt(get('vit-step', vitCase, f, 'images/s')), ratio(ms, torchMs), String(get('vit-step', vitCase, f, 'samples') ?? '—')];
    }),
  ), '');
}
// The issues' targets, stated from this run's figures.
const nativeVit = vitCase ? get('vit-step', vitCase, NATIVE_FW, 'ms/step') : undefined;
const torchVit = vitCase ? get('vit-step', vitCase, 'pytorch', 'ms/step') : undefined;
if (nativeVit && torchVit) notes.push(`Target (issue 6): bench-ViT step ≤ 1.25× PyTorch's — native takes ${fmt(nativeVit / torchVit)}× PyTorch's time (${nativeVit / torchVit <= 1.25 ? 'met' : 'not met'}).`);
const toC = cases('matmul').map((c) => [get('matmul', c, NATIVE_FW, 'GFLOP/s'), get('matmul', c, OPENBLAS_C_FW, 'GFLOP/s')] as const)
  .filter((p): p is readonly [number, number] => p[0] !== undefined && p[1] !== undefined).map(([a, b]) => a / b);
if (toC.length) notes.push(`Target (issue 6): matmul ≥ 90% of OpenBLAS called from C — met in ${toC.filter((x) => x >= 0.9).length} of ${toC.length} shapes (range ${(100 * Math.min(...toC)).toFixed(0)}%–${(100 * Math.max(...toC)).toFixed(0)}%).`);
const fb = cases('attention').find((c) => c.startsWith('forward+backward'));
const [fbNative, fbTorch] = fb ? [get('attention', fb, NATIVE_FW, 'ms'), get('attention', fb, 'pytorch', 'ms')] : [undefined, undefined];
if (fbNative && fbTorch) notes.push(`Target (issue 6): attention forward+backward faster than PyTorch's composite — ${fmt(fbTorch / fbNative)}× (${fbNative < fbTorch ? 'met' : 'not met'}).`);
const gpuVsTf = [
  ...cases('matmul').map((c) => [get('matmul', c, WEBGPU_FW, 'GFLOP/s'), get('matmul', c, 'tfjs-webgpu', 'GFLOP/s')] as const),
  ...cases('attention').map((c) => [get('attention', c, 'tfjs-webgpu', 'ms'), get('attention', c, WEBGPU_FW, 'ms')] as const),
].filter((p): p is readonly [number, number] => p[0] !== undefined && p[1] !== undefined).map(([a, b]) => a / b);
if (gpuVsTf.length) notes.push(`Target (issue 5): WebGPU ≥ 2× TF.js webgpu on the same adapter for matmul and attention — met in ${gpuVsTf.filter((x) => x >= 2).length} of ${gpuVsTf.length} rows (range ${fmt(Math.min(...gpuVsTf))}×–${fmt(Math.max(...gpuVsTf))}×).`);
notes.push(`Whole run: ${minutes.toFixed(1)} min. Every framework runs on the same cores one after another; anything else running skews the figures (lavapipe's by ±30%).`);
parts.push(...notes.map((n) => `- ${n}`), '', END);

if (!flag('no-write')) {
  const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
  await writeFile(here('./results.json'), `${JSON.stringify(records, null, 2)}\n`);
  await updateSection(here('../../BENCHMARKS.md'), BEGIN, END, parts.join('\n'));
}
console.log(notes.join('\n'));
