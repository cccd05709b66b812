// PLACEHOLDER (helper A replaces this file)
import type { AnyKernel } from '../../backend.ts';
export const shapeKernels: readonly AnyKernel[] = [];
