// CPU oracle kernels for reductions: sums accumulate in double precision.
import { defineKernel } from '../../backend.ts';
import { allocArray } from '../../dtype.ts';
import { ArgMax, ArgMin, Max, Min, Sum } from '../../ops/reduce.op.ts';
import { CpuStorage, CPU, type CpuBackend } from '../cpu-storage.ts';
import { reductionPlan } from '../indexing.ts';

type Combine = (acc: number, v: number) => number;

const reduceKernel = (op: typeof Sum, init: number, f: Combine) =>
  defineKernel(op, CPU, (_: CpuBackend, { x }, { axes }, outs) => {
    const o = outs.out!;
    const { outer, inner } = reductionPlan(x.shape, axes);
    const out = allocArray(o.dtype, o.size);
    const d = x.storage.data;
    for (let i = 0; i < outer.length; i++) {
      let acc = init;
      for (let j = 0; j < inner.length; j++) acc = f(acc, d[outer[i]! + inner[j]!]!);
      out[i] = acc;
    }
    return new CpuStorage(out);
  });

// NaN propagates through max/min, as in PyTorch.
const maxOf: Combine = (a, v) => (Number.isNaN(a) || Number.isNaN(v) ? Number.NaN : v > a ? v : a);
const minOf: Combine = (a, v) => (Number.isNaN(a) || Number.isNaN(v) ? Number.NaN : v < a ? v : a);

const argKernel = (op: typeof ArgMax, better: (v: number, best: number) => boolean) =>
  defineKernel(op, CPU, (_: CpuBackend, { x }, { axis }, outs) => {
    const { outer, inner } = reductionPlan(x.shape, [axis]);
    const out = allocArray('int32', outs.out!.size);
    const d = x.storage.data;
    for (let i = 0; i < outer.length; i++) {
      let best = 0;
      for (let j = 1; j < inner.length; j++) if (better(d[outer[i]! + inner[j]!]!, d[outer[i]! + inner[best]!]!)) best = j;
      out[i] = best;
    }
    return new CpuStorage(out);
  });

export const reduceKernels = [
  reduceKernel(Sum, 0, (a, v) => a + v),
  reduceKernel(Max, Number.NEGATIVE_INFINITY, maxOf),
  reduceKernel(Min, Number.POSITIVE_INFINITY, minOf),
  // First occurrence wins ties; a NaN counts as the extreme (PyTorch's argmax does the same).
  argKernel(ArgMax, (v, best) => v > best || (Number.isNaN(v) && !Number.isNaN(best))),
  argKernel(ArgMin, (v, best) => v < best || (Number.isNaN(v) && !Number.isNaN(best))),
] as const;
