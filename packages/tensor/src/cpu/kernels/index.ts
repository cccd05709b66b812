// The reference CPU backend's kernels, one array per family (each family file owns its list).
import type { AnyKernel } from '../../backend.ts';
import { elementwiseKernels } from './elementwise.kernel.ts';
import { reduceKernels } from './reduce.kernel.ts';
import { layoutKernels } from './layout.kernel.ts';
import { matmulKernel } from './matmul.kernel.ts';
import { shapeKernels } from './shape.kernel.ts';
import { nnKernels } from './nn.kernel.ts';
import { adamKernels } from './adam.kernel.ts';

/** Every kernel of the CPU oracle. */
export const cpuKernels: readonly AnyKernel[] = [
  ...elementwiseKernels,
  ...reduceKernels,
  ...layoutKernels,
  matmulKernel,
  ...shapeKernels,
  ...nnKernels,
  ...adamKernels,
];
