// The reference CPU backend: plain TypeScript over typed arrays. It is the oracle every other
// backend is tested against, so its kernels favour obvious correctness over speed.
import { kernelTable } from '../backend.ts';
import { allocArray, type DType, type TypedArray } from '../dtype.ts';
import { cpuKernels } from './kernels/index.ts';
import { CPU, CpuStorage, type CpuBackend } from './cpu-storage.ts';

export { CPU, CpuStorage, type CpuBackend };

/** Creates the reference CPU backend; every process normally has one, as the default backend. */
export function createCpuBackend(): CpuBackend {
  return {
    id: CPU,
    kernels: kernelTable(CPU, cpuKernels),
    upload: (data) => new CpuStorage(data.slice()),
    fill: (dtype: DType, size: number, value: number) => new CpuStorage(allocArray(dtype, size).fill(value)),
    read: (s, _dtype, size) => Promise.resolve(checkedCopy(s, size)),
    readSync: (s, _dtype, size) => checkedCopy(s, size),
    release: () => {},
  };
}

function checkedCopy(s: CpuStorage, size: number): TypedArray {
  if (s.data.length !== size) throw new Error(`internal: cpu storage holds ${s.data.length} elements, expected ${size}`);
  return s.data.slice();
}
