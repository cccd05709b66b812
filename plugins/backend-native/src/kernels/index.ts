// Every native kernel, one array per family (each family file owns its list).
import type { AnyKernel } from '@crossmodal/tensor';
import { matmulKernel } from './matmul.kernel.ts';
import { elementwiseKernels } from './elementwise.kernel.ts';
import { reduceKernels } from './reduce.kernel.ts';
import { layoutKernels } from './layout.kernel.ts';
import { indexingKernels } from './indexing.kernel.ts';
import { softmaxKernels } from './softmax.kernel.ts';
import { layernormKernels } from './layernorm.kernel.ts';
import { attentionKernels } from './attention.kernel.ts';
import { adamKernels } from './adam.kernel.ts';

/** The native backend's kernels. */
export const nativeKernels: readonly AnyKernel[] = [
  matmulKernel,
  ...elementwiseKernels,
  ...reduceKernels,
  ...layoutKernels,
  ...indexingKernels,
  ...softmaxKernels,
  ...layernormKernels,
  ...attentionKernels,
  ...adamKernels,
];
