// Every WebGPU kernel, one array per family (each family file owns its list).
import type { AnyKernel } from '@crossmodal/tensor';
import { elementwiseKernels } from './elementwise.kernel.ts';

/** The WebGPU backend's kernels. */
export const webgpuKernels: readonly AnyKernel[] = [...elementwiseKernels];
