// Node-only adapter: runs torch_bench.py with Debian's python3-torch (/usr/bin/python3) and reads
// its records; a machine without it gets a reason instead (the bench then reports ours alone).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchRecord } from './harness.ts';

/** What the PyTorch side reports, or why it could not run. */
export type TorchBench =
  | { readonly ok: true; readonly torch: string; readonly blas: string; readonly threads: number; readonly records: readonly BenchRecord[] }
  | { readonly ok: false; readonly reason: string };

/** Options of the PyTorch run: thread count, suites, and `quick` for small shapes. */
export interface TorchBenchOptions {
  readonly threads: number;
  readonly suites: readonly ('matmul' | 'attention' | 'vit-step')[];
  readonly quick?: boolean;
  readonly python?: string;
}

/** Runs the PyTorch baseline in a child process (it prints one JSON object). */
export function runTorchBench({ threads, suites, quick = false, python = '/usr/bin/python3' }: TorchBenchOptions): TorchBench {
  if (!existsSync(python)) return { ok: false, reason: `${python} not found (install Debian's python3-torch for the PyTorch baseline)` };
  const script = fileURLToPath(new URL('./torch_bench.py', import.meta.url));
  const args = [script, '--threads', String(threads), '--suites', suites.join(','), ...(quick ? ['--quick'] : [])];
  const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    const last = (r.stderr || r.stdout || '').trim().split('\n').at(-1) ?? '';
    return { ok: false, reason: `${python} ${args.slice(1).join(' ')} failed (exit ${r.status}): ${last}` };
  }
  try {
    const parsed = JSON.parse(r.stdout) as { torch: string; blas: string; threads: number; records: BenchRecord[] };
    return { ok: true, ...parsed };
  } catch (e) {
    return { ok: false, reason: `torch_bench.py printed something that is not JSON: ${(e as Error).message}` };
  }
}
