// CPU oracle kernels that move data: permute and expand.
import { defineKernel } from '../../backend.ts';
import { allocArray } from '../../dtype.ts';
import { Expand } from '../../ops/expand.op.ts';
import { Permute } from '../../ops/permute.op.ts';
import { stridesOf } from '../../shape.ts';
import { CpuStorage, CPU, type CpuBackend } from '../cpu-storage.ts';
import { broadcastIndex } from '../indexing.ts';

export const layoutKernels = [
  defineKernel(Permute, CPU, (_: CpuBackend, { x }, { axes }, outs) => {
    const o = outs.out!;
    const out = allocArray(o.dtype, o.size);
    // Walk the output in order; the input offset moves by the permuted input strides.
    const inStrides = stridesOf(x.shape);
    const strides = axes.map((a) => inStrides[a]!);
    const coord = new Array<number>(o.shape.length).fill(0);
    let off = 0;
    for (let i = 0; i < out.length; i++) {
      out[i] = x.storage.data[off]!;
      for (let a = coord.length - 1; a >= 0; a--) {
        coord[a]!++;
        off += strides[a]!;
        if (coord[a]! < o.shape[a]!) break;
        off -= strides[a]! * o.shape[a]!;
        coord[a] = 0;
      }
    }
    return new CpuStorage(out);
  }),
  defineKernel(Expand, CPU, (_: CpuBackend, { x }, _attrs, outs) => {
    const o = outs.out!;
    const idx = broadcastIndex(o.shape, x.shape);
    const out = allocArray(o.dtype, o.size);
    for (let i = 0; i < out.length; i++) out[i] = x.storage.data[idx[i]!]!;
    return new CpuStorage(out);
  }),
] as const;
