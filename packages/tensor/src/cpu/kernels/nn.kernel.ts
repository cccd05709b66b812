// PLACEHOLDER (helper B replaces this file)
import type { AnyKernel } from '../../backend.ts';
export const nnKernels: readonly AnyKernel[] = [];
