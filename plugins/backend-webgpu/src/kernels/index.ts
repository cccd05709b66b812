// Every WebGPU kernel, one array per family (each family file owns its list).
import type { AnyKernel } from '@crossmodal/tensor';
import { elementwiseKernels } from './elementwise.kernel.ts';
import { reduceKernels } from './reduce.kernel.ts';
import { layoutKernels } from './layout.kernel.ts';
import { indexingKernels } from './indexing.kernel.ts';
import { matmulKernel } from './matmul.kernel.ts';
import { softmaxKernels } from './softmax.kernel.ts';
import { layerNormKernels } from './layer-norm.kernel.ts';
import { dropoutKernels } from './dropout.kernel.ts';
import { geluGradKernels } from './gelu-grad.kernel.ts';
import { attentionKernels } from './attention.kernel.ts';
import { adamKernels } from './adam.kernel.ts';

/** The WebGPU backend's kernels. */
export const webgpuKernels: readonly AnyKernel[] = [
  ...elementwiseKernels,
  ...reduceKernels,
  ...layoutKernels,
  ...indexingKernels,
  matmulKernel,
  ...softmaxKernels,
  ...layerNormKernels,
  ...dropoutKernels,
  ...geluGradKernels,
  ...attentionKernels,
  ...adamKernels,
];
