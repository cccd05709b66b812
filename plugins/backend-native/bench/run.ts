// The native backend against PyTorch alone, quickly: matmul (with OpenBLAS from C++), attention and
// the bench-ViT step, then PyTorch's figures from the same run, printed side by side and written to
// bench/results.json. The full table with every backend (WebGPU, TF.js, the oracle) is the combined
// bench's: `npx nx run bench-suite:bench`, which writes BENCHMARKS.md.
//   npx nx run backend-native:bench      options: --quick  --threads=N  --no-torch  --only=matmul,attention,vit
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fmt, runTorchBench, type BenchRecord } from '@crossmodal/bench';
import { createNativeBackend } from '../src/create-backend.ts';
import { NATIVE_FW, runNativeAttention, runNativeMatmul, runNativeVit } from './native.suite.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const only = option('only')?.split(',') ?? ['matmul', 'attention', 'vit'];
const threads = Number(option('threads') ?? availableParallelism());

const backend = createNativeBackend({ threads });
const info = backend.addon.info();
console.log(`native: ${info.blas.trim()}, ${info.simd}, ${backend.threads} threads`);
const records: BenchRecord[] = [];
if (only.includes('matmul')) records.push(...(await runNativeMatmul(backend, quick)));
if (only.includes('attention')) records.push(...(await runNativeAttention(backend)));
if (only.includes('vit')) records.push(...(await runNativeVit(backend, quick ? 5 : 20)));
if (!args.includes('--no-torch')) {
  const suites = (['matmul', 'attention', 'vit-step'] as const).filter((s) => only.includes(s === 'vit-step' ? 'vit' : s));
  const torch = runTorchBench({ threads, suites, quick });
  if (torch.ok) {
    records.push(...torch.records);
    console.log(`PyTorch ${torch.torch}, BLAS ${torch.blas}, ${torch.threads} threads:`);
    for (const r of torch.records.filter((x) => x.metric === 'ms' || x.metric === 'ms/step')) {
      const ours = records.find((x) => x.framework === NATIVE_FW && x.suite === r.suite && x.case === r.case && x.metric === r.metric)?.value;
      console.log(`  ${r.suite} ${r.case}: PyTorch ${fmt(r.value)} ms, ours ${fmt(ours)} ms (ours ÷ PyTorch time ${ours ? fmt(ours / r.value) : '—'})`);
    }
  } else console.log(`PyTorch: unavailable (${torch.reason})`);
}
await writeFile(fileURLToPath(new URL('./results.json', import.meta.url)), `${JSON.stringify(records, null, 2)}\n`);
