// Where a bench-ViT training step's time goes on the native backend: every kernel call is timed
// (the addon is synchronous, so a kernel's wall time is its cost) and summed per op, next to the
// step's total; the remainder is the engine's own work (autograd, shapes, allocation) in JS.
//   cd plugins/backend-native && npx tsx bench/profile.ts [--steps=N] [--threads=N]
import { availableParallelism } from 'node:os';
import type { AnyKernel } from '@crossmodal/tensor';
import { markdownTable, vitStepMs } from '@crossmodal/bench';
import { createNativeBackend } from '../src/create-backend.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const steps = Number(option('steps') ?? 10);
const backend = createNativeBackend({ threads: Number(option('threads') ?? availableParallelism()) });

const totals = new Map<string, { ms: number; calls: number }>();
const timed = new Map<string, AnyKernel>();
for (const [name, k] of backend.kernels) {
  timed.set(name, {
    op: k.op,
    backendId: k.backendId,
    run(...a: Parameters<AnyKernel['run']>): unknown {
      const t0 = performance.now();
      const out = k.run(...a);
      const t = totals.get(name) ?? { ms: 0, calls: 0 };
      t.ms += performance.now() - t0;
      t.calls++;
      totals.set(name, t);
      return out;
    },
  });
}
// Profiling only: swap in the timed table (the field is readonly to kernels, not at run time).
(backend as { kernels: ReadonlyMap<string, AnyKernel> }).kernels = timed;

const warm = await vitStepMs(backend, async () => undefined, { warmup: 2, samples: 1, minSampleSeconds: 0 });
totals.clear();
const t0 = performance.now();
const median = await vitStepMs(backend, async () => undefined, { warmup: 0, samples: steps, minSampleSeconds: 0 });
const wall = (performance.now() - t0) / steps;
const kernelMs = [...totals.values()].reduce((s, t) => s + t.ms, 0) / steps;
const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms).map(([op, t]) => [op, (t.ms / steps).toFixed(2), String(t.calls / steps), `${((100 * t.ms) / steps / wall).toFixed(1)}%`]);
console.log(`bench-ViT step on native, ${backend.threads} threads: median ${median.toFixed(1)} ms (warm-up step ${warm.toFixed(1)} ms); mean wall ${wall.toFixed(1)} ms per step incl. model setup amortised; kernels ${kernelMs.toFixed(1)} ms; engine/JS ${(wall - kernelMs).toFixed(1)} ms`);
console.log(markdownTable(['op', 'ms per step', 'calls per step', 'share of step'], rows));
