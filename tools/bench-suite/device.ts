// The GPU run: what a lent GPU machine (README.md here, "On a lent GPU machine") checks and measures on
// our WebGPU backend over a real GPU, in one process, with no test runner and no node_modules there
// (this file is bundled with esbuild by device-pack.sh and run by `device-run.sh bench`).
//   1. the adapter Dawn found;
//   2. parity: every case of the tensor conformance suite (forward and gradients) against the CPU
//      oracle, and the ViT fixture of tools/golden/make_vit_fixture.py (logits, every attention map,
//      loss and every parameter gradient) against PyTorch, both ≤ the tolerances CI uses on lavapipe;
//   3. speed: matmul GFLOP/s (the lavapipe sizes and larger), fused attention, the bench ViT step.
// Prints a line per figure and writes a JSON report (--out file).
//   node device.mjs [--out report.json] [--vit-fixture path] [--quick]
import { writeFileSync } from 'node:fs';
import { setBackend } from '@crossmodal/tensor';
import { createWebGpuBackend, type WebGpuBackend } from '@crossmodal/backend-webgpu';
import { matmulCases, runAttention, runMatmul, runVit, type MatmulCase } from '@crossmodal/backend-webgpu/bench';
import type { BenchRecord } from '@crossmodal/bench';
import { conformanceOnGpu, vitParityOnGpu } from './src/testing/gpu-parity.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  if (i >= 0 && (args[i + 1] === undefined || args[i + 1]!.startsWith('--'))) throw new Error(`device: --${name} needs a value`);
  return i >= 0 ? args[i + 1] : undefined;
};
// NOTE: a mistyped flag would otherwise be ignored silently, and a device run is minutes of lent time.
const unknown = args.filter((a) => a.startsWith('--') && !['--out', '--vit-fixture', '--quick'].includes(a));
if (unknown.length > 0) throw new Error(`device: unknown option ${unknown.join(', ')}; expected --out FILE, --vit-fixture FILE, --quick`);
const quick = args.includes('--quick');
const outPath = opt('out');
const fixturePath = opt('vit-fixture');

const gpu: WebGpuBackend = await createWebGpuBackend();
const adapter = `${gpu.acquired.adapterName}${gpu.acquired.software ? ' (software)' : ''}`;
console.log(`adapter: ${adapter}`);
const report: {
  adapter: string; node: string; conformance: { passed: number; failed: { name: string; message: string }[] };
  vitParity: { check: string; relError: number }[] | string; records: BenchRecord[];
} = { adapter, node: process.version, conformance: { passed: 0, failed: [] }, vitParity: 'not run', records: [] };

// ---- 2. parity ---------------------------------------------------------------------------------
const conformance = await conformanceOnGpu(gpu);
report.conformance = conformance;
for (const f of conformance.failed) console.log(`conformance FAILED ${f.name}: ${f.message}`);
console.log(`conformance: ${conformance.passed} of ${conformance.passed + conformance.failed.length} cases match the CPU oracle`);
if (fixturePath) {
  const rows = await vitParityOnGpu(gpu, fixturePath);
  const worst = rows.reduce((a, b) => (b.relError > a.relError ? b : a));
  const over = rows.filter((r) => !(r.relError <= 1e-4));
  console.log(`vit parity vs PyTorch: ${rows.length} checks, worst ${worst.check} at ${worst.relError.toExponential(2)}; ${over.length} over 1e-4`);
  for (const r of over) console.log(`vit parity OVER 1e-4: ${r.check} ${r.relError.toExponential(2)}`);
  report.vitParity = rows;
}

// ---- 3. speed -----------------------------------------------------------------------------------
setBackend(gpu);
const GPU_PLAN = { warmup: 2, samples: 5, minSampleSeconds: 0.25 };
const bigger: MatmulCase[] = quick ? [] : [
  { name: '4096³', batch: 1, m: 4096, k: 4096, n: 4096, plan: GPU_PLAN },
  { name: '8192³', batch: 1, m: 8192, k: 8192, n: 8192, plan: { ...GPU_PLAN, samples: 3 } },
];
report.records.push(...(await runMatmul(gpu, undefined, [...matmulCases(quick).map((c) => ({ ...c, plan: GPU_PLAN })), ...bigger])));
report.records.push(...(await runAttention(gpu, undefined)));
report.records.push(...(await runVit(gpu, 0)));

if (outPath) writeFileSync(outPath, `${JSON.stringify(report, null, 2)}\n`);
await gpu.destroy();
const ok = report.conformance.failed.length === 0 && (typeof report.vitParity === 'string' || report.vitParity.every((r) => r.relError <= 1e-4));
console.log(ok ? 'device run: parity holds' : 'device run: PARITY FAILED');
process.exit(ok ? 0 : 1);
